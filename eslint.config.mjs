// Lint as Effect's own repository does: typescript-eslint's recommended rules plus dprint formatting
// (2 spaces, width 120, no semicolons, double quotes), through @effect/eslint-plugin.
import effectPlugin from "@effect/eslint-plugin"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".docs-check/**"] },
  ...tseslint.configs.recommended,
  ...effectPlugin.configs.dprint,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "off",
      "@effect/dprint": [
        "error",
        {
          config: {
            indentWidth: 2,
            lineWidth: 120,
            semiColons: "asi",
            quoteStyle: "alwaysDouble",
            trailingCommas: "never",
            operatorPosition: "maintain",
            "arrowFunction.useParentheses": "force"
          }
        }
      ]
    }
  },
  {
    // What a program imports at start: effect's modules (and @effect/platform's, @effect/cli's,
    // @effect/platform-node's) from the modules that define them. An index re-exports each as a namespace object,
    // which a bundler keeps whole (`Stream` drags in PubSub, Mailbox, STM …) and which node loads every one of
    // (~600 for effect; docs/performance.md, issue 23). Types may come from anywhere.
    files: [
      "packages/core/src/**/*.ts",
      "packages/payroll-card/src/**/*.ts",
      "packages/bill/src/**/*.ts",
      "packages/cli/src/**/*.ts",
      "packages/sandbox/src/**/*.ts"
    ],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", {
        paths: ["effect", "@effect/platform", "@effect/cli", "@effect/platform-node"].map((name) => ({
          name,
          message: `import the module itself (import * as Effect from "effect/Effect", import * as Command from ` +
            `"@effect/cli/Command"), not ${name}'s index: see docs/performance.md`,
          allowTypeImports: true
        }))
      }]
    }
  }
)
