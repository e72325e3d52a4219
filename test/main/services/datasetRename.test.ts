// datasets.rename through the dispatcher (contract validation included) over a real store:
// the name changes and nothing else; an empty name, an unknown id, an importing dataset and a
// name another dataset has are refused with messages that say what to do.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppServices } from '../../../src/main/services/app';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-rename-');

async function withApp(run: (app: AppServices, dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const app = new AppServices({ dataDir: path.join(dir, 'data') });
  try {
    await run(app, dir);
  } finally {
    await app.close();
  }
}

describe('datasets.rename', () => {
  it('changes the name only; documents and id stay', async () => {
    await withApp(async (app, dir) => {
      const file = path.join(dir, 'notes.txt');
      fs.writeFileSync(file, 'First note about a dog.\n\nSecond note about a river.\n');
      const ds = await app.datasets.import({ paths: [file] });
      const said: unknown[] = [];
      app.events.subscribe((event, payload) => event === 'datasets.renamed' && said.push(payload));
      const renamed = await app.call('datasets.rename', { id: ds.id, name: '  River notes ' });
      expect(renamed).toMatchObject({ ok: true, result: { id: ds.id, name: 'River notes', status: 'ready' } });
      expect(said).toEqual([{ datasetId: ds.id, name: 'River notes' }]); // other windows show it
      const listed = app.datasets.list();
      expect(listed.map((d) => [d.id, d.name])).toEqual([[ds.id, 'River notes']]);
      expect(app.datasets.get(ds.id, 5).sample.map((d) => d.text)).toEqual([
        'First note about a dog.',
        'Second note about a river.',
      ]);
    });
  });

  it('refuses an empty name and an unknown id', async () => {
    await withApp(async (app) => {
      const empty = await app.call('datasets.rename', { id: 'ds-1', name: '   ' });
      expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
      expect(JSON.stringify(empty)).toContain('a name cannot be empty');
      const unknown = await app.call('datasets.rename', { id: 'ds-missing', name: 'x' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(JSON.stringify(unknown)).toContain('No dataset ds-missing');
    });
  });

  it('refuses a name another dataset has, naming its id, so that a name finds one dataset', async () => {
    await withApp(async (app, dir) => {
      const write = (name: string): string => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, `The text of ${name}.\n`);
        return file;
      };
      const notes = await app.datasets.import({ paths: [write('notes.txt')], name: 'notes' });
      const letters = await app.datasets.import({ paths: [write('letters.txt')], name: 'letters' });
      const reply = await app.call('datasets.rename', { id: letters.id, name: 'notes' });
      expect(reply).toEqual({
        ok: false,
        error: {
          code: 'conflict',
          message: `Dataset ${notes.id} is named "notes" already; a name finds one dataset, so choose another (or rename ${notes.id} first: \`spanfill datasets rename ID NAME\`)`,
        },
      });
      expect(await app.call('datasets.rename', { id: notes.id, name: 'notes' })).toMatchObject({ ok: true });
      expect(app.datasets.list().map((d) => d.name)).toEqual(['notes', 'letters']);
    });
  });

  it('refuses a dataset that is still importing', async () => {
    await withApp(async (app) => {
      app.datasets.repo.create({ id: 'ds-live', name: 'live', sourcePath: '/x', importingPid: process.pid });
      const reply = await app.call('datasets.rename', { id: 'ds-live', name: 'other' });
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: 'Dataset ds-live is still importing; rename it once the import is done' },
      });
    });
  });
});
