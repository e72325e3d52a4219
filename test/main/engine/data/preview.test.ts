import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planExamples } from '../../../../src/main/engine/data/examples';
import { previewExample, previewText, type MaskingPreview } from '../../../../src/main/engine/data/preview';
import { estimateExamples, tokenStats } from '../../../../src/main/engine/data/stats';
import {
  createByteTokenizer,
  encodeForTraining,
  loadHfTokenizer,
  type TextTokenizer,
} from '../../../../src/main/engine/data/tokenizer';
import { DataError } from '../../../../src/main/engine/data/errors';
import { InMemoryTokenSource } from '../../../../src/main/engine/data/tokenSource';
import cases from '../../../fixtures/t5/t5-tiny-spm/tokenizer_cases.json';
import { tokenizer as stubTokenizer } from './exampleSettings';
import { datasetTokenNotes, unknownTokensNote } from '../../../../src/shared/tokenNotes';

const settings = { inputLength: 64, noiseDensity: 0.3, meanNoiseSpanLength: 2, seed: 1 };
const text = 'The cute dog walks in the green park';

/** The tokens a mask was made over, from its input and target (sentinels are the ids above 399 here). */
function unmask(inputIds: readonly number[], labels: readonly number[]): number[] {
  const spans = new Map<number, number[]>();
  let span: number[] = [];
  for (const id of labels.slice(0, -1)) {
    if (id > 399) spans.set(id, (span = []));
    else span.push(id);
  }
  return inputIds.slice(0, -1).flatMap((id) => (id > 399 ? (spans.get(id) ?? []) : [id]));
}

/** Example 0 of `texts` (tokenized as a token cache holds them) at `inputLength`, previewed. */
function firstExample(
  tokenizer: TextTokenizer,
  texts: readonly string[],
  plan: { readonly inputLength: number; readonly mode: 'auto' | 'packed' | 'per-document'; readonly dropped?: number },
): MaskingPreview {
  const source = new InMemoryTokenSource(texts.map((t) => encodeForTraining(tokenizer, t).ids));
  const examples = planExamples(source, { ...settings, inputLength: plan.inputLength, mode: plan.mode }, tokenizer);
  const dataset = { ...counted(source, tokenizer), droppedSpecialTokens: plan.dropped ?? 0 };
  return previewExample(examples, source, tokenizer, { index: 0, epoch: 0, dataset });
}

/** What tokenizing a dataset counted, as datasetTokens gives it: nothing dropped, no <unk>. */
function counted(source: InMemoryTokenSource, tokenizer: TextTokenizer) {
  return { tokens: source.totalTokens, tokenizer: tokenizer.name, droppedSpecialTokens: 0, unknownTokens: null };
}

describe('masking preview', async () => {
  const tok = await loadHfTokenizer(join(__dirname, '../../../fixtures/t5/t5-tiny-spm'));

  it('segments rebuild the text and its EOS; noise segments carry their sentinels in order', () => {
    const p = previewText(tok, text, settings);
    expect(p.segments.map((s) => s.text).join('')).toBe(`${text}</s>`);
    // The EOS is a token, marked as the document's end; a mask always ends in noise, so it is hidden.
    expect(p.segments.at(-1)).toMatchObject({ isNoise: true });
    expect(p.segments.at(-1)?.documentEnds).toEqual([(p.segments.at(-1)?.text.length ?? 0) - 4]);
    expect(p.segments[0].isNoise).toBe(false);
    const noise = p.segments.filter((s) => s.isNoise);
    expect(noise.map((s) => s.sentinel)).toEqual(noise.map((_, k) => `<extra_id_${k}>`));
    expect(noise.map((s) => s.sentinelId)).toEqual(noise.map((_, k) => 499 - k));
    expect(p.counts.noiseSpans).toBe(noise.length);
    expect(p.counts.noiseTokens).toBe(noise.reduce((a, s) => a + s.tokenCount, 0));
    expect(p.counts.inputTokens).toBe(p.counts.maskedTokens - p.counts.noiseTokens + noise.length + 1);
    expect(p.inputText).toContain('<extra_id_0>');
    expect(p.inputText.endsWith('</s>')).toBe(true);
    expect(p.targetText.startsWith('<extra_id_0>')).toBe(true);
    expect(p.lengths).toMatchObject({ inputLength: 64 });
    expect(p.messages).toEqual([]);
  });

  it('the seed notebook sentence at 0.55 / 1.5 is masked with its </s>, as HF masks it: the target ends </s></s>', () => {
    // The notebook's get_denoised tokenizes the text with the tokenizer's default, which appends
    // </s>, masks all of it and appends another: its labels end "</s></s>". SentencePiece's own ids
    // for the sentence (tokenizer_cases.json) are the 23 masked here, </s> included. HF's counts
    // for 23 tokens: noise round(23·0.55 = 12.65) = 13, kept 10, spans round(min(13, 10) / 1.5) = 7;
    // input 10 + 7 + 1 = 18, target 13 + 7 + 1 = 21.
    const sample = cases.samples.find((c) => c.text === text);
    for (const seed of [0, 1, 2]) {
      const p = previewText(tok, text, { inputLength: 64, noiseDensity: 0.55, meanNoiseSpanLength: 1.5, seed });
      expect(unmask(p.inputIds, p.labels)).toEqual(sample?.ids);
      expect(p.counts).toMatchObject({
        maskedTokens: 23,
        noiseTokens: 13,
        noiseSpans: 7,
        inputTokens: 18,
        targetTokens: 21,
      });
      expect(p.inputText.endsWith('></s>') && !p.inputText.endsWith('</s></s>')).toBe(true); // a sentinel, then EOS
      expect(p.targetText.endsWith('</s></s>')).toBe(true);
    }
  });

  it('re-rolls with a new seed; the same seed gives the same preview', () => {
    const a = previewText(tok, text, settings);
    expect(previewText(tok, text, settings).inputText).toBe(a.inputText);
    const rerolled = [2, 3, 4, 5].map((seed) => previewText(tok, text, { ...settings, seed }).inputText);
    expect(rerolled.some((t) => t !== a.inputText)).toBe(true);
  });

  it('says when every seed gives the same mask: one noise span always ends the example (input length 16)', () => {
    // The reported case: t5-tiny-spm, input length 16 (raw 17 tokens), 0.15 / 3 → 3 noise tokens in one span.
    const short = { inputLength: 16, noiseDensity: 0.15, meanNoiseSpanLength: 3 };
    const masks = [0, 1, 2, 3, 12345, 4_000_000_000].map((seed) => previewText(tok, text, { ...short, seed }));
    expect(new Set(masks.map((p) => p.inputText)).size).toBe(1);
    expect(masks[0].counts).toMatchObject({ maskedTokens: 17, noiseTokens: 3, noiseSpans: 1 });
    expect(masks[0].segments.at(-1)?.isNoise).toBe(true);
    expect(masks[0].messages).toContain(
      'Every seed gives this same mask: 17 tokens at this noise density make one noise span of 3 token(s), and span ' +
        'corruption (as in HF run_t5_mlm_flax) always puts a lone span at the end. For masks that vary, use a longer ' +
        'text or input length, a higher noise density or a shorter mean span.',
    );
    // Two or more spans: the seed moves them, and nothing is said.
    const varied = [1, 2, 3, 4].map((seed) => previewText(tok, text, { ...short, noiseDensity: 0.4, seed }));
    expect(varied[0].counts.noiseSpans).toBeGreaterThan(1);
    expect(new Set(varied.map((p) => p.inputText)).size).toBeGreaterThan(1);
    expect(varied.every((p) => p.messages.every((m) => !m.startsWith('Every seed')))).toBe(true);
    // Every run one token long: kept, noise, kept, noise … cannot be cut another way either.
    const alternating = previewText(createByteTokenizer(), 'abc', {
      ...short,
      noiseDensity: 0.5,
      meanNoiseSpanLength: 1,
      seed: 5,
    });
    expect(alternating.messages).toContain(
      'Every seed gives this same mask: 4 tokens at these settings alternate one kept and one noise token.', // abc + EOS
    );
  });

  it('advises what gives more spans: at a high density a lower one, and a shorter span only where it can help', () => {
    const bytes = createByteTokenizer();
    // 60 bytes and the EOS at 0.99: round(60.39) = 60 noise tokens and 1 kept, one span whatever the seed or the mean span.
    const dense = previewText(bytes, 'x'.repeat(60), {
      inputLength: 128,
      noiseDensity: 0.99,
      meanNoiseSpanLength: 3,
      seed: 0,
    });
    expect(dense.counts).toMatchObject({ maskedTokens: 61, noiseTokens: 60, noiseSpans: 1 });
    expect(dense.messages).toContainEqual(
      expect.stringMatching(/For masks that vary, use a longer text or input length or a lower noise density\.$/),
    );
    // Whatever the mean span, 1 kept token makes one span: the advice was not to be followed.
    for (const meanNoiseSpanLength of [1, 1.5]) {
      const p = previewText(bytes, 'x'.repeat(60), {
        inputLength: 128,
        noiseDensity: 0.99,
        meanNoiseSpanLength,
        seed: 0,
      });
      expect(p.counts.noiseSpans).toBe(1);
    }
    // At a low density with a few noise tokens, a shorter mean span does help (21 tokens: round(3.15) = 3 noise).
    const sparse = previewText(bytes, 'x'.repeat(20), {
      inputLength: 128,
      noiseDensity: 0.15,
      meanNoiseSpanLength: 3,
      seed: 0,
    });
    expect(sparse.counts).toMatchObject({ noiseTokens: 3, noiseSpans: 1 });
    expect(sparse.messages).toContainEqual(
      expect.stringMatching(/use a longer text or input length, a higher noise density or a shorter mean span\.$/),
    );
    const shorter = previewText(bytes, 'x'.repeat(20), {
      inputLength: 128,
      noiseDensity: 0.15,
      meanNoiseSpanLength: 1,
      seed: 0,
    });
    expect(shorter.counts.noiseSpans).toBeGreaterThan(1);
  });

  it('says when a byte-level tokenizer keeps special-token text as characters; a tokenizer that drops it says that instead', () => {
    const typed = 'Hello <extra_id_0> world </s>';
    const kept = previewText(createByteTokenizer(), typed, settings);
    expect(kept.droppedSpecialTokens).toBe(0);
    expect(kept.messages).toContain(
      'The text holds 2 pieces of special-token text such as <extra_id_0> or </s> that the bytes (ByT5 layout) ' +
        'tokenizer keeps as plain characters: they are masked like the rest of the text, though in the input and ' +
        'target they look like the sentinels and end mark span corruption adds',
    );
    const dropped = previewText(tok, typed, settings);
    expect(dropped.droppedSpecialTokens).toBe(2);
    expect(dropped.messages.some((m) => m.includes('keeps as plain characters'))).toBe(false);
    expect(previewText(createByteTokenizer(), text, settings).messages).toEqual([]);
  });

  it('says what it did with literal special tokens, long text and very short text', () => {
    const special = previewText(tok, 'The <extra_id_0> dog </s> walks in the park', settings);
    expect(special.droppedSpecialTokens).toBe(2);
    expect(special.messages[0]).toMatch(
      /^Removed 2 literal special tokens such as <\/s> or <extra_id_0> from the text/,
    );
    const long = previewText(tok, `${text}. `.repeat(20), settings);
    expect(long.isTruncated).toBe(true);
    expect(long.counts.maskedTokens).toBe(long.lengths.tokensLength);
    expect(long.messages).toContain(
      `The text has ${long.counts.textTokens} tokens, counting the end mark </s>; one example uses the first ${long.lengths.tokensLength} (the raw length for input length 64)`,
    );
    expect(long.counts.textTokens).toBe(encodeForTraining(tok, `${text}. `.repeat(20)).ids.length + 1);
    const bytes = createByteTokenizer();
    // One byte and the EOS: the EOS is the noise span, as HF masks a one-token text.
    const one = previewText(bytes, 'a', settings);
    expect(one.messages).toContain('Only 2 tokens, counting the end mark </s>: the mask is a single noise span');
    expect([one.inputText, one.targetText]).toEqual(['a<extra_id_0></s>', '<extra_id_0></s></s>']);
    // At density 0.5 three tokens (two bytes and the EOS) get a noise span of two: the note says no length.
    const dense = previewText(bytes, 'ab', { ...settings, noiseDensity: 0.5 });
    expect(dense.messages).toContain('Only 3 tokens, counting the end mark </s>: the mask is a single noise span');
    expect([dense.counts.noiseSpans, dense.counts.noiseTokens]).toEqual([1, 2]);
    // Nothing but literal special tokens, which are removed: the EOS alone cannot be masked.
    expect(() => previewText(tok, '</s> <extra_id_0>', settings)).toThrow(
      'The text has no tokens once its 2 literal special tokens such as </s> are removed, only the end mark </s> ' +
        'added after it; masking needs at least 2',
    );
    // Text too short is bad data (the services say invalid input), unlike too many spans (bad settings).
    expect(() => previewText(tok, '</s>', settings)).toThrow(DataError);
    expect(() =>
      previewText(tok, text, { ...settings, inputLength: 1024, noiseDensity: 0.5, meanNoiseSpanLength: 1 }),
    ).toThrow(/noise spans per example but the tokenizer has only 100 sentinel tokens/);
  });

  it('says when a span begins or ends inside a character of several bytes (byte-level tokenizer), and only then', () => {
    const bytes = createByteTokenizer();
    const japanese = '日本語のテキストです。絵文字😀も含みます。';
    // The byte offsets where characters begin (and the end): a segment boundary anywhere else splits one.
    const starts = new Set<number>([0]);
    let offset = 0;
    for (const character of japanese) starts.add((offset += Buffer.byteLength(character)));
    let splits = 0;
    for (let seed = 0; seed < 20; seed++) {
      const p = previewText(bytes, japanese, { ...settings, inputLength: 128, seed });
      expect(p.counts.maskedTokens).toBe(offset + 1); // one token a byte, and the EOS
      const boundaries = p.segments
        .slice(0, -1)
        .map((_, i) => p.segments.slice(0, i + 1).reduce((a, s) => a + s.tokenCount, 0));
      const isSplit = boundaries.some((b) => !starts.has(b));
      const notes = p.messages.filter((m) =>
        m.startsWith('Some spans begin or end inside a character of more than one byte'),
      );
      expect(notes, `seed ${seed}`).toHaveLength(isSplit ? 1 : 0);
      if (isSplit) splits += 1;
    }
    expect(splits).toBeGreaterThan(0);
    expect(previewText(bytes, text, settings).messages).toEqual([]);
  });

  it('every span shows its bytes when cuts fall inside characters: the Text row agrees with input and target', () => {
    const bytes = createByteTokenizer();
    // 😀 is 4 bytes; U+FFFD (what a shell turns invalid UTF-8 into) is 3: one-byte spans cut both.
    for (const typed of ['😀'.repeat(8), 'ab\uFFFDcd\uFFFD', '日本語のテキストです。']) {
      for (let seed = 0; seed < 10; seed++) {
        const p = previewText(bytes, typed, { inputLength: 128, noiseDensity: 0.3, meanNoiseSpanLength: 1, seed });
        const where = `${JSON.stringify(typed)} seed ${seed}`;
        expect(
          p.segments.every((s) => s.text !== ''),
          where,
        ).toBe(true);
        expect(p.inputText, where).toBe(`${p.segments.map((s) => (s.isNoise ? s.sentinel : s.text)).join('')}</s>`);
        expect(p.targetText, where).toBe(`${p.segments.map((s) => (s.isNoise ? s.text : s.sentinel)).join('')}</s>`);
      }
    }
    // The reported case: two bytes of the last U+FFFD hidden in one span, shown as the target shows them.
    // 10 bytes and the EOS at 0.3 / 3: round(3.3) = 3 noise tokens in one span, the last 3 (BF BD EOS).
    const invalid = previewText(bytes, 'ab\uFFFDcd\uFFFD', {
      inputLength: 128,
      noiseDensity: 0.3,
      meanNoiseSpanLength: 3,
      seed: 0,
    });
    expect(invalid.targetText).toBe('<extra_id_0>\uFFFD\uFFFD</s></s>');
    expect(invalid.segments.map((s) => s.text)).toEqual(['ab\uFFFDcd\uFFFD', '\uFFFD\uFFFD</s>']);
    expect(invalid.messages.some((m) => m.startsWith('Some spans begin or end inside a character'))).toBe(true);
  });

  it('previews a planned dataset example exactly as training masks it', () => {
    const docs = ['first document here', 'second one, a bit longer than the first', 'third'].map((t) => tok.encode(t));
    const source = new InMemoryTokenSource(docs);
    const plan = planExamples(source, { ...settings, inputLength: 16, mode: 'auto' }, tok);
    const p = previewExample(plan, source, tok, { index: 0, epoch: 0, dataset: counted(source, tok) });
    expect(p.segments.map((s) => s.text).join('')).toContain('first document here</s>');
    expect(p.counts.inputTokens).toBeLessThanOrEqual(16);
  });

  it('says where each end-of-document token is, by id: a literal "</s>" kept as bytes is not one', () => {
    const bytes = createByteTokenizer();
    const docs = ['we wrote </s> here', 'next', 'and more text to fill an example'].map((t) => bytes.encode(t));
    const source = new InMemoryTokenSource(docs);
    const plan = planExamples(source, { ...settings, inputLength: 24, mode: 'packed' }, bytes);
    const p = previewExample(plan, source, bytes, { index: 0, epoch: 0, dataset: counted(source, bytes) });
    const marked = p.segments
      .map((s) => {
        let text = s.text;
        for (const at of [...s.documentEnds].reverse()) text = `${text.slice(0, at)}[END]${text.slice(at + 4)}`;
        return text;
      })
      .join('');
    // Each document ends with EOS; the typed '</s>' (the byte ids of '<', '/', 's', '>') stays text.
    expect(marked).toBe('we wrote </s> here[END]next[END]and'); // the example's 27 tokens (input length 24)
  });

  it('a dataset example says when it holds special-token text the tokenizer keeps as characters, as typed text does', () => {
    const bytes = createByteTokenizer();
    const p = firstExample(bytes, ['we wrote </s> here', 'next', 'and more text to fill an example'], {
      inputLength: 24,
      mode: 'packed',
    });
    expect(p.messages).toContain(
      'This example holds 1 piece of special-token text such as <extra_id_0> or </s> that the bytes (ByT5 layout) ' +
        'tokenizer keeps as plain characters: they are masked like the rest of the text, though in the input and ' +
        'target they look like the sentinels and end mark span corruption adds',
    );
    // The EOS that joins documents is a token, not text: documents without such text say nothing.
    const quiet = firstExample(bytes, ['plain words here', 'next', 'and more'], { inputLength: 16, mode: 'packed' });
    expect(quiet.segments.some((s) => s.documentEnds.length > 0)).toBe(true);
    expect(quiet.messages.some((m) => m.includes('keeps as plain characters'))).toBe(false);
    // A tokenizer that drops such text says how much it dropped instead (droppedNote), as for typed text.
    const dropped = firstExample(tok, ['we wrote </s> here', 'next'], {
      inputLength: 16,
      mode: 'per-document',
      dropped: 1,
    });
    expect(dropped.messages.some((m) => m.includes('keeps as plain characters'))).toBe(false);
  });

  it('says how many tokens of typed text became <unk>, with characters that did; bytes have none', () => {
    const typed = '東京 is big, {braces} and café';
    const p = previewText(tok, typed, settings);
    const ids = tok.encode(typed);
    const note = unknownTokensNote(
      { count: ids.filter((id) => id === tok.unknownId).length, characters: ['東', '京', '{', '}', 'é'] },
      { tokens: ids.length, tokenizer: 't5-tiny-spm', where: 'the text' },
    );
    expect(note).not.toBeNull();
    expect(p.messages).toContain(note);
    expect(previewText(tok, text, settings).messages.some((m) => m.includes('<unk>'))).toBe(false);
    expect(previewText(createByteTokenizer(), typed, settings).messages.some((m) => m.includes('<unk>'))).toBe(false);
  });

  it("a dataset example gives the dataset's notes: literal special tokens removed and tokens that became <unk>", () => {
    const docs = ['first document here', 'second one, a bit longer than the first'].map((t) => tok.encode(t));
    const source = new InMemoryTokenSource(docs);
    const plan = planExamples(source, { ...settings, inputLength: 16, mode: 'auto' }, tok);
    const dataset = {
      ...counted(source, tok),
      droppedSpecialTokens: 2,
      unknownTokens: { count: 3, characters: ['東'] },
    };
    const p = previewExample(plan, source, tok, { index: 0, epoch: 0, dataset });
    expect(p.droppedSpecialTokens).toBe(2);
    for (const note of datasetTokenNotes(dataset)) expect(p.messages).toContain(note);
    expect(datasetTokenNotes(dataset)).toHaveLength(2);
  });
});

describe('stats', () => {
  it('counts tokens and estimates examples at an input length', () => {
    const source = new InMemoryTokenSource([Array(100).fill(5), Array(30).fill(6), [7, 8]]);
    expect(tokenStats(source)).toEqual({
      documents: 3,
      tokens: 132,
      meanTokensPerDocument: 44,
      maxTokensPerDocument: 100,
    });
    const e = estimateExamples(
      source,
      { inputLength: 32, noiseDensity: 0.15, meanNoiseSpanLength: 3, mode: 'auto', seed: 0 },
      stubTokenizer,
    );
    expect(e).toMatchObject({
      tokensLength: 34,
      targetLength: 8,
      mode: 'packed',
      packedExamples: 3,
      perDocumentExamples: 3 + 1 + 1,
    });
  });
});
