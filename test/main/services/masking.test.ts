// Masking previews (services/masking.ts) over a real datasets service in a temp data dir: typed
// text, and a dataset example in the mode asked for, with bad settings and a bad model folder
// refused in words.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetService } from '../../../src/main/services/datasets';
import { EventBus } from '../../../src/main/services/events';
import { previewMasking } from '../../../src/main/services/masking';
import { ModelService } from '../../../src/main/services/models';
import { openStore } from '../../../src/main/store/db';

const spmDir = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A datasets service (and the models one, which names a model's tokenizer) on an empty store, and a way to write an input file beside it. */
function setup(): {
  dataDir: string;
  service: DatasetService;
  models: ModelService;
  write: (name: string, text: string) => string;
} {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-mask-'));
  const store = openStore(dataDir);
  cleanup.push(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const write = (name: string, text: string): string => {
    const file = path.join(dataDir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const events = new EventBus();
  const models = new ModelService({ store, dataDir, events }, { env: {} });
  return { dataDir, service: new DatasetService({ store, dataDir, events }), models, write };
}

const novel = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: the cute dog walks in the green park.`).join(
  '\n\n',
);

describe('masking previews', () => {
  const settings = { model: spmDir, noiseDensity: 0.15, meanNoiseSpanLength: 3, inputLength: 32, seed: 3 };

  it('typed text', async () => {
    const { service, models } = setup();
    const p = await previewMasking(
      { datasets: service, models },
      { ...settings, text: 'The cute dog walks in the green park' },
    );
    // The text and its EOS, masked together as HF masks a text.
    expect(p.segments.map((s) => s.text).join('')).toBe('The cute dog walks in the green park</s>');
    expect(p.tokenizer).toBe('t5-tiny-spm');
    expect(p.example).toBeUndefined();
  });

  it("typed text at its own length (the Playground's mask): a short text masks at any setting its sentinels allow", async () => {
    const { service, models } = setup();
    const app = { datasets: service, models };
    const text = 'We hold these truths to be self-evident, that all men are created equal.';
    const dense = {
      ...settings,
      model: 'bytes',
      noiseDensity: 0.3,
      meanNoiseSpanLength: 1,
      inputLength: 'text' as const,
    };
    // At input length 512 these settings would need more sentinels than ByT5's 125; the text's 72 bytes and EOS need 22.
    const p = await previewMasking(app, { ...dense, text });
    expect(p.segments.map((s) => s.text).join('')).toBe(`${text}</s>`);
    expect(p.counts).toMatchObject({ textTokens: 73, maskedTokens: 73, noiseSpans: 22 });
    expect(p.isTruncated).toBe(false);
    // A text too long for the sentinels is refused in the words of the settings a text is masked with.
    await expect(previewMasking(app, { ...dense, text: text.repeat(6) })).rejects.toMatchObject({
      code: 'invalid_argument',
      message:
        'This text at these settings makes 130 noise spans but the tokenizer has only 125 sentinel tokens ' +
        '(<extra_id_0>…<extra_id_124>); lower the noise density, raise the mean span length or mask a shorter text',
    });
  });

  it('typed text has its line ends made LF as import makes them, so the CLI masks pasted text as the screen does', async () => {
    const { service, models } = setup();
    const app = { datasets: service, models };
    const typed = (text: string) => previewMasking(app, { ...settings, model: 'bytes', text });
    const lf = await typed('First line\nsecond line\n\nthird');
    expect(await typed('First line\r\nsecond line\r\n\r\nthird')).toEqual(lf);
    expect(await typed('First line\rsecond line\r\rthird')).toEqual(lf); // old Mac line ends
    expect(lf.segments.map((s) => s.text).join('')).toContain('First line\nsecond line');
  });

  it('a dataset example in the mode asked for: auto is packed here, per-document on request', async () => {
    const { service, models, write } = setup();
    const ds = await service.import({ paths: [write('novel.txt', novel)] });
    const app = { datasets: service, models };
    const base = { ...settings, model: 'bytes', datasetId: ds.id, example: 2 };
    const auto = await previewMasking(app, base);
    expect(auto.example).toMatchObject({ index: 2, mode: 'packed' });
    expect(auto.counts.maskedTokens).toBe(34); // 32 @ 0.15 / 3 → 34 raw (golden table)
    const perDocument = await previewMasking(app, { ...base, mode: 'per-document' });
    expect(perDocument.example?.mode).toBe('per-document');
    // A piece of one paragraph alone: no EOS joining it to the next document.
    const pieceText = perDocument.segments.map((seg) => seg.text).join('');
    expect(novel.split('\n\n').some((paragraph) => paragraph.includes(pieceText))).toBe(true);
    expect(perDocument.counts.maskedTokens).toBeLessThanOrEqual(34);
    expect(perDocument.example?.count).toBeGreaterThan(auto.example?.count ?? 0);
  });

  it('a dataset example says how many literal special tokens tokenizing the dataset removed, as typed text does', async () => {
    const { service, models, write } = setup();
    const text = `${novel}\n\nA line with </s> and <extra_id_0> typed into it.`;
    const ds = await service.import({ paths: [write('novel.txt', text)] });
    const example = await previewMasking({ datasets: service, models }, { ...settings, datasetId: ds.id, example: 0 });
    expect(example.droppedSpecialTokens).toBe(2);
    expect(example.messages).toContain(
      "Removed 2 literal special tokens such as </s> or <extra_id_0> from the dataset's text: " +
        'they would collide with the sentinels and end-of-sequence marks span corruption adds',
    );
    const typed = await previewMasking(
      { datasets: service, models },
      { ...settings, text: 'A dog </s> runs in the park' },
    );
    expect(typed.messages).toContain(
      'Removed 1 literal special token such as </s> or <extra_id_0> from the text: ' +
        'they would collide with the sentinels and end-of-sequence marks span corruption adds',
    );
  });

  it('typed text and a dataset example say how many tokens became <unk>, with characters that did', async () => {
    const { service, models, write } = setup();
    const app = { datasets: service, models };
    const typed = await previewMasking(app, { ...settings, text: 'The dog 東京 walks 😀 in the park' });
    expect(typed.messages).toContainEqual(
      expect.stringMatching(/^2 tokens of \d+ \(\d+%\) in the text became <unk>: .* characters such as 東 京 😀,/),
    );
    const ds = await service.import({ paths: [write('novel.txt', `${novel}\n\nA line with 東京 in it.`)] });
    const example = await previewMasking(app, { ...settings, datasetId: ds.id, example: 0 });
    expect(example.messages).toContainEqual(
      expect.stringMatching(/^1 token of [\d,]+ \(.*%\) in the dataset's text became <unk>: .* such as 東 京,/),
    );
    // The byte-level tokenizer represents every character: nothing to say.
    const bytes = await previewMasking(app, { ...settings, model: 'bytes', datasetId: ds.id, example: 0 });
    expect(bytes.messages.some((m) => m.includes('<unk>'))).toBe(false);
  });

  it('a dataset example, per-document when the data is short, bad settings as invalid_argument, a bad model folder or data as invalid_input', async () => {
    const { dataDir, service, models, write } = setup();
    const app = { datasets: service, models };
    const ds = await service.import({ paths: [write('short.txt', 'A tiny note.\n\nAnother one here.')] });
    const p = await previewMasking(app, { ...settings, datasetId: ds.id, inputLength: 64 });
    expect(p.example).toMatchObject({ mode: 'per-document', count: 1 });
    expect(p.messages[0]).toMatch(/less than one packed example/);
    // Text too short or blank is bad input (the CLI exits 1), as the Masking screen says before it asks.
    await expect(previewMasking(app, { ...settings, text: '<extra_id_0>' })).rejects.toMatchObject({
      code: 'invalid_input',
      message:
        'The text has no tokens once its 1 literal special token such as </s> is removed, only the end mark </s> ' +
        'added after it; masking needs at least 2',
    });
    for (const blank of ['', ' \n\t '])
      await expect(previewMasking(app, { ...settings, text: blank, model: 'bytes' })).rejects.toMatchObject({
        code: 'invalid_input',
        message: 'The text is empty or only blanks: type some text to mask.',
      });
    // An example number past the data's examples is bad input too: how many there are depends on the data.
    // Said in the numbers people see, counting from 1 (index 5 is the sixth example).
    await expect(
      previewMasking(app, { ...settings, datasetId: ds.id, inputLength: 64, example: 5 }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'Example 6 does not exist; the dataset makes 1 at these settings (1 to 1)',
    });
    await expect(
      previewMasking(app, { ...settings, text: 'hello', model: path.join(dataDir, 'nope') }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('nope does not exist') });
    // A dataset of documents too short to mask is bad data, not a bad setting (the CLI exits 1);
    // the message names it as other dataset messages do, and says the minimum. (Literal special
    // tokens are dropped: these documents have no token at all with this tokenizer.)
    const tiny = await service.import({ paths: [write('tiny.txt', '</s>\n\n<extra_id_0>')], name: 'Marks only' });
    await expect(previewMasking(app, { ...settings, datasetId: tiny.id })).rejects.toMatchObject({
      code: 'invalid_input',
      message:
        `Dataset ${tiny.id} ("Marks only") has no document long enough to mask: span corruption needs ` +
        'at least 2 tokens in a document, counting the EOS after it (one kept, one hidden)',
    });
  });
});
