// The page's upload client (src/renderer/src/lib/upload.ts) against a stand-in server: a file
// the server refuses by its name (uploadNameRefusedCode, before any byte of it is written) is
// skipped with the server's words and the rest of the drop is sent; any other refusal still
// ends the upload, stopping the files sent beside it; files go parallelFiles at a time (a
// browser spends ~20 ms a request) and the outcome keeps their order.

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parallelFiles,
  uploadFiles,
  type PickedFile,
  type UploadProgress,
} from '../../../../src/renderer/src/lib/upload';
import { uploadNameRefusedCode } from '../../../../src/shared/upload';

const file = (name: string, text: string): PickedFile => ({
  name,
  file: new File([text], name.split('/').pop() ?? name),
});

/** A server that refuses `refused` names with `code`, taking the rest; records the names sent. */
function stubServer(refused: readonly string[], code = uploadNameRefusedCode): string[] {
  const sent: string[] = [];
  vi.stubGlobal('fetch', (url: string) => {
    const name = new URL(url, 'http://page').searchParams.get('name') ?? '';
    sent.push(name);
    const body = refused.includes(name)
      ? { ok: false, error: { code, message: `File name "${name}" holds ?, which Windows does not allow` } }
      : { ok: true, result: { received: 1, uploadBytes: 1, entryPath: `/srv/uploads/up-1/${name.split('/')[0]}` } };
    return Promise.resolve(new Response(JSON.stringify(body), { status: refused.includes(name) ? 400 : 200 }));
  });
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

describe('uploadFiles', () => {
  it('skips a file refused by its name, sends the rest and says why it skipped it', async () => {
    const sent = stubServer(['q?x.txt']);
    const progress: UploadProgress[] = [];
    const files = [file('a.txt', 'aa'), file('q?x.txt', 'qqq'), file('book/b.txt', 'b')];
    const outcome = await uploadFiles('up-1', files, 'token', new AbortController().signal, (p) => progress.push(p));
    expect(sent).toEqual(['a.txt', 'q?x.txt', 'book/b.txt']);
    expect(outcome).toEqual({
      paths: ['/srv/uploads/up-1/a.txt', '/srv/uploads/up-1/book'],
      skipped: ['File name "q?x.txt" holds ?, which Windows does not allow'],
    });
    expect(progress.at(-1)).toEqual({ sent: 6, total: 6 }); // the skipped file's bytes counted as done
  });

  it('skips every file when the server refuses every name, importing nothing', async () => {
    stubServer(['q?x.txt', 'r*.txt']);
    const outcome = await uploadFiles(
      'up-1',
      [file('q?x.txt', 'q'), file('r*.txt', 'r')],
      't',
      new AbortController().signal,
      () => {},
    );
    expect(outcome.paths).toEqual([]);
    expect(outcome.skipped).toHaveLength(2);
  });

  it('ends the upload on any other refusal', async () => {
    stubServer(['b.txt'], 'invalid_argument');
    await expect(
      uploadFiles(
        'up-1',
        [file('a.txt', 'a'), file('b.txt', 'b'), file('c.txt', 'c')],
        't',
        new AbortController().signal,
        () => {},
      ),
    ).rejects.toThrow('File name "b.txt" holds ?');
  });

  /** A server whose answers wait until answer(name) is called; records what is in flight. */
  function heldServer() {
    const waiting = new Map<string, () => void>();
    const state = { inFlight: 0, most: 0, started: [] as string[], aborted: [] as string[] };
    vi.stubGlobal('fetch', (url: string, init: { signal: AbortSignal }) => {
      const name = new URL(url, 'http://page').searchParams.get('name') ?? '';
      state.started.push(name);
      state.inFlight += 1;
      state.most = Math.max(state.most, state.inFlight);
      return new Promise<Response>((resolve, reject) => {
        init.signal.addEventListener('abort', () => {
          if (!waiting.delete(name)) return; // answered already
          state.inFlight -= 1;
          state.aborted.push(name);
          reject(new DOMException('aborted', 'AbortError'));
        });
        waiting.set(name, () => {
          waiting.delete(name);
          state.inFlight -= 1;
          const fail = name.startsWith('bad');
          const body = fail
            ? { ok: false, error: { code: 'internal', message: `disk trouble at ${name}` } }
            : { ok: true, result: { received: 1, uploadBytes: 1, entryPath: `/srv/up/${name.split('/')[0]}` } };
          resolve(new Response(JSON.stringify(body), { status: fail ? 500 : 200 }));
        });
      });
    });
    const answer = async (name: string): Promise<void> => {
      await vi.waitFor(() => expect(waiting.has(name)).toBe(true));
      waiting.get(name)?.();
    };
    return { state, answer };
  }

  /** Uploads a one-byte file of each name. */
  const sendAll = (names: readonly string[]) =>
    uploadFiles(
      'up-1',
      names.map((n) => file(n, 'x')),
      't',
      new AbortController().signal,
      () => {},
    );

  it(`sends ${parallelFiles} files at once and keeps their order in the outcome`, async () => {
    const { state, answer } = heldServer();
    const names = ['e.txt', 'd.txt', 'c.txt', 'b.txt', 'a.txt', 'z.txt'];
    const done = sendAll(names);
    await vi.waitFor(() => expect(state.started).toHaveLength(parallelFiles));
    // The first four answered last first, then the two sent as places free.
    for (const name of ['b.txt', 'c.txt', 'd.txt', 'e.txt', 'a.txt', 'z.txt']) await answer(name);
    const outcome = await done;
    expect(state.most).toBe(parallelFiles);
    expect(outcome.paths).toEqual(names.map((n) => `/srv/up/${n}`));
  });

  it('stops the files being sent beside one refused for another reason, and starts no more', async () => {
    const { state, answer } = heldServer();
    const names = ['a.txt', 'bad.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt'];
    const done = sendAll(names);
    const failed = expect(done).rejects.toThrow('disk trouble at bad.txt');
    await answer('bad.txt');
    await failed;
    expect(state.started).toEqual(['a.txt', 'bad.txt', 'c.txt', 'd.txt']);
    expect(state.aborted.sort()).toEqual(['a.txt', 'c.txt', 'd.txt']);
    expect(state.inFlight).toBe(0);
  });

  it("ends every file's request when the caller cancels", async () => {
    const { state } = heldServer();
    const controller = new AbortController();
    const done = uploadFiles(
      'up-1',
      ['a', 'b', 'c'].map((n) => file(`${n}.txt`, 'x')),
      't',
      controller.signal,
      () => {},
    );
    await vi.waitFor(() => expect(state.started).toHaveLength(3));
    controller.abort();
    await expect(done).rejects.toThrow('aborted');
    expect(state.inFlight).toBe(0);
  });
});
