// Assembles each WebAssembly text kernel under src/ (`*.wat`) into a TypeScript module beside
// it (`*.wasm.ts`, the binary as base64), so the app ships no build step for them and the
// bundler needs no loader. Run `npm run build:wasm` after editing a .wat;
// test/scripts/wasm.test.ts fails while a module is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleWat, watFiles, wasmModuleSource } from './wasm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const file of watFiles(root)) {
  const bytes = await assembleWat(basename(file), readFileSync(file, 'utf8'));
  const target = file.replace(/\.wat$/, '.wasm.ts');
  writeFileSync(target, wasmModuleSource(basename(file), bytes));
  console.log(`${target.slice(root.length)}: ${bytes.length} bytes`);
}
