// `spanfill models` in-process against the local stand-in Hub (HF_ENDPOINT in the command's
// environment): pull with --json, list, cache usage, then `fill --model REPO_ID` with the Hub
// stopped giving the same fill as the fixture folder; import, rm, token, the from-scratch
// starting points in the cache listing, Ctrl-C mid-download, and the errors.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { tokenInput } from '../../../src/main/cli/commands/models-token';
import { TOKEN_FILE_NAME } from '../../../src/main/services/hub-token';
import type { ModelPulled, ModelSummary } from '../../../src/shared/contract/models';
import { capture, runCaptured, runSpanfill as cli } from '../../support/cli';
import { startTestHub, type TestHub } from '../../support/hub-server';
import { tempDirs } from '../../support/tmp';

const FIXTURE = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const REPO = 'tiny-org/t5-tiny-spm';
const PROMPT = 'The <extra_id_0> walks in <extra_id_1> park';
const tempDir = tempDirs('spanfill-cli-models-');
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

describe('spanfill models', () => {
  it('with no model yet, says how to get one and that the built-in one needs no download', async () => {
    const dataDir = tempDir();
    const list = await cli(['models', 'list', '--data-dir', dataDir]);
    expect(list.code).toBe(exitCodes.ok);
    expect(list.stdout).toContain(`\`spanfill models pull REPO_ID --data-dir ${dataDir}\` downloads one`);
    expect(list.stdout).toContain('builtin:byt5-tiny is always there and needs no download');
    // A command that runs as written: train refuses to start without a dataset.
    expect(list.stdout).toContain(`(\`spanfill train --dataset ID --preset quick --data-dir ${dataDir}\` trains it)`);
  });

  it('pulls, lists and shows the cache; fill --model REPO_ID then works with the Hub stopped', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const env = { HF_ENDPOINT: hub.url };
    const data = ['--data-dir', tempDir()];
    const pull = await cli(['models', 'pull', REPO, '--json', ...data], env);
    // What it waits for, on stderr (stdout keeps the JSON alone).
    expect(pull.stderr).toBe(`Contacting ${hub.url} for ${REPO}…\n`);
    expect(pull.code).toBe(exitCodes.ok);
    const pulled = JSON.parse(pull.stdout) as ModelPulled & { action: string };
    expect(pulled).toMatchObject({ action: 'pull', isFromCache: false, model: { source: { commit: hub.commit } } });

    const list = await cli(['models', ...data], env);
    expect(list.stdout).toMatch(new RegExp(`^${pulled.model.id}\\s+t5\\s+0\\.1M\\s+.*${REPO}\\s+\\[hub ${REPO}@main`));
    const cache = JSON.parse((await cli(['models', 'cache', '--json', ...data], env)).stdout) as { bytes: number };
    expect(cache.bytes).toBeGreaterThanOrEqual(pulled.model.sizeBytes);

    await hub.close();
    hub = undefined;
    const fromRepo = await cli(['fill', '--model', REPO, '--json', ...data, PROMPT], env);
    expect(fromRepo.stderr).toBe('');
    expect(fromRepo.code).toBe(exitCodes.ok);
    const fromFolder = await cli(['fill', '--model', FIXTURE, '--json', ...data, PROMPT]);
    expect(JSON.parse(fromRepo.stdout)).toEqual(JSON.parse(fromFolder.stdout));
    const byId = await cli(['fill', '--model', pulled.model.id, '--json', ...data, PROMPT], env);
    expect(JSON.parse(byId.stdout)).toEqual(JSON.parse(fromFolder.stdout));

    const again = await cli(['models', 'pull', REPO, '--offline', ...data], env);
    expect(again.stdout).toMatch(/^Pulled from the cache/);
    const rm = await cli(['models', 'rm', pulled.model.id, ...data], env);
    expect(rm.stdout).toMatch(new RegExp(`^Removed ${pulled.model.id} "${REPO}" and its files: .* freed`));
    const gone = await cli(['fill', '--model', REPO, '--json', ...data, PROMPT], env);
    expect(gone.code).toBe(exitCodes.failure);
    expect(JSON.parse(gone.stdout)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('counts the from-scratch starting points in `models cache` and deletes them with `cache rm-scratch`', async () => {
    const dataDir = tempDir();
    const data = ['--data-dir', dataDir];
    const root = path.join(dataDir, 'models', 'preset');
    fs.mkdirSync(path.join(root, 't5-small-aaaa'), { recursive: true });
    fs.writeFileSync(path.join(root, 't5-small-aaaa', 'model.safetensors'), Buffer.alloc(2000));
    const cache = await cli(['models', 'cache', ...data]);
    expect(cache.stdout).toContain(
      `From-scratch starting points ${root}: 2.0 KiB in 1 folder (\`spanfill models cache rm-scratch --data-dir ${dataDir}\` deletes them; runs rebuild their own)`,
    );
    const rm = await cli(['models', 'cache', 'rm-scratch', ...data]);
    expect(rm.stdout.trim()).toBe('Deleted 1 from-scratch starting point: 2.0 KiB freed');
    expect(fs.existsSync(root)).toBe(false);
    const bad = await cli(['models', 'cache', 'rm-scratch', 'extra', ...data]);
    expect(bad.code).toBe(exitCodes.usage);
    expect(bad.stderr).toContain('models cache takes nothing, rm REPO_ID, or rm-scratch');
  });

  it('cache rm says which model it unregistered with the repository, and none when there was none', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const env = { HF_ENDPOINT: hub.url };
    const data = ['--data-dir', tempDir()];
    const pulled = JSON.parse((await cli(['models', 'pull', REPO, '--json', ...data], env)).stdout) as ModelPulled;
    const removed = await cli(['models', 'cache', 'rm', REPO, ...data], env);
    expect(removed.code).toBe(exitCodes.ok);
    expect(removed.stdout).toMatch(
      new RegExp(
        `^Removed ${REPO} from the cache: .+ freed; unregistered model ${pulled.model.id} "${REPO}" with it\n$`,
      ),
    );
    // What a failed pull kept, no model registered from it.
    const incomplete = path.join(data[1], 'models', 'hub', `models--${REPO.replace('/', '--')}`, 'incomplete');
    fs.mkdirSync(incomplete, { recursive: true });
    fs.writeFileSync(path.join(incomplete, 'abc.partial'), Buffer.alloc(2048));
    const partial = await cli(['models', 'cache', 'rm', REPO, ...data], env);
    expect(partial.stdout).toBe(`Removed ${REPO} from the cache: 2.0 KiB freed\n`);
  });

  it('Ctrl-C mid-download says that what arrived is kept and that pulling again resumes (exit 130)', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    hub.fault = { stallFileAfter: { file: 'model.safetensors', bytes: 64 * 1024 } };
    const dataDir = tempDir();
    const captured = capture();
    const ctrlC = new AbortController();
    const pull = runCaptured(['models', 'pull', REPO, '--data-dir', dataDir], captured, {
      env: { HF_ENDPOINT: hub.url },
      signal: ctrlC.signal,
    });
    // The partial file grows only after a progress report for its bytes (download.ts append).
    const partialBytes = (): number =>
      (fs.readdirSync(dataDir, { recursive: true }) as string[])
        .filter((name) => name.endsWith('.partial'))
        .reduce((sum, name) => sum + fs.statSync(path.join(dataDir, name)).size, 0);
    for (const end = Date.now() + 30_000; partialBytes() < 64 * 1024;) {
      if (Date.now() > end) throw new Error(`no bytes arrived: ${captured.err()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    ctrlC.abort();
    await expect(pull).resolves.toBe(exitCodes.interrupted);
    expect(captured.err()).toBe(
      `Contacting ${hub.url} for ${REPO}…\n` +
        `spanfill models: the download of ${REPO} stopped; what arrived is kept, and pulling it again resumes from there\n`,
    );
  });

  it('reports a missing repository (exit 1) and an unreachable Hub', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const data = ['--data-dir', tempDir()];
    const missing = await cli(['models', 'pull', 'tiny-org/nothing', '--json', ...data], { HF_ENDPOINT: hub.url });
    expect(missing.code).toBe(exitCodes.failure);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'not_found' });
    expect(JSON.parse(missing.stdout).error.message).toContain('tiny-org/nothing');
    const url = hub.url;
    await hub.close();
    hub = undefined;
    const down = await cli(['models', 'pull', REPO, ...data], { HF_ENDPOINT: url });
    // A Hub that cannot be reached is a failed command (1), not an engine-host failure (4).
    expect(down.code).toBe(exitCodes.failure);
    expect(down.stderr).toContain(`Cannot download repository ${REPO}@main from ${url}`);
    const offline = await cli(['models', 'pull', REPO, ...data], { HF_ENDPOINT: url, HF_HUB_OFFLINE: '1' });
    expect(offline.stderr).toContain('is not in the cache');
  });

  it('imports a folder, stores a token, and rejects bad usage with exit code 2', async () => {
    const data = ['--data-dir', tempDir()];
    const imported = await cli(['models', 'import', FIXTURE, '--name', 'tiny', '--json', ...data]);
    expect(imported.code).toBe(exitCodes.ok);
    const model = (JSON.parse(imported.stdout) as { model: ModelSummary }).model;
    expect(model).toMatchObject({ name: 'tiny', source: { kind: 'folder', path: FIXTURE } });
    expect((await cli(['models', 'rm', model.id, ...data])).stdout).toContain('its folder was left in place');
    expect(fs.existsSync(path.join(FIXTURE, 'model.safetensors'))).toBe(true);
    // rm reads its argument as --model does: a ./relative folder is the model registered there.
    const again = JSON.parse((await cli(['models', 'import', FIXTURE, '--json', ...data])).stdout)
      .model as ModelSummary;
    // A second model under a name one has is numbered, and the output says so.
    const copy = path.join(tempDir(), 'copy');
    fs.cpSync(FIXTURE, copy, { recursive: true });
    const twin = await cli(['models', 'import', copy, '--name', again.name, ...data]);
    expect(twin.stdout).toMatch(
      new RegExp(`\\n  note: Named "${again.name} \\(2\\)": model ${again.id} is named "${again.name}" already`),
    );
    await cli(['models', 'rm', `${again.name} (2)`, ...data]);
    const relative = `./${path.relative(process.cwd(), FIXTURE)}`;
    expect((await cli(['models', 'rm', relative, ...data])).stdout).toContain(`Removed ${again.id} `);
    // A blank name, or one over two lines, is refused and registers nothing.
    for (const name of [' ', 'two\nlines']) {
      const refused = await cli(['models', 'import', FIXTURE, '--name', name, ...data]);
      expect(refused.code, JSON.stringify(name)).toBe(exitCodes.usage);
      expect(refused.stderr).toMatch(/^spanfill models: name: a name cannot (be empty|hold line breaks)/);
    }
    expect((await cli(['models', ...data])).stdout).toMatch(/^No models yet/);

    expect((await cli(['models', 'token', 'set', 'hf_stored', ...data])).stdout).toContain('from the stored file');
    // `set -` reads it from standard input (out of shell history and ps), as the help says.
    tokenInput.stdin = Readable.from([Buffer.from('hf_piped\n')]);
    try {
      expect((await cli(['models', 'token', 'set', '-', ...data])).stdout).toContain('from the stored file');
    } finally {
      tokenInput.stdin = process.stdin;
    }
    expect(fs.readFileSync(path.join(data[1], TOKEN_FILE_NAME), 'utf8').trim()).toBe('hf_piped');
    const status = JSON.parse((await cli(['models', 'token', '--json', ...data], { HF_TOKEN: 'hf_env' })).stdout);
    expect(status).toMatchObject({ source: 'env', endpoint: 'https://huggingface.co' });

    for (const [args, message] of [
      [['models', 'fetch'], "unknown models action 'fetch'; expected one of: list, catalog, pull, import, show, rm"],
      [['models', 'lst'], "unknown models action 'lst' (did you mean list?); expected one of: list,"],
      [['models', 'pull'], 'models pull needs a repository id'],
      [['models', 'list', '--revision', 'x'], '--revision and --offline go with models pull'],
      [['models', 'pull', 'a/b/c'], 'Invalid Hugging Face repository id "a/b/c"'],
    ] as const) {
      const run = await cli([...args, ...data]);
      expect(run.stderr).toContain(message);
      expect(run.code).toBe(exitCodes.usage);
    }
    const catalog = await cli(['models', 'catalog', ...data]);
    expect(catalog.stdout).toMatch(/^google-t5\/t5-small\s+61M\s+~230.8 MiB\s+apache-2.0/);
  });
});
