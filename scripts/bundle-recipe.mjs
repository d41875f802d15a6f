// The esbuild command docs/performance.md gives users for bundling what they deploy ("Bundle what you deploy"),
// as an argument list: bench/coldstart.ts builds its `-bundled` programs with it, and scripts/consumer-check.mjs
// bundles a one-call program with it from the installed tarballs. The banner gives the CommonJS dependencies
// bundled into an ES module (undici's) the `require` they call for node's built-ins.
export const BUNDLE_RECIPE = Object.freeze([
  "esbuild",
  "app.mjs",
  "--bundle",
  "--platform=node",
  "--format=esm",
  "--target=node20",
  "--minify",
  "--outfile=app.bundle.mjs",
  "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
])
