// The bundled resources: found in a checkout and in a packaged app's layout; the sample text is
// small, imports through the datasets service like any .txt file, and its held-out sentences are
// absent from it, in its vocabulary, and listed in resources/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { heldOutSentences, resourcesCandidates, resourcesDir, sampleTextPath } from '../../src/main/resources';
import { DatasetService } from '../../src/main/services/datasets';
import { EventBus } from '../../src/main/services/events';
import { openStore } from '../../src/main/store/db';

const ROOT = path.resolve(__dirname, '../..');
const temps: string[] = [];
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-res-'));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const words = (text: string): string[] => text.toLowerCase().match(/[a-z]+/g) ?? [];
const squash = (text: string): string => text.split(/\s+/).join(' ');

describe('resourcesDir', () => {
  it("is the checkout's resources/ when run from source", () => {
    expect(resourcesDir()).toBe(path.join(ROOT, 'resources'));
  });

  it("prefers a packaged app's <resourcesPath>/resources (electron-builder extraResources)", () => {
    const packaged = tempDir();
    fs.mkdirSync(path.join(packaged, 'resources', 'sample'), { recursive: true });
    fs.writeFileSync(path.join(packaged, 'resources', 'sample', 'sample.txt'), 'x');
    const proc = process as { resourcesPath?: string };
    proc.resourcesPath = packaged;
    try {
      expect(resourcesDir()).toBe(path.join(packaged, 'resources'));
    } finally {
      delete proc.resourcesPath;
    }
  });

  it('names every folder it looked in when none has the sample', () => {
    const empty = tempDir();
    expect(() => resourcesDir([empty])).toThrow(new RegExp(`resources are missing.*${empty}`));
    expect(resourcesCandidates(empty)).toEqual([]); // no package.json above a temp folder
  });
});

describe('the sample text', () => {
  const sample = fs.readFileSync(sampleTextPath(), 'utf8');
  const heldOut = heldOutSentences();

  it('is a few dozen KB of valid UTF-8 prose, well under a few hundred KB', () => {
    const bytes = fs.statSync(sampleTextPath()).size;
    expect(bytes).toBeGreaterThan(20_000);
    expect(bytes).toBeLessThan(300_000);
    expect(Buffer.from(sample, 'utf8').length).toBe(bytes);
    expect(words(sample).length).toBeGreaterThan(5_000);
  });

  it('imports through the datasets service like any text file', async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    try {
      const service = new DatasetService({ store, dataDir, events: new EventBus() });
      const ds = await service.import({ paths: [sampleTextPath()], name: 'Sample' });
      expect(ds).toMatchObject({ name: 'Sample', status: 'ready', format: 'text' });
      expect(ds.stats?.documents).toBeGreaterThan(100);
      expect(ds.stats?.split.validationDocuments).toBeGreaterThanOrEqual(1);
    } finally {
      store.close();
    }
  });

  it('keeps its held-out sentences out of the training text', () => {
    expect(heldOut.length).toBeGreaterThanOrEqual(5);
    const flat = squash(sample);
    for (const sentence of heldOut) {
      expect(flat.includes(sentence), sentence).toBe(false);
      // No long stretch of it either (a clause repeated elsewhere would leak the answer).
      const half = sentence.slice(0, Math.floor(sentence.length / 2));
      expect(flat.includes(half), half).toBe(false);
    }
  });

  it('holds out sentences in the vocabulary of the sample (a trained model can know their words)', () => {
    const known = new Set(words(sample));
    for (const sentence of heldOut) {
      const ws = words(sentence);
      const unknown = ws.filter((w) => !known.has(w));
      // At least three words in four occur in the sample (the Declaration's are the most novel).
      expect(unknown.length / ws.length, `${sentence}: ${unknown.join(' ')}`).toBeLessThanOrEqual(0.25);
    }
  });

  it('lists each held-out sentence, in order, in resources/README.md', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'resources', 'README.md'), 'utf8');
    expect(readme).toMatch(/public domain/i);
    expect(readme).toMatch(/miscfiles 1\.5\+dfsg-4/);
    const section = readme.slice(readme.indexOf('### Held-out sentences'));
    const quoted = [...section.matchAll(/^\d+\. [^"]*"([^"…]+)/gm)].map((m) => m[1].trim());
    expect(quoted.length).toBe(heldOut.length);
    quoted.forEach((start, i) => expect(heldOut[i].startsWith(start), `${i + 1}: ${start}`).toBe(true));
  });
});
