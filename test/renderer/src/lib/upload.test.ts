// The page's upload client (src/renderer/src/lib/upload.ts) against a stand-in server: a file
// the server refuses by its name (uploadNameRefusedCode, before any byte of it is written) is
// skipped with the server's words and the rest of the drop is sent; any other refusal still
// ends the upload.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { uploadFiles, type PickedFile, type UploadProgress } from '../../../../src/renderer/src/lib/upload';
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
});
