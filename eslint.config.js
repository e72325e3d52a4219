// ESLint flat config: typescript-eslint for the TypeScript sides, eslint-plugin-svelte for
// the renderer's components. `no-explicit-any` is an error (take unknown and narrow); the
// design's dependency rules are enforced with no-restricted-imports (renderer → contract only,
// engine ↛ electron/store/services, host ↛ services, onnxruntime only in engine/onnx) and
// import circles with lint-rules/no-import-cycles.js. test/lint/rules.test.ts proves each
// rule fires on the broken files in test/fixtures/lint/.

import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import spanfill from './lint-rules/no-import-cycles.js';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'coverage/**',
      'test/fixtures/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.svelte'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      // The renderer talks only to the contract; never to Node or Electron.
      'no-restricted-imports': ['error', { patterns: ['**/main/**', '**/preload/**', 'electron', 'node:*'] }],
    },
  },
  {
    // No import circles anywhere in the app's TypeScript, type-only imports included.
    files: ['src/**/*.ts', 'lint-rules/**/*.js'],
    plugins: { spanfill },
    rules: { 'spanfill/no-import-cycles': 'error' },
  },
  {
    // Only engine/onnx/ may load onnxruntime (DESIGN §2).
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/engine/**', 'src/main/host/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['onnxruntime-node'] }] },
  },
  {
    // The engine host runs engine code for main; it never reaches back into the services
    // (which own the store and the host itself). Shared code it needs lives in engine/ or shared/.
    files: ['src/main/host/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['onnxruntime-node', '**/services/**'] }] },
  },
  {
    // The engine is pure TypeScript + onnxruntime: no Electron, no store, no services.
    files: ['src/main/engine/**/*.ts'],
    ignores: ['src/main/engine/onnx/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', '**/store/**', '**/services/**', 'onnxruntime-node'] },
      ],
    },
  },
  {
    files: ['src/main/engine/onnx/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['electron', '**/store/**', '**/services/**'] }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/main/**', '**/preload/**', '**/renderer/**', 'electron', 'node:*'] },
      ],
    },
  },
);
