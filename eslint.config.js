import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "artifacts/**",
      "cache/**",
      "types/**",
      "circuits/build/**",
      "packages/agent/dist/**",
      "packages/contracts/src/generated/**",
      "packages/contracts/typechain/**",
      "**/*.cjs",
      // a research prototype outside the workspace (see research/g16-native/README.md)
      "research/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
