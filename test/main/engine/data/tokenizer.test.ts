import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import cases from '../../../fixtures/t5/t5-tiny-spm/tokenizer_cases.json';
import { createByteTokenizer, encodeForTraining, loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';

const spmDir = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');

describe('HF tokenizer from a model folder (offline)', async () => {
  const tok = await loadHfTokenizer(spmDir);

  it.each(cases.samples)('reproduces SentencePiece on "$text"', (c) => {
    expect([...tok.encode(c.text), tok.eosId]).toEqual(c.ids);
  });

  it('finds the sentinels: <extra_id_0> is the last id and they count down', () => {
    expect(tok.vocabSize).toBe(cases.vocab_size);
    expect(tok.sentinelId(0)).toBe(cases.extra_id_0);
    expect(tok.sentinelCount).toBe(100);
    expect(tok.sentinelId(99)).toBe(400);
    expect([tok.padId, tok.eosId, tok.unkId]).toEqual([0, 1, 2]);
    expect(() => tok.sentinelId(100)).toThrow('Sentinel <extra_id_100> does not exist; t5-tiny-spm has 100');
    expect(tok.decode([136, tok.sentinelId(0), 1])).toBe('The<extra_id_0></s>');
    expect(tok.decode([])).toBe(''); // transformers.js throws on an empty list
  });

  it('drops literal special tokens from training text and counts them', () => {
    const raw = tok.encode('The <extra_id_0> walks</s> in');
    expect(raw).toContain(499);
    expect(raw).toContain(1);
    const { ids, droppedSpecialTokens } = encodeForTraining(tok, 'The <extra_id_0> walks</s> in');
    expect(droppedSpecialTokens).toBe(2);
    expect(ids.some((id) => id === 1 || id >= 400)).toBe(false);
    expect(ids).toEqual([...tok.encode('The'), ...tok.encode(' walks'), ...tok.encode(' in')].filter((x) => x !== 1));
  });

  it('added tokens after the sentinels do not move them: <extra_id_0> is looked up, not len − 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-tok-added-'));
    try {
      cpSync(spmDir, dir, { recursive: true });
      const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as {
        added_tokens: { id: number; content: string }[];
      };
      const template = json.added_tokens[json.added_tokens.length - 1];
      json.added_tokens.push({ ...template, id: 500, content: '<sep>' }, { ...template, id: 501, content: '<cls>' });
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
      const added = await loadHfTokenizer(dir);
      expect(added.vocabSize).toBe(502); // len(tokenizer): len − 1 = 501 would be <cls>
      expect(added.sentinelId(0)).toBe(499);
      expect(added.sentinelId(99)).toBe(400);
      expect(added.encode('a <sep> b')).toContain(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['t5 tiny (copy)', 'model-', 'a--b', 'модель'])(
    'loads a folder named %j, which is not a valid Hub model id',
    async (name) => {
      const parent = mkdtempSync(join(tmpdir(), 'spanfill-tok-name-'));
      try {
        cpSync(spmDir, join(parent, name), { recursive: true });
        const copy = await loadHfTokenizer(join(parent, name));
        expect(copy.name).toBe(name);
        expect([...copy.encode(cases.samples[0].text), copy.eosId]).toEqual(cases.samples[0].ids);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    },
  );

  it('a folder that does not exist is named as missing, not as lacking tokenizer.json', async () => {
    const missing = join(tmpdir(), 'spanfill-no-such-model-folder');
    await expect(loadHfTokenizer(missing)).rejects.toThrow(
      `Model folder ${missing} does not exist; give a model folder that holds tokenizer.json, or "bytes" for the byte-level tokenizer`,
    );
  });

  it('names the file that is not valid JSON: tokenizer.json or tokenizer_config.json', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'spanfill-tok-json-'));
    try {
      for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
        const dir = join(parent, file);
        cpSync(spmDir, dir, { recursive: true });
        writeFileSync(join(dir, file), '{"version": "1.0", ');
        await expect(loadHfTokenizer(dir)).rejects.toThrow(
          new RegExp(`^Could not load the tokenizer in ${dir}: ${join(dir, file)} is not valid JSON \\(.+\\)$`),
        );
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("is named by its folder, and a Hub download's snapshot by its repository, not its commit", async () => {
    expect(tok.name).toBe('t5-tiny-spm');
    const root = mkdtempSync(join(tmpdir(), 'spanfill-tok-'));
    const snapshot = join(root, 'models--org--gated', 'snapshots', '0e657486a427f3fa9d1c2b3a4e5f60718293a4b5');
    try {
      cpSync(spmDir, snapshot, { recursive: true });
      expect((await loadHfTokenizer(snapshot)).name).toBe('org/gated');
      expect((await loadHfTokenizer(`${snapshot}/`)).name).toBe('org/gated');
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it('a folder without tokenizer.json says what to do', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'spanfill-tok-'));
    try {
      await expect(loadHfTokenizer(empty)).rejects.toThrow(
        `${empty} has no tokenizer.json; save the tokenizer there with save_pretrained() from a fast tokenizer`,
      );
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  // Python's AutoTokenizer loads such a folder (the class from config.json's model_type);
  // transformers.js' AutoTokenizer read tokenizer_class of a config it had not found.
  it('a folder with tokenizer.json but no tokenizer_config.json loads, encoding as with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-tok-noconfig-'));
    try {
      for (const file of ['tokenizer.json', 'config.json']) cpSync(join(spmDir, file), join(dir, file));
      const bare = await loadHfTokenizer(dir);
      for (const c of cases.samples) expect([...bare.encode(c.text), bare.eosId]).toEqual(c.ids);
      expect([bare.vocabSize, bare.sentinelCount, bare.padId, bare.eosId, bare.unkId]).toEqual([
        cases.vocab_size,
        100,
        0,
        1,
        2,
      ]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('byte tokenizer (ByT5 layout)', () => {
  const tok = createByteTokenizer();
  it('maps bytes to byte + 3 and back', () => {
    expect(tok.encode('hé')).toEqual([107, 198, 172]);
    expect(tok.decode(tok.encode('hé 😀 ok'))).toBe('hé 😀 ok');
    expect(tok.vocabSize).toBe(384);
  });
  it('has 125 sentinels at the top, counting down', () => {
    expect(tok.sentinelId(0)).toBe(383);
    expect(tok.sentinelId(124)).toBe(259);
    expect(tok.decode([107, 383, 1, 0])).toBe('h<extra_id_0></s><pad>');
    expect(() => tok.sentinelId(125)).toThrow('Sentinel <extra_id_125> does not exist; the byte tokenizer has 125');
  });
  it('decodes a byte-order mark as the character it is, and an id outside the vocabulary as <unk>', () => {
    const bom = [0xef, 0xbb, 0xbf].map((b) => b + 3);
    expect(tok.decode([...bom, 0x61 + 3, 383, ...bom])).toBe('\ufeffa<extra_id_0>\ufeff');
    expect(tok.decode([0x61 + 3, 384, -1, 1])).toBe('a<unk><unk></s>');
  });
  it('literal "<extra_id_0>" text stays bytes: nothing to drop', () => {
    expect(encodeForTraining(tok, '<extra_id_0>').droppedSpecialTokens).toBe(0);
  });
  it('fingerprints differ between tokenizers', async () => {
    expect(tok.fingerprint).not.toBe((await loadHfTokenizer(spmDir)).fingerprint);
  });
});
