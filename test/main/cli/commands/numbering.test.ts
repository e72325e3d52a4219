// Document and example numbers in `spanfill datasets show` and `spanfill mask` count from 1, as
// people count: the first document is #1, the first example "1 of N", and `--example N` takes
// the number as shown (so one read off a preview and typed back shows that example again). The
// --json results keep the contract's ordinals and indices, which count from 0.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-cli-numbering-');

const DOCUMENTS = [
  'The first document, about a cute dog in the green park.',
  'The second document, about a quiet river at dawn.',
  'The third document, about small birds that sing.',
  'The fourth document, about a walk by the river.',
];

/** A data directory with DOCUMENTS imported: its `--data-dir` flag and the dataset's id. */
async function imported(): Promise<{ data: string[]; id: string }> {
  const dir = tempDir();
  const data = ['--data-dir', path.join(dir, 'data')];
  const file = path.join(dir, 'notes.txt');
  fs.writeFileSync(file, `${DOCUMENTS.join('\n\n')}\n`);
  const out = await cli(['import', file, '--json', ...data]);
  expect(out.code, out.stderr).toBe(exitCodes.ok);
  return { data, id: (JSON.parse(out.stdout) as { id: string }).id };
}

/** The "Example    K of N (mode)" line of a text preview: K and N. */
function exampleLine(stdout: string): { shown: number; count: number } {
  const match = /\nExample +(\d+) of (\d+) \(per-document\)/.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return { shown: Number(match?.[1]), count: Number(match?.[2]) };
}

/** The text a text preview masked: its Text line without the [k: …] marks and the final </s>. */
function maskedText(stdout: string): string {
  const line = /^Text +(.*)$/m.exec(stdout)?.[1] ?? '';
  return line
    .replace(/\[\d+: ([^\]]*)\]/g, '$1')
    .replace(/<\/s>$/, '')
    .trim();
}

describe('document and example numbers count from 1', () => {
  it('datasets show numbers its first document #1; --json keeps ordinal 0', async () => {
    const { data, id } = await imported();
    const show = await cli(['datasets', 'show', id, ...data]);
    expect(show.stdout).toContain(`\n  #1 (${DOCUMENTS[0].length} chars) "${DOCUMENTS[0]}"\n`);
    expect(show.stdout).toContain(`\n  #4 (${DOCUMENTS[3].length} chars) "${DOCUMENTS[3]}"`);
    expect(show.stdout).not.toContain('#0 ');
    const json = JSON.parse((await cli(['datasets', 'show', id, '--json', ...data])).stdout) as {
      dataset: { sample: { ordinal: number; text: string }[] };
    };
    expect(json.dataset.sample[0]).toMatchObject({ ordinal: 0, text: DOCUMENTS[0] });
  });

  it('mask --example takes the number as shown: 1 is the first, N the last, and a shown one typed back shows it again', async () => {
    const { data, id } = await imported();
    const mask = ['mask', '--dataset', id, '--mode', 'per-document', ...data];
    const first = await cli([...mask, '--example', '1']);
    expect(first.code, first.stderr).toBe(exitCodes.ok);
    const { shown, count } = exampleLine(first.stdout);
    expect(shown).toBe(1);
    expect(count).toBeGreaterThan(1);
    // The wire keeps 0-based indices: --json of the first example is index 0.
    const firstJson = JSON.parse((await cli([...mask, '--example', '1', '--json'])).stdout) as {
      example: { index: number; count: number };
    };
    expect(firstJson.example).toMatchObject({ index: 0, count });
    const last = await cli([...mask, '--example', String(count)]);
    expect(last.code, last.stderr).toBe(exitCodes.ok);
    expect(exampleLine(last.stdout)).toEqual({ shown: count, count });
    // Each seed's pick, read off its preview and typed back, is the same example.
    for (const seed of ['0', '1', '2', '3']) {
      const picked = await cli([...mask, '--seed', seed]);
      const again = await cli([...mask, '--seed', seed, '--example', String(exampleLine(picked.stdout).shown)]);
      expect(exampleLine(again.stdout), seed).toEqual(exampleLine(picked.stdout));
      expect(maskedText(again.stdout), seed).toBe(maskedText(picked.stdout));
    }
    // Past the last: said in the numbers as shown.
    const past = await cli([...mask, '--example', String(count + 1)]);
    expect([past.code, past.stderr]).toEqual([
      exitCodes.failure,
      `spanfill mask: Example ${count + 1} does not exist; the dataset makes ${count} at these settings (1 to ${count})\n`,
    ]);
  });

  it('mask --example 0 is refused as a number from 1, and --help says it counts from 1', async () => {
    const { data, id } = await imported();
    const zero = await cli(['mask', '--dataset', id, '--example', '0', ...data]);
    expect([zero.code, zero.stderr]).toEqual([
      exitCodes.usage,
      expect.stringContaining("--example must be an integer from 1 to 9007199254740991, got '0'"),
    ]);
    const help = await cli(['mask', '--help']);
    expect(help.stdout).toMatch(/--example N +Dataset example number, counting from 1 /);
  });
});
