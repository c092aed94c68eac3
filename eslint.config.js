import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// conform's zod parser comes only through app/lib/zod-form.ts, which loads zod's Chinese messages with it
// (decision 062); imported directly, a form in the browser would answer in English.
const conformZodOnlyThroughZodForm = {
  group: ["@conform-to/zod", "@conform-to/zod/*"],
  message: "Import parseWithZod and getZodConstraint from ~/lib/zod-form (it loads zod's Chinese messages with them, decision 062).",
};

export default tseslint.config(
  { ignores: ["build/", "node_modules/", "app/.server/generated/", "data/", "test-results/", "playwright-report/", "tests/.tmp/", "bench/.tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-console": ["error", { allow: ["warn", "error", "info"] }],
    },
  },
  {
    files: ["**/*.{js,mjs,cjs,ts,tsx}"],
    ignores: ["app/lib/zod-form.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [conformZodOnlyThroughZodForm] }] },
  },
  {
    // Routes authorise, parse, call a domain function and render: what they read or write lives in a
    // domain module under app/.server named for what it holds (decision 038).
    files: ["app/routes/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          // This list replaces the one above for routes, so it repeats it.
          patterns: [
            conformZodOnlyThroughZodForm,
            {
              regex: "(^|/)\\.server/db(\\.ts)?$",
              message: "Routes do not reach the database: call a domain module under app/.server that reads or writes what the page needs (decision 038).",
            },
          ],
        },
      ],
    },
  },
  {
    // Command-line scripts and benchmarks print their results.
    files: ["scripts/**", "bench/**", "prisma/**"],
    rules: { "no-console": "off" },
  },
);
