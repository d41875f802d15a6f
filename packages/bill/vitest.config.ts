import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "bill",
    include: ["test/**/*.test.ts"],
    // Generous: RSA key generation and loopback calls share 2 cores with the rest of the suite.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
