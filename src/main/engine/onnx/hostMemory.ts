// Handing a host tensor's memory back at once instead of at V8's next garbage collection.
// onnxruntime-node copies every output into a new ArrayBuffer, and an ArrayBuffer's memory is
// freed only when V8 collects it. A CPU training step replaces ~726 MB of state (t5-small) this
// way every call, so until the collector runs, the state of the previous steps stays allocated,
// and the next step's copies take fresh pages from the OS (page faults, a larger peak).
// `ArrayBuffer.prototype.transfer(0)` detaches a buffer and frees its memory now
// (ECMAScript 2024; V8 ≥ 11.4, so Electron; under Node 20 behind --harmony-rab-gsab-transfer,
// which the engine host is started with: see freeNowNodeFlags). Where it is missing nothing is
// freed early and everything else works as before.
// Measured (t5-small, 2 threads, the shared 2-core machine, the host's malloc tunables, steps
// 3–11 of 12, four alternating pairs): B=8 128/29, 2.2k page faults a step against 12–17k,
// 13–35 against 51–69 ms of system time, a steady RSS of ~2,470 MB against 2,500–2,620 MB and
// a median step of 1,668–1,967 against 1,720–1,974 ms; 512/114, peak RSS 4,585–4,587 against
// 4,645–4,709 MB at the same step time.

import type { AnyTypedArray } from './dtype';

interface Transferable {
  transfer(newLength?: number): ArrayBuffer;
}

const hasTransfer = (buffer: ArrayBufferLike): buffer is ArrayBuffer & Transferable =>
  typeof (buffer as Partial<Transferable>).transfer === 'function';

/** Whether this runtime can free an ArrayBuffer before garbage collection. */
export function canFreeNow(): boolean {
  return typeof (ArrayBuffer.prototype as Partial<Transferable>).transfer === 'function';
}

/** Whether `data` spans all of its buffer (a view of a larger buffer is not the only holder of it). */
const spansAll = (data: AnyTypedArray): boolean => data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;

/** Detaches `buffer`, freeing its memory, where this runtime can; returns whether it did. */
function detach(buffer: ArrayBufferLike): boolean {
  if (!hasTransfer(buffer)) return false;
  buffer.transfer(0);
  return true;
}

/**
 * Frees an output its caller alone holds, now, where this runtime can (canFreeNow): `data`
 * must span all of its buffer. For an output used once and dropped (a session run's copy of
 * what it also wrote elsewhere); OwnedBuffers is for outputs kept until replaced.
 */
export function freeNow(data: AnyTypedArray): boolean {
  return spansAll(data) && detach(data.buffer);
}

/**
 * The node flags a child process of this node binary needs for canFreeNow(). Node 20's V8
 * (11.3) has ArrayBuffer.prototype.transfer behind a flag; later versions ship it (and may not
 * know the flag, so it is passed only where it is needed). Decided by the version, not by this
 * process: flags are not inherited by a child started with its own execArgv.
 */
export function freeNowNodeFlags(nodeVersion: string = process.versions.node): string[] {
  return nodeVersion.startsWith('20.') ? ['--harmony-rab-gsab-transfer'] : [];
}

/**
 * The ArrayBuffers one owner alone holds (the outputs of its own session runs), so that it may
 * free them when it replaces them. Anything it hands out to callers is `share`d first: a
 * shared buffer is never freed here and is left to the garbage collector.
 */
export class OwnedBuffers {
  private readonly owned = new WeakSet<ArrayBufferLike>();

  /** Takes ownership of `data`'s buffer if `data` spans all of it (a view of a larger buffer is not ours alone). */
  adopt(data: AnyTypedArray): void {
    if (spansAll(data)) this.owned.add(data.buffer);
  }

  /** `data`'s buffer has been handed out: never free it here. */
  share(data: AnyTypedArray): void {
    this.owned.delete(data.buffer);
  }

  /**
   * Frees `data`'s buffer now if it is owned here and this runtime can (canFreeNow). Afterwards
   * every view of it has length 0. Returns whether it was freed.
   */
  free(data: AnyTypedArray): boolean {
    const buffer = data.buffer;
    if (!this.owned.has(buffer) || !hasTransfer(buffer)) return false;
    this.owned.delete(buffer);
    return detach(buffer);
  }
}
