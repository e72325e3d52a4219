// `spanfill models import` of a folder already registered: nothing was imported, so the output
// says "Already registered" with the model that is there and the note, never "Imported";
// --json carries isAlreadyRegistered.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import type { ModelRegistered } from '../../../src/shared/contract/models';
import { runSpanfill as cli } from '../../support/cli';
import { tempDirs } from '../../support/tmp';

const FIXTURE = path.resolve('test/fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-cli-import-again-');

describe('spanfill models import of a folder already registered', () => {
  it('says it is already registered, naming the model, and not that it imported it', async () => {
    const data = ['--data-dir', tempDir()];
    const first = await cli(['models', 'import', FIXTURE, '--name', 'tiny', ...data]);
    expect(first.stdout).toMatch(/^Imported\nm-[0-9a-f]{8} /);
    const again = await cli(['models', 'import', FIXTURE, ...data]);
    expect(again.code).toBe(exitCodes.ok);
    const id = /^(m-[0-9a-f]{8}) /m.exec(first.stdout.split('\n')[1] ?? '')?.[1];
    expect(again.stdout).toMatch(new RegExp(`^Already registered\\n${id} .* tiny `));
    expect(again.stdout).toContain(`\n  note: ${FIXTURE} is already registered as ${id} (tiny); nothing to do`);
    expect(again.stdout).not.toContain('Imported');
    const json = JSON.parse((await cli(['models', 'import', FIXTURE, '--json', ...data])).stdout) as {
      model: ModelRegistered;
    };
    expect(json.model).toMatchObject({ id, isAlreadyRegistered: true });
  });
});
