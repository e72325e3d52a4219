// A folder written by an export of before spanfill-export.json (2026-12-05, 850f9e95) holds just
// the files of its format and no list of them: it is refused, forced or not, as any folder
// without that list, but saying so truthfully (it may well be an earlier Spanfill's export, or
// another tool's HF folder) and what to do. A folder with anything else keeps the words of any
// other folder. The old layouts are those the writers wrote at 850f9e95^ (hf.ts,
// transformersjs.ts, accelerate.ts); hf and transformers.js still write them, so those folders
// are made by today's writers with no list.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDestination } from '../../../../src/main/engine/export/destination';
import { exportHfFolder } from '../../../../src/main/engine/export/hf';
import { exportTransformersJs } from '../../../../src/main/engine/export/transformersjs';
import { FIXTURES } from '../t5/helpers';
import { tempDirs } from '../../../support/tmp';

const root = tempDirs('spanfill-unlisted-');
const SPM = join(FIXTURES, 't5-tiny-spm');

/** A new empty folder `out`. */
function fresh(): string {
  const dir = join(root(), 'out');
  mkdirSync(dir);
  return dir;
}

/** Writes `files` (paths with /) into `dir`. */
function put(dir: string, files: readonly string[]): void {
  for (const name of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), name);
  }
}

/** What checkDestination says of `out`, forced or not (it must say the same). */
function refusal(out: string): string {
  const said = [false, true].map((force) => {
    try {
      checkDestination(out, force);
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  });
  expect(said[1]).toBe(said[0]);
  return said[0];
}

const unlisted = (out: string, format: string, names: string, added?: string): string =>
  `${out} holds what an earlier Spanfill (before spanfill-export.json) or another tool writes as ${format} ` +
  `export — ${names} — ${added === undefined ? '' : `but also ${added}, `}and no spanfill-export.json, so ` +
  'Spanfill does not replace it: move it away or delete it yourself, or choose another folder';

/** The hf files the old writer wrote for a model with a sentencepiece tokenizer. */
const OLD_HF = [
  'config.json',
  'generation_config.json',
  'model.safetensors',
  'special_tokens_map.json',
  'spiece.model',
  'tokenizer.json',
  'tokenizer_config.json',
];

describe('a folder an export wrote before spanfill-export.json', () => {
  it('is refused as what an earlier Spanfill or another tool wrote, for an hf export', async () => {
    const out = fresh();
    await exportHfFolder(SPM, out);
    expect(readdirSync(out)).not.toContain('spanfill-export.json');
    expect(refusal(out)).toBe(
      unlisted(out, 'an hf', 'config.json, generation_config.json, model.safetensors and 3 more'),
    );
  });

  it('is refused the same way for a transformers.js export, its int8 graphs and external data included', async () => {
    const out = fresh();
    await exportTransformersJs(SPM, out, { quantize: 'int8', externalDataThresholdBytes: 1 });
    expect(readdirSync(join(out, 'onnx'))).toContain('encoder_model.onnx_data');
    expect(refusal(out)).toBe(
      unlisted(out, 'a transformers.js', 'config.json, generation_config.json, onnx/ and 3 more'),
    );
  });

  it('is refused the same way for an accelerate job as the old writer laid it out', () => {
    const out = fresh();
    put(out, ['README.md', 'train.py', 'run_config.json', 'data/train.jsonl', 'data/validation.jsonl']);
    put(join(out, 'base_model'), OLD_HF);
    expect(refusal(out)).toBe(unlisted(out, 'an accelerate', 'README.md, base_model/, data/ and 2 more'));
  });

  it("with files added since (an accelerate job's checkpoints/), is refused as that export with what was added", () => {
    const added = fresh();
    put(added, [...OLD_HF, 'notes.txt']);
    expect(refusal(added)).toBe(
      unlisted(added, 'an hf', 'config.json, generation_config.json, model.safetensors and 4 more', 'notes.txt'),
    );
    const trained = fresh();
    put(trained, ['README.md', 'train.py', 'run_config.json', 'data/train.jsonl', 'data/validation.jsonl']);
    put(join(trained, 'base_model'), [...OLD_HF, 'optimizer.pt']);
    put(join(trained, 'checkpoints', 'step-00000100'), OLD_HF);
    expect(refusal(trained)).toBe(
      unlisted(
        trained,
        'an accelerate',
        'README.md, base_model/, data/ and 2 more',
        'base_model/optimizer.pt and checkpoints/',
      ),
    );
  });

  it('opened in Finder (a .DS_Store in it and in its folders), is refused as that export with nothing added', async () => {
    const hf = fresh();
    put(hf, [...OLD_HF, '.DS_Store']);
    expect(refusal(hf)).toBe(
      unlisted(hf, 'an hf', 'config.json, generation_config.json, model.safetensors and 4 more'),
    );
    const web = fresh();
    await exportTransformersJs(SPM, web, {});
    put(web, ['.DS_Store', 'onnx/.DS_Store']);
    expect(refusal(web)).toBe(
      unlisted(web, 'a transformers.js', 'config.json, generation_config.json, onnx/ and 3 more'),
    );
    const job = fresh();
    put(job, ['README.md', 'train.py', 'run_config.json', 'data/train.jsonl', 'data/validation.jsonl']);
    put(job, ['.DS_Store', 'data/.DS_Store', 'base_model/.DS_Store']);
    put(join(job, 'base_model'), OLD_HF);
    expect(refusal(job)).toBe(unlisted(job, 'an accelerate', 'README.md, base_model/, data/ and 2 more'));
  });

  it('with a file it always wrote missing, or its files elsewhere, is refused as any other folder', () => {
    const noWeights = fresh();
    put(
      noWeights,
      OLD_HF.filter((name) => name !== 'model.safetensors'),
    );
    expect(refusal(noWeights)).toMatch(/is not an earlier Spanfill export/);
    const nested = fresh();
    put(nested, [...OLD_HF.map((name) => `onnx/${name}`), 'config.json', 'generation_config.json', 'tokenizer.json']);
    expect(refusal(nested)).toMatch(/is not an earlier Spanfill export/);
  });
});
