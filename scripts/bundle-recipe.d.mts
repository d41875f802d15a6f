/** The esbuild command docs/performance.md gives users, as an argument list (see bundle-recipe.mjs). */
export declare const BUNDLE_RECIPE: ReadonlyArray<string>
