// Lint rules, including the layering rules of docs/ARCHITECTURE.md: shared imports nothing
// platform-specific, main and renderer never import each other, services never import
// electron, and only the typed wrappers in main/electron touch Electron IPC.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'net'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.native/**',
      'bench/.venv/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.config.ts', '**/*.config.mjs', 'eslint.config.mjs'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                'electron',
                'react',
                'react-dom',
                '../main/*',
                '../renderer/*',
              ],
              message: 'shared/ is pure TypeScript: no Node, DOM, Electron or UI imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, 'electron', '**/main/*', '**/main/**'],
              message: 'The renderer has no Node access and never imports main/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', '**/renderer/**', '**/electron/**'],
              message: 'Only main/electron may import electron; main never imports the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    ignores: ['main/electron/typed-ipc.ts', 'main/electron/preload.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportSpecifier[imported.name=/^(ipcMain|ipcRenderer)$/]',
          message:
            'Use the typed wrappers in main/electron/typed-ipc.ts, never raw ipcMain/ipcRenderer.',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
