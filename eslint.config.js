// ESLint's flat config (`make lint`): the recommended rules over our own browser modules.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["node_modules/", ".venv/", "var/", "build/", "shared/static/vendor/"] },
  {
    files: ["{kiosk,board,counter,admin,central}/static/**/*.js", "shared/static/js/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      // Every page loads them with <script type="module">.
      sourceType: "module",
      globals: globals.browser,
    },
  },
  {
    files: ["eslint.config.js"],
    ...js.configs.recommended,
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
];
