// Every WebAssembly kernel's generated module holds what its .wat assembles to now, so an
// edit to a .wat without `npm run build:wasm` fails here (the app runs the generated binary).
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs module of the build script, without type declarations
import { assembleWat, wasmModuleSource, watFiles } from '../../scripts/wasm.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files: string[] = watFiles(root);

describe('WebAssembly kernels', () => {
  it('finds the kernels', () => {
    expect(files.map((file) => basename(file))).toContain('adamw.wat');
  });

  it.each(files.map((file) => [file.slice(join(root, 'src').length + 1), file]))(
    '%s: its generated module is up to date',
    async (_name, file) => {
      const bytes: Uint8Array = await assembleWat(basename(file), readFileSync(file, 'utf8'));
      const generated = readFileSync(file.replace(/\.wat$/, '.wasm.ts'), 'utf8');
      expect(generated, 'run `npm run build:wasm`').toBe(wasmModuleSource(basename(file), bytes));
    },
  );
});
