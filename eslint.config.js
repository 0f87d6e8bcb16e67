// eslint over the page's modules, its tests and benchmark (`npm run lint`, run by `make test`).
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['frontend/**/*.js', 'frontend/**/*.mjs'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.browser } },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  { files: ['frontend/tests/**', 'frontend/bench/**'], languageOptions: { globals: { ...globals.node } } },
];
