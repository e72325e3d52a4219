// Instantiating this project's WebAssembly kernels (each a .wat assembled into a base64 module
// by `npm run build:wasm`): a memory of a fixed size, never grown (growing it would detach every
// view of it that ONNX Runtime may be holding), and the module compiled once per binary.

/** The part of the WebAssembly JS API used here (this project's Node typings do not declare it). */
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const PAGE_BYTES = 65536;
/** WebAssembly's 32-bit memories hold at most 65,536 pages (4 GiB). */
export const MAX_PAGES = 65536;

const compiled = new Map<string, object>();

/** The pages `bytes` bytes take. */
export const pagesFor = (bytes: number): number => Math.ceil(bytes / PAGE_BYTES);

/**
 * An instance of the module `base64` over a new zero-filled memory of `pages` pages (imported
 * as env.memory): its exports and the memory's buffer.
 */
export function instantiate(base64: string, pages: number): { exports: Record<string, unknown>; buffer: ArrayBuffer } {
  if (!(Number.isInteger(pages) && pages >= 1 && pages <= MAX_PAGES))
    throw new Error(`WebAssembly memory of ${pages} pages: must be 1…${MAX_PAGES} (at most 4 GiB)`);
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  let module = compiled.get(base64);
  if (!module) {
    module = new wasm.Module(Buffer.from(base64, 'base64'));
    compiled.set(base64, module);
  }
  const instance = new wasm.Instance(module, { env: { memory } });
  return { exports: instance.exports, buffer: memory.buffer };
}
