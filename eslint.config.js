// ESLint for tsmpi (`npm run lint`): JavaScript's and typescript-eslint's recommended rules over every
// TypeScript and JavaScript file of the project; layout is Prettier's job (.prettierrc.json, 120 columns).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".tsrun-cache/", "trace-*/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // An empty catch is how the project says "already gone" (killing a process that exited, closing twice).
      "no-empty": ["error", { allowEmptyCatch: true }],
      // A variable a closure reads before its one assignment (a socket set once connected) stays `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // `ok && done()` and `a ? f() : g()` as statements are the project's idiom for one-line branches.
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  // TypeScript checks names itself (tsc --noEmit is part of npm test).
  { files: ["**/*.ts"], rules: { "no-undef": "off" } },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  // The trace viewer's page scripts run in the browser.
  {
    files: ["launcher/view/client/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
    // each script defines one global (TsmpiPanels, TsmpiRender…) that the page's other scripts use
    rules: { "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^Tsmpi" }] },
  },
);
