import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "payroll-card",
    include: ["test/**/*.test.ts"]
  }
})
