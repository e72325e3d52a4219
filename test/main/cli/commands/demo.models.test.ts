// `spanfill demo --model`: a Hub repo id is downloaded through the models service (from the
// local stand-in Hub, HF_ENDPOINT) and registered, then fine-tuned, and a second demo finds it in
// the cache with the Hub gone; a model folder is fine-tuned as it is. Each run is stored with
// its model and the output names both scores. t5-tiny-spm and 10 steps keep it quick.

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoCommand } from '../../../../src/main/cli/commands/demo';
import type { DemoResult } from '../../../../src/main/services/demo';
import type { ModelSummary } from '../../../../src/shared/contract/models';
import { jsonResult, runSpanfill } from '../../../support/cli';
import { startTestHub, type TestHub } from '../../../support/hub-server';
import { tempDirs } from '../../../support/tmp';
import { SPM } from './train-support';

const REPO = 'tiny-org/t5-tiny-spm';
const tempDir = tempDirs('spanfill-demo-models-');
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

type Demo = DemoResult & { dataDir: string };
const SCORES = /Untrained: \d+\/\d+ spans exact \(\d+\.\d%\), characters \d+\.\d%\nTrained {2}: \d+\/\d+ spans exact/;

async function runsIn(dataDir: string): Promise<{ id: string; model: string; status: string }[]> {
  const out = await runSpanfill(['runs', '--json', '--data-dir', dataDir]);
  return jsonResult<{ runs: { id: string; model: string; status: string }[] }>(out.stdout).runs;
}

describe('spanfill demo --model', () => {
  it('pulls a Hub repo id through the models service, fine-tunes it, and reuses the cached copy', async () => {
    hub = await startTestHub({ repoId: REPO, folder: SPM });
    const dataDir = tempDir();
    const env = { HF_ENDPOINT: hub.url };
    const args = ['demo', '--model', REPO, '--steps', '10', '--prompts', '2', '--data-dir', dataDir];
    const out = await runSpanfill([...args, '--json'], env);
    expect(out.code, out.stderr).toBe(0);
    const result = jsonResult<Demo>(out.stdout);

    // Downloaded from the Hub: the weights came through the LFS redirect to the CDN path.
    const fetched = hub.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(fetched).toContain(`/${REPO}/resolve/${hub.commit}/config.json`);
    expect(fetched.some((p) => p.startsWith(`/cdn/${REPO}/`))).toBe(true);
    // Registered by the models service, and the run is stored with that model.
    const models = jsonResult<{ models: ModelSummary[] }>(
      (await runSpanfill(['models', '--json', '--data-dir', dataDir], env)).stdout,
    ).models;
    expect(models).toEqual([
      expect.objectContaining({ source: { kind: 'hub', repoId: REPO, revision: 'main', commit: hub.commit } }),
    ]);
    expect(result.model).toBe(models[0].id);
    expect(await runsIn(dataDir)).toEqual([
      expect.objectContaining({ id: result.runId, model: models[0].id, status: 'completed' }),
    ]);
    expect(result.scores.trained.spans).toBeGreaterThan(0);
    expect(result.scores.untrained.spans).toBe(result.scores.trained.spans);

    // A second demo finds the pulled model in the cache: the Hub is gone, nothing is fetched.
    await hub.close();
    hub = undefined;
    const again = await runSpanfill(args, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Base model: ${models[0].id}`);
    expect(again.stdout).toMatch(SCORES);
    const runs = await runsIn(dataDir);
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.model === models[0].id && r.status === 'completed')).toBe(true);
  }, 120_000);

  it('says to run the demo again, not to pull again, when the Hub is out of reach', async () => {
    // A Hub that was there and is gone: its port refuses the connection.
    hub = await startTestHub({ repoId: REPO, folder: SPM });
    const env = { HF_ENDPOINT: hub.url };
    await hub.close();
    hub = undefined;
    const dataDir = tempDir();
    const out = await runSpanfill(['demo', '--model', REPO, '--steps', '10', '--data-dir', dataDir], env);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^spanfill demo: Cannot download repository tiny-org\/t5-tiny-spm@main from /m);
    expect(out.stderr).toContain(
      `and HF_ENDPOINT, then run the demo again (or \`spanfill models pull ${REPO} --data-dir ${dataDir}\`).`,
    );
    expect(out.stderr).not.toContain('pull again');
  });

  it('fine-tunes a model folder as it is, recording the folder as the run model', async () => {
    const dataDir = tempDir();
    const out = await runSpanfill([
      'demo',
      '--model',
      SPM,
      '--steps',
      '10',
      '--prompts',
      '1',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(out.code, out.stderr).toBe(0);
    const result = jsonResult<Demo>(out.stdout);
    expect(result.model).toBe(path.resolve(SPM));
    expect(await runsIn(dataDir)).toEqual([
      expect.objectContaining({ id: result.runId, model: path.resolve(SPM), status: 'completed' }),
    ]);
    expect(result.scores.trained.spans).toBeGreaterThan(0);
    expect(demoCommand.render!(result)).toMatch(SCORES);
  }, 120_000);
});
