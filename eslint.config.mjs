// Lint rules that keep the layers honest (see DESIGN.md "Layers").
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'http', 'https', 'net', 'child_process', 'os', 'crypto', 'stream'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.demo/**', 'out/**', '.cache/**', 'test-results/**', 'bench/.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is what the CLI, the tests and the benchmarks run in plain node.
    files: ['src/core/**', 'src/cli/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core, src/cli and src/shared must not import vscode: they run in plain node.' }] }],
    },
  },
  {
    // Browser code of the webview: no node, no vscode.
    files: ['src/webview/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', ...nodeBuiltins].map((name) => ({ name, message: 'webview code runs in the browser.' })),
        patterns: [{ group: ['node:*'], message: 'webview code runs in the browser.' }],
      }],
    },
  },
  {
    files: ['**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
