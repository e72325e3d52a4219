// cli/commands/export.ts render: the listing under "Exported …" names every file the count
// counts, the files of an accelerate job's base_model/ as one line with how many they are.

import { describe, expect, it } from 'vitest';
import { exportCommand } from '../../../../src/main/cli/commands/export';
import type { ExportResult } from '../../../../src/shared/contract/export';

const render = (result: ExportResult): string => exportCommand.render!(result);

const ACCELERATE: ExportResult = {
  format: 'accelerate',
  out: '/tmp/job',
  files: [
    'base_model/config.json',
    'base_model/generation_config.json',
    'base_model/model.safetensors',
    'base_model/special_tokens_map.json',
    'base_model/tokenizer.json',
    'base_model/tokenizer_config.json',
    'data/train.jsonl',
    'data/validation.jsonl',
    'requirements.txt',
    'run_config.json',
    'spanfill-export.json',
    'train.py',
  ],
  bytes: 3 * 1024 * 1024,
  documents: { train: 74, validation: 6 },
};

/** The listed lines: those between the "Exported" line (and documents line) and "Load it:". */
function listed(text: string): string[] {
  const lines = text.split('\n');
  return lines.slice(1, lines.indexOf('Load it:')).filter((line) => !line.startsWith('  documents:'));
}

describe('export render', () => {
  it("lists an accelerate job's base_model/ as one line of its 6 files, the count being all 12", () => {
    const text = render(ACCELERATE);
    expect(text.split('\n')[0]).toBe('Exported accelerate to /tmp/job (12 files, 3.0 MiB)');
    expect(listed(text)).toEqual([
      '  base_model/ (6 files)',
      '  data/train.jsonl',
      '  data/validation.jsonl',
      '  requirements.txt',
      '  run_config.json',
      '  spanfill-export.json',
      '  train.py',
    ]);
  });

  it('lists every file of an export without a base_model/', () => {
    const files = ['config.json', 'model.safetensors', 'spanfill-export.json'];
    const text = render({ format: 'hf', out: '/tmp/hf', files, bytes: 2048 });
    expect(text.split('\n')[0]).toBe('Exported hf to /tmp/hf (3 files, 2.0 KiB)');
    expect(listed(text)).toEqual(files.map((file) => `  ${file}`));
  });
});
