// End-to-end against the built `spanfill serve`: a refusal whose message holds lines (the Python
// that writes tokenizer.json for a folder with only spiece.model) shows them as lines on the
// Models screen, not run together into one.
// Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

const fixture = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('models-error-lines');
  page = session.page;
  await page.goto(session.url);
});

afterAll(() => session?.close());

describe('a refusal of several lines on the Models screen', () => {
  it('shows the Python recipe for a spiece.model-only folder line by line', async () => {
    const folder = path.join(session.dir, 'old-t5');
    fs.cpSync(fixture, folder, { recursive: true });
    fs.rmSync(path.join(folder, 'tokenizer.json'));
    fs.writeFileSync(path.join(folder, 'spiece.model'), Buffer.alloc(64));
    await openScreen(page, 'models');
    await page.getByTestId('model-folder').fill(folder);
    await page.getByTestId('model-import').click();
    const error = page.getByTestId('models-error');
    await error.waitFor();
    // innerText keeps a line break only where one is shown.
    const shown = await error.innerText();
    expect(shown).toContain('has only the SentencePiece spiece.model');
    expect(shown).toMatch(/\nfrom transformers import AutoTokenizer\ntok = AutoTokenizer\.from_pretrained\(/);
  });
});
