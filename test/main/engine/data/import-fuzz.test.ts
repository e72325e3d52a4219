// Generated bad input for the importer (issue #9 suite): random bytes, truncated and invalid
// UTF-8, binary files with text extensions, random JSON Lines, CSVs with unbalanced quotes,
// empty files and long lines, each with random read sizes and limits. Every case must either
// import or fail with a DataError naming the file, within a time bound: never a TypeError,
// a RangeError or a hang. Seeded, so a failure names the seed and case to replay.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/main/engine/data/errors';
import { importDocuments, type ImportOptions } from '../../../../src/main/engine/data/import';
import { seeded } from '../../../support/seeded';
import { tempDirs } from '../../../support/tmp';

const newDir = tempDirs('spanfill-fuzz-');
const SEED = Number(process.env.SPANFILL_FUZZ_SEED ?? 9_2026);
const CASES = 400;

const random = seeded(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const bytes = (n: number, from = 0, to = 256): Buffer =>
  Buffer.from(Array.from({ length: n }, () => from + int(to - from)));
const words = (n: number): string =>
  Array.from({ length: n }, () => pick(['alpha', 'béta', 'γάμμα', '😀', 'the', 'a,b', '"q"', '\t', '\n', '\n\n'])).join(
    ' ',
  );

interface Case {
  readonly kind: string;
  readonly ext: string;
  readonly content: Buffer;
}

const TEXT_EXTENSIONS = ['.txt', '.md', '.jsonl', '.csv', '.tsv'];

function jsonlLine(): string {
  return pick([
    () => JSON.stringify({ text: words(1 + int(8)) }),
    () => JSON.stringify({ body: words(2) }),
    () => JSON.stringify({ text: pick([1, true, null, [], {}]) }),
    () => JSON.stringify([words(2)]),
    () => `{"text": "${words(2)}`,
    () => JSON.stringify({ text: words(3) }).slice(0, 1 + int(20)),
    () => '',
    () => pick(['null', '42', '"just a string"', '{}']),
  ])();
}

function csvRow(): string {
  const field = (): string => pick([words(1 + int(3)), `"${words(2)}`, `${words(1)}"`, '""', '"a""b"', '']);
  return Array.from({ length: 1 + int(3) }, field).join(pick([',', '\t']));
}

const GENERATORS: readonly (() => Case)[] = [
  () => ({ kind: 'random bytes', ext: pick(TEXT_EXTENSIONS), content: bytes(int(2000)) }),
  () => {
    const text = Buffer.from(words(5 + int(60)));
    return { kind: 'truncated UTF-8', ext: pick(TEXT_EXTENSIONS), content: text.subarray(0, int(text.length + 1)) };
  },
  () => {
    const text = Buffer.from(words(20 + int(60)));
    for (let i = 0; i < 1 + int(20); i++) text[int(text.length)] = 0x80 + int(128);
    return { kind: 'invalid UTF-8', ext: pick(TEXT_EXTENSIONS), content: text };
  },
  () => ({
    kind: 'binary with a text extension',
    ext: pick(TEXT_EXTENSIONS),
    content: Buffer.concat([Buffer.from(words(int(10))), Buffer.from([0]), bytes(int(500))]),
  }),
  () => ({
    kind: 'random JSON Lines',
    ext: '.jsonl',
    content: Buffer.from(Array.from({ length: 1 + int(12) }, jsonlLine).join(pick(['\n', '\r\n']))),
  }),
  () => ({
    kind: 'CSV with unbalanced quotes',
    ext: pick(['.csv', '.tsv']),
    content: Buffer.from(['text,id', ...Array.from({ length: 1 + int(10) }, csvRow)].join(pick(['\n', '\r\n', '\r']))),
  }),
  () => ({
    kind: 'empty or nearly',
    ext: pick(TEXT_EXTENSIONS),
    content: Buffer.from(pick([[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0x20, 0x0a, 0x0a], [0x0d]])),
  }),
  () => ({
    kind: 'long line',
    ext: pick(TEXT_EXTENSIONS),
    content: Buffer.from(pick(['x', 'ab ', '"', '{"text": "', 'é']).repeat(2000 + int(20_000))),
  }),
  () => ({
    kind: 'UTF-16 with a BOM and random bytes',
    ext: pick(TEXT_EXTENSIONS),
    content: Buffer.concat([
      Buffer.from(
        pick([
          [0xff, 0xfe],
          [0xfe, 0xff],
        ]),
      ),
      bytes(int(400), 1),
    ]),
  }),
];

/** Random options; tiny reads only for small files, so a case never takes thousands of reads. */
function randomOptions(fileBytes: number): ImportOptions {
  return {
    chunkBytes: Math.max(pick([1, 3, 7, 64, 4096, 1 << 20]), Math.ceil(fileBytes / 500)),
    split: pick([undefined, 'whole', 'line', 'blank-line'] as const),
    maxDocumentChars: pick([100, 1000, 1_000_000]),
    maxRecordChars: pick([50, 5000, 64 * 1024 * 1024]),
    nfkc: random() < 0.3,
    collapseWhitespace: random() < 0.3,
  };
}

type Outcome = { ok: true; documents: string[] } | { ok: false; error: unknown };

async function attempt(paths: string[], options: ImportOptions): Promise<Outcome> {
  const documents: string[] = [];
  const run = importDocuments(paths, (d) => void documents.push(d.text), options).then(
    (): Outcome => ({ ok: true, documents }),
    (error: unknown): Outcome => ({ ok: false, error }),
  );
  const hung = new Promise<Outcome>((resolve) =>
    setTimeout(() => resolve({ ok: false, error: new Error('no answer within 10 s') }), 10_000).unref(),
  );
  return Promise.race([run, hung]);
}

/** Empty string when the outcome is acceptable, else what is wrong with it. */
function judge(outcome: Outcome, files: readonly string[]): string {
  if (outcome.ok) {
    const bad = outcome.documents.find((d) => d.length === 0 || d.includes('\u0000') || d !== d.trim());
    return bad === undefined ? '' : `imported a bad document ${JSON.stringify(bad.slice(0, 80))}`;
  }
  const e = outcome.error;
  if (!(e instanceof DataError)) return `failed with ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  return files.some((f) => e.message.includes(f)) ? '' : `DataError names no file: ${e.message}`;
}

describe(`import fuzzing (seed ${SEED}; replay with SPANFILL_FUZZ_SEED)`, () => {
  it(`${CASES} generated files each import or fail with a DataError naming the file`, async () => {
    const dir = newDir();
    const problems: string[] = [];
    const kinds = new Map<string, { imported: number; refused: number }>();
    for (let n = 0; n < CASES; n++) {
      const c = pick(GENERATORS)();
      const path = join(dir, `case${n}${c.ext}`);
      writeFileSync(path, c.content);
      const options = randomOptions(c.content.length);
      const outcome = await attempt([path], options);
      const problem = judge(outcome, [path]);
      if (problem !== '') problems.push(`case ${n} (${c.kind}, ${JSON.stringify(options)}): ${problem}`);
      const tally = kinds.get(c.kind) ?? { imported: 0, refused: 0 };
      tally[outcome.ok ? 'imported' : 'refused']++;
      kinds.set(c.kind, tally);
    }
    expect(problems).toEqual([]);
    // The generators must reach both outcomes, or the suite tests less than it claims.
    expect([...kinds.keys()].sort()).toHaveLength(GENERATORS.length);
    const totals = [...kinds.values()].reduce((a, t) => ({
      imported: a.imported + t.imported,
      refused: a.refused + t.refused,
    }));
    expect(totals.imported).toBeGreaterThan(CASES / 10);
    expect(totals.refused).toBeGreaterThan(CASES / 10);
  });

  it('folders of generated files: the whole import succeeds or names the file that stopped it', async () => {
    const problems: string[] = [];
    for (let n = 0; n < 25; n++) {
      const dir = join(newDir(), 'corpus');
      mkdirSync(dir);
      const files = Array.from({ length: 2 + int(5) }, (_, i) => {
        const c = pick(GENERATORS)();
        const path = join(dir, `f${i}${c.ext}`);
        writeFileSync(path, c.content);
        return path;
      });
      const outcome = await attempt([dir], randomOptions(20_000));
      // A folder with nothing usable fails with a message naming the folder instead.
      const problem = judge(outcome, [...files, dir]);
      if (problem !== '') problems.push(`folder ${n}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });
});
