// shared/contract/export.ts: how to load a written export, in the words of the README's
// examples, for the Export panel and `spanfill export` alike.
import { describe, expect, it } from 'vitest';
import { exportLoadHint } from '../../../src/shared/contract/export';

describe('exportLoadHint', () => {
  it('says how to load each format from the folder it was written to', () => {
    expect(exportLoadHint('hf', '/x/r-1-best-hf')).toContain(
      'T5ForConditionalGeneration.from_pretrained("/x/r-1-best-hf")',
    );
    const web = exportLoadHint('transformers.js', '/x/exports/r-1-best-web');
    expect(web).toContain('env.localModelPath = "/x/exports/";');
    expect(web).toContain(`pipeline('text2text-generation', "r-1-best-web")`);
    // A folder name transformers.js would not look up under localModelPath: by its full path.
    expect(exportLoadHint('transformers.js', '/x/exports/ü 😀')).toBe(
      "import { pipeline } from '@huggingface/transformers';\n" +
        `const fill = await pipeline('text2text-generation', "/x/exports/ü 😀");`,
    );
    expect(exportLoadHint('accelerate', '/x/job')).toBe('cd "/x/job"\naccelerate launch train.py');
  });
});
