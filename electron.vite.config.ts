// Build of the three sides: main (three entries bundled to out/main: the Electron main
// process, the `spanfill` CLI and the engine host), the sandboxed preload (CommonJS, as
// sandboxed preloads must be) and the Svelte renderer. Native packages stay external.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

// Loaded at run time from node_modules: native addons and their heavy JS wrappers.
const root = dirname(fileURLToPath(import.meta.url));

const nativeExternals = ['onnxruntime-node', 'better-sqlite3', '@huggingface/transformers', 'sharp'];

export default defineConfig({
  main: {
    build: {
      // The CLI and host bundles also run under plain Node 20, not only Electron's Node.
      target: 'node20',
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          cli: resolve(root, 'src/main/cli/index.ts'),
          host: resolve(root, 'src/main/host/entry.ts'),
        },
        external: nativeExternals,
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [svelte()],
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
});
