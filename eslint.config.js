// One lint setup for the whole tree; CI runs it through `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

import pluginVue from 'eslint-plugin-vue';

// A later block's no-restricted-imports replaces an earlier one's, so every block repeats this path.
const NO_ELECTRON = { name: 'electron', message: 'Only electron/ may import electron (ARCHITECTURE.md).' };

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
      'no-restricted-imports': ['error', { paths: [NO_ELECTRON] }],
    },
  },
  {
    // sim/ speaks the wire's grammar (drivers/scpi) and uses models/, never a transport, session or driver.
    files: ['sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [NO_ELECTRON],
        patterns: [{
          regex: '(^|/)drivers/(?!scpi/)',
          message: 'sim/ may use only the SCPI grammar in drivers/scpi/, never a transport, session or driver (ARCHITECTURE.md).',
        }],
      }],
    },
  },
  {
    // drivers/ talk to instruments, real or simulated, only through resource strings; they never import sim/.
    files: ['drivers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [NO_ELECTRON],
        patterns: [{ regex: '(^|/)(sim|sequences|service|cli|renderer)/', message: 'drivers/ import only drivers/ and models/ (ARCHITECTURE.md).' }],
      }],
    },
  },
  {
    // models/ is pure: no I/O.
    files: ['models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [NO_ELECTRON],
        patterns: [{ group: ['node:*', 'fs', 'net', 'child_process', 'serialport', '../drivers/*', '../sim/*', '../sequences/*'], message: 'models/ does no I/O and imports only numerics (ARCHITECTURE.md).' }],
      }],
    },
  },
  {
    // runindex/ sits above sequences/ (it reads the run records) and below service/: it never reaches up.
    files: ['runindex/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [NO_ELECTRON],
        patterns: [{ regex: '(^|/)(service|cli|renderer|sim|drivers|electron)/', message: 'runindex/ imports only sequences/ (record shapes) and its own files; service/ feeds it (ARCHITECTURE.md).' }],
      }],
    },
  },
  // The renderer (Vue 3): .vue files parsed with TypeScript inside; browser globals; it reaches the bench
  // only through window.bench (BenchApi), so it may import models/ (pure) but only types from the layers
  // below, and nothing from Node.
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['renderer/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    ignores: ['renderer/bridge/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only electron/ may import electron (ARCHITECTURE.md).' }],
        patterns: [
          { group: ['node:*', 'fs', 'net', 'child_process', 'serialport', 'ws'], message: 'The renderer runs in a browser: no Node modules (ARCHITECTURE.md).' },
          { group: ['**/drivers/**', '**/sim/**', '**/sequences/**', '**/service/**', '**/cli/**'], allowTypeImports: true, message: 'The renderer talks to the bench only through window.bench (BenchApi): import types only.' },
        ],
      }],
    },
  },
);
