// One lint setup for the whole tree; CI runs it through `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-output/', 'coverage/', 'runs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The layering of ARCHITECTURE.md, enforced: only electron/ may import electron.
    files: ['**/*.ts'],
    ignores: ['electron/**', 'test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/ may import electron (ARCHITECTURE.md).' }] }],
    },
  },
  {
    // models/ is pure: no I/O.
    files: ['models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['node:*', 'fs', 'net', 'child_process', 'serialport', '../drivers/*', '../sim/*', '../sequences/*'], message: 'models/ does no I/O and imports only numerics (ARCHITECTURE.md).' }],
      }],
    },
  },
);
