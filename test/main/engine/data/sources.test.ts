// What the importer agrees to read: regular files and folders only. Named pipes, sockets and
// devices are refused by name before anything opens them (opening a FIFO for reading blocks
// until a writer appears: issue #9 item 3), symbolic-link loops are called loops (item 8),
// and an import can be cancelled while its documents are still being handed over.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/main/engine/data/errors';
import { importDocuments, type ImportSummary } from '../../../../src/main/engine/data/import';
import { resolveSources } from '../../../../src/main/engine/data/sources';
import { tempDirs } from '../../../support/tmp';

const newDir = tempDirs('spanfill-sources-');
const fifos: string[] = [];
const servers: Server[] = [];

afterAll(() => {
  // If a regression ever opens a FIFO again, its blocked open() holds a libuv thread; opening
  // the write end (non-blocking: fails harmlessly when no reader waits) releases it.
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader was waiting: nothing to release
    }
  }
  for (const server of servers) server.close();
});

function mkfifo(path: string): string {
  execFileSync('mkfifo', [path]);
  fifos.push(path);
  return path;
}

async function listeningSocket(path: string): Promise<string> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return path;
}

/** What `run` rejected with; an Error saying so if it resolved or is still pending after 5 s. */
async function rejection(run: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    run.then(
      () => new Error('expected the import to be refused'),
      (e: unknown) => e,
    ),
    new Promise((resolve) => setTimeout(() => resolve(new Error('the import hung for 5 s')), 5000)),
  ]);
}

/** The import's DataError, or a test failure if it imports, throws something else, or hangs. */
async function refusal(paths: string[]): Promise<DataError> {
  const outcome = await rejection(importDocuments(paths, () => undefined));
  if (outcome instanceof DataError) return outcome;
  throw outcome;
}

describe('only regular files and folders are read', () => {
  it('refuses a named pipe given directly, naming it, without blocking on it', async () => {
    const dir = newDir();
    const fifo = mkfifo(join(dir, 'pipe.txt'));
    const e = await refusal([fifo]);
    expect(e.code).toBe('unsupported-file');
    expect(e.file).toBe(fifo);
    expect(e.message).toBe(
      `${fifo} is a named pipe (FIFO), not a regular file; only files and folders can be imported (save the text to a file first)`,
    );
  });

  it('refuses a socket and a character device given directly', async () => {
    const sock = await listeningSocket(join(newDir(), 'server.sock'));
    expect((await refusal([sock])).message).toBe(
      `${sock} is a socket, not a regular file; only files and folders can be imported (save the text to a file first)`,
    );
    expect((await refusal(['/dev/null'])).message).toBe(
      '/dev/null is a character device, not a regular file; only files and folders can be imported (save the text to a file first)',
    );
  });

  it('refuses a file replaced by a named pipe after it was listed, instead of blocking on it', async () => {
    const dir = newDir();
    const first = join(dir, 'a.txt');
    const second = join(dir, 'b.txt');
    writeFileSync(first, 'alpha');
    writeFileSync(second, 'beta');
    const run = importDocuments([first, second], () => {
      // Both paths were checked before reading began; now the second becomes a pipe.
      unlinkSync(second);
      mkfifo(second);
    });
    const outcome = await rejection(run);
    expect(outcome).toBeInstanceOf(DataError);
    expect((outcome as DataError).message).toBe(
      `${second} is a named pipe (FIFO), not a regular file; only files and folders can be imported (save the text to a file first)`,
    );
  });

  it('a listed file removed or turned into a folder before it is read fails with a DataError naming it', async () => {
    const dir = newDir();
    const [first, second] = [join(dir, 'a.txt'), join(dir, 'b.txt')];
    writeFileSync(first, 'alpha');
    writeFileSync(second, 'beta');
    const removed = await rejection(importDocuments([first, second], () => unlinkSync(second)));
    expect(removed).toMatchObject({ name: 'DataError', code: 'not-found', message: `${second} does not exist` });
    writeFileSync(second, 'beta');
    const folder = await rejection(
      importDocuments([first, second], () => {
        unlinkSync(second);
        mkdirSync(second);
      }),
    );
    expect(folder).toMatchObject({ name: 'DataError', code: 'unreadable', file: second });
    expect((folder as DataError).message).toBe(`${second} is a folder, not a file`);
  });

  it('skips a named pipe or socket found in a folder with a warning naming it, and imports the rest', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'a.txt'), 'alpha');
    const fifo = mkfifo(join(dir, 'b.txt'));
    const sock = await listeningSocket(join(dir, 'c.md'));
    mkfifo(join(dir, 'ignored-no-extension'));
    const docs: string[] = [];
    const summary = await importDocuments([dir], (d) => void docs.push(d.text));
    expect(docs).toEqual(['alpha']);
    expect(summary.warnings).toEqual([
      `Skipped ${fifo}: it is a named pipe (FIFO), not a regular file`,
      `Skipped ${sock}: it is a socket, not a regular file`,
      // Passed over for its name alone, as any file without a text extension is.
      `Skipped 1 file in ${dir} that is not .txt .text .md .markdown .jsonl .ndjson .csv .tsv .tab (1 without an extension); ` +
        'save their text as .txt to import it, or give a plain-text file by name',
    ]);
  });
});

describe('symbolic links', () => {
  it('calls a symbolic-link loop a loop, and a dangling link a dangling link', async () => {
    const dir = newDir();
    const a = join(dir, 'loopA.txt');
    const b = join(dir, 'loopB.txt');
    symlinkSync(b, a);
    symlinkSync(a, b);
    const loop = await refusal([a]);
    expect(loop.code).toBe('unreadable');
    expect(loop.message).toBe(`${a} is a symbolic-link loop (following its links never reaches a file)`);
    const dangling = join(dir, 'gone.txt');
    symlinkSync(join(dir, 'missing.txt'), dangling);
    const broken = await refusal([dangling]);
    expect(broken.code).toBe('not-found');
    expect(broken.message).toBe(`${dangling} is a symbolic link to ${join(dir, 'missing.txt')}, which does not exist`);
    expect((await refusal([join(dir, 'nope.txt')])).message).toBe(`${join(dir, 'nope.txt')} does not exist`);
  });

  it('follows a link to a file inside a folder; skips a looping or dangling one with a warning', async () => {
    const outside = newDir();
    writeFileSync(join(outside, 'real.txt'), 'linked text');
    const dir = newDir();
    writeFileSync(join(dir, 'a.txt'), 'alpha');
    symlinkSync(join(outside, 'real.txt'), join(dir, 'b.txt'));
    symlinkSync(join(dir, 'd.txt'), join(dir, 'c.txt'));
    symlinkSync(join(dir, 'c.txt'), join(dir, 'd.txt'));
    symlinkSync(join(dir, 'missing.txt'), join(dir, 'e.txt'));
    const docs: string[] = [];
    const summary: ImportSummary = await importDocuments([dir], (d) => void docs.push(d.text));
    expect(docs).toEqual(['alpha', 'linked text']);
    expect(summary.warnings).toEqual([
      `Skipped ${join(dir, 'c.txt')}: it is a symbolic-link loop (following its links never reaches a file)`,
      `Skipped ${join(dir, 'd.txt')}: it is a symbolic-link loop (following its links never reaches a file)`,
      `Skipped ${join(dir, 'e.txt')}: it is a symbolic link to ${join(dir, 'missing.txt')}, which does not exist`,
    ]);
  });
  it('walks a linked folder inside a folder once, however many links lead to it, loops included', async () => {
    const outside = newDir();
    writeFileSync(join(outside, 'real.txt'), 'linked text');
    symlinkSync(outside, join(outside, 'back')); // a loop: the folder links to itself
    const dir = newDir();
    writeFileSync(join(dir, 'a.txt'), 'alpha');
    symlinkSync(outside, join(dir, 'again'));
    symlinkSync(outside, join(dir, 'linked'));
    symlinkSync(dir, join(dir, 'up'));
    const docs: string[] = [];
    const summary: ImportSummary = await importDocuments([dir], (d) => void docs.push(d.text));
    expect(docs).toEqual(['alpha', 'linked text']);
    // Before, each link counted as a passed-over "file without an extension".
    expect(summary.warnings).toEqual([]);
  });
});

describe('the same file given twice', () => {
  /** The files resolveSources lists for `paths`, and its notes. */
  async function listed(paths: string[]): Promise<{ files: string[]; notes: string[] }> {
    const notes: string[] = [];
    const sources = await resolveSources(paths, { onSkip: (note) => void notes.push(note) });
    return { files: sources.map((s) => s.path), notes };
  }

  it('lists a path given twice, or by another name (./, a link), once, with one note', async () => {
    const dir = newDir();
    const a = join(dir, 'a.txt');
    writeFileSync(a, 'alpha');
    symlinkSync(a, join(dir, 'link.txt'));
    expect(await listed([a, a])).toEqual({ files: [a], notes: [`${a} was given twice; it was imported once`] });
    const dotted = [dir, '.', 'a.txt'].join(sep); // join() would take the "." out
    expect(await listed([a, dotted, join(dir, 'link.txt')])).toEqual({
      files: [a],
      notes: [`${a} was given 3 times (also as ${dotted}, ${join(dir, 'link.txt')}); it was imported once`],
    });
    expect(await listed([dir, dir])).toEqual({
      files: [a],
      notes: [
        `${dir} was given twice; it was imported once`,
        `${join(dir, 'link.txt')} is the same file as ${a}; it was imported once`,
      ],
    });
  });
  it('lists a file given on its own and in a folder given too once, whichever came first', async () => {
    const dir = newDir();
    const [x, y] = [join(dir, 'x.txt'), join(dir, 'y.txt')];
    writeFileSync(x, 'ex');
    writeFileSync(y, 'why');
    const twice = `${x} was given twice`;
    expect(await listed([x, dir])).toEqual({
      files: [x, y],
      notes: [`${twice} (on its own and in ${dir}); it was imported once`],
    });
    expect(await listed([dir, x])).toEqual({
      files: [x, y],
      notes: [`${twice} (in ${dir} and on its own); it was imported once`],
    });
    // A folder inside one given before: one note for all its files.
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    for (const name of ['p.txt', 'q.txt', 'r.txt', 's.txt']) writeFileSync(join(sub, name), name);
    const again = await listed([dir, sub]);
    expect(again.files).toEqual([join(sub, 'p.txt'), join(sub, 'q.txt'), join(sub, 'r.txt'), join(sub, 's.txt'), x, y]);
    expect(again.notes).toEqual([
      `4 files in ${sub} were given already, by this path or another ` +
        `(${join(sub, 'p.txt')}, ${join(sub, 'q.txt')}, ${join(sub, 'r.txt')}, …); each was imported once`,
    ]);
  });
});

describe('cancelling', () => {
  it('stops handing documents to a slow sink as soon as the signal fires, mid-chunk', async () => {
    const dir = newDir();
    const p = join(dir, 'many.txt');
    // 20,000 documents in one 1 MiB read: before, every one of them reached the sink.
    writeFileSync(p, Array.from({ length: 20_000 }, (_, i) => `document ${i}`).join('\n\n'));
    const controller = new AbortController();
    let received = 0;
    const run = importDocuments(
      [p],
      async () => {
        received++;
        if (received === 10) controller.abort();
        await Promise.resolve();
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(received).toBe(10);
  });

  it('an import cancelled before it starts reads nothing, not even the folder', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'a.txt'), 'alpha');
    const controller = new AbortController();
    controller.abort();
    let received = 0;
    const run = importDocuments([dir], () => void received++, { signal: controller.signal });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(received).toBe(0);
  });

  it('stops a large multi-file import between reads, leaving the other files unread', async () => {
    const dir = newDir();
    mkdirSync(join(dir, 'corpus'));
    for (let f = 0; f < 4; f++) {
      writeFileSync(join(dir, 'corpus', `part${f}.txt`), `file ${f} paragraph\n\n`.repeat(40_000));
    }
    const controller = new AbortController();
    const progress: { file: string; bytesRead: number }[] = [];
    const run = importDocuments([join(dir, 'corpus')], () => undefined, {
      chunkBytes: 64 * 1024,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push({ file: p.file, bytesRead: p.bytesRead });
        if (progress.length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress.map((p) => p.bytesRead)).toEqual([65536, 131072]);
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set([join(dir, 'corpus', 'part0.txt')]));
  });
});

describe('file names that are not valid UTF-8 (Latin-1 café.txt: 63 61 66 e9)', () => {
  const bytes = (dir: string, ...names: (string | number[])[]): Buffer =>
    Buffer.concat([
      Buffer.from(dir),
      ...names.map((name) => Buffer.concat([Buffer.from(sep), Buffer.from(name as never)])),
    ]);
  const cafe = [0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]; // caf\xe9.txt
  /** The name as Node reads it from the command line: U+FFFD for the odd byte. */
  const shown = 'caf\ufffd.txt';

  it('imports one given by the name Node reads it as, noting the name and how to rename it', async () => {
    const dir = newDir();
    writeFileSync(bytes(dir, cafe), 'some words\n');
    const docs: { text: string; source: string }[] = [];
    const summary = await importDocuments([join(dir, shown)], (d) => void docs.push(d));
    expect(docs).toEqual([expect.objectContaining({ text: 'some words', source: join(dir, shown) })]);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toMatch(new RegExp(`^The name of ${join(dir, shown)} is not valid UTF-8`));
  });

  it('imports one found in a folder (in a folder so named too), not "Skipped …: it does not exist"', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'ok.txt'), 'plain');
    writeFileSync(bytes(dir, cafe), 'accented');
    mkdirSync(bytes(dir, [0x64, 0xe9, 0x6a, 0xe0])); // déjà in Latin-1
    writeFileSync(bytes(dir, [0x64, 0xe9, 0x6a, 0xe0], 'inner.txt'), 'inside');
    const docs: string[] = [];
    const summary = await importDocuments([dir], (d) => void docs.push(d.text));
    expect(docs.sort()).toEqual(['accented', 'inside', 'plain']);
    expect(summary.warnings.filter((w) => w.startsWith('Skipped'))).toEqual([]);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toContain(`The names of 2 files (`);
    expect(summary.warnings[0]).toContain(join(dir, shown));
    expect(summary.warnings[0]).toContain(join(dir, 'd\ufffdj\ufffd', 'inner.txt'));
  });

  it('refuses a name that stands for two such files, saying why and to rename them', async () => {
    const dir = newDir();
    writeFileSync(bytes(dir, cafe), 'e acute');
    writeFileSync(bytes(dir, [0x63, 0x61, 0x66, 0xe8, 0x2e, 0x74, 0x78, 0x74]), 'e grave');
    const e = await refusal([join(dir, shown)]);
    expect(e.code).toBe('unreadable');
    expect(e.message).toMatch(new RegExp(`^${join(dir, shown)} cannot be opened by this name: 2 files`));
    expect(e.message).toContain('rename them to UTF-8');
    expect(e.message).not.toContain('does not exist');
  });
});
