// The README's exit-code table is what the commands do (issue #9, item 9): the table is read
// from README.md, `spanfill --help` must print the same rows, and for every row real commands
// that should end with it do, with a message that names the problem and what to do. In
// process where that is enough; a child process for a dead engine host and for Ctrl-C.

import { commands } from '../../../src/main/cli/commands';
import { classifyFailure } from '../../../src/main/cli/exit-codes';
import { ApiError } from '../../../src/shared/errors';
import { withDiskFullHint } from '../../../src/main/services/errors';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFileName, openStore } from '../../../src/main/store/db';
import { runSpanfill } from '../../support/cli';
import { engineHostPids, hasEngineHost, startCli, waitUntil, type CliProcess } from '../../support/cli-process';
import { tempDirs } from '../../support/tmp';
import { importTexts, KILL_TEXTS, smallRunFlags } from './commands/train-support';

const root = path.resolve(import.meta.dirname, '../../..');
const modelDir = path.join(root, 'test/fixtures/t5/t5-tiny-spm');
const caseModelDir = path.join(root, 'test/fixtures/t5/t5-tiny-relu');
const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
const tempDir = tempDirs('spanfill-exit-');
const started: CliProcess[] = [];
afterEach(() => {
  for (const cli of started.splice(0)) cli.kill();
});

/** The rows of the table that follows "Exit codes" in README.md. */
function readmeExitCodes(): { code: number; meaning: string }[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const lines = readme.slice(readme.indexOf('Exit codes')).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const table = lines.slice(
    first,
    lines.findIndex((line, i) => i > first && !line.startsWith('|')),
  );
  return table.slice(2).map((line) => {
    const [code, meaning] = line
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    return { code: Number(code), meaning };
  });
}

/** What a run ended with, and what it said (stderr; stdout for a success). */
interface Ending {
  readonly status: number;
  readonly said: string;
}

interface Case {
  readonly what: string;
  readonly status: number;
  /** Names the problem and says what to do about it. */
  readonly says: RegExp | string;
  run(dir: string): Promise<Ending>;
}

async function inProcess(args: string[], dir: string): Promise<Ending> {
  const { code, stdout, stderr } = await runSpanfill([...args, '--data-dir', path.join(dir, 'data')]);
  return { status: code, said: code === 0 ? stdout : stderr };
}

function child(args: string[], dir: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  const cli = startCli([...args, '--data-dir', path.join(dir, 'data')], env);
  started.push(cli);
  return cli;
}

function write(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function storeOfNewerSpanfill(dir: string): string {
  const dataDir = path.join(dir, 'data');
  openStore(dataDir).close();
  const raw = new Database(path.join(dataDir, databaseFileName));
  raw.pragma('user_version = 999');
  raw.close();
  return dataDir;
}

const cases: Case[] = [
  { what: 'system', status: 0, says: /"dataDir"/, run: (dir) => inProcess(['system', '--json'], dir) },
  {
    what: 'bad file contents',
    status: 1,
    says: /bin\.txt looks like a binary file, not text \(NUL byte at byte offset 1\)/,
    run: (dir) => inProcess(['import', write(dir, 'bin.txt', Buffer.from('a\0b'))], dir),
  },
  {
    what: 'a path that does not exist',
    status: 1,
    says: /missing\.txt does not exist/,
    run: (dir) => inProcess(['import', path.join(dir, 'missing.txt')], dir),
  },
  {
    what: 'a path that is not a regular file (FIFO)',
    status: 1,
    says: /pipe is a named pipe \(FIFO\), not a regular file; .*save the text to a file first/,
    run: (dir) => {
      execFileSync('mkfifo', [path.join(dir, 'pipe')]);
      return inProcess(['import', path.join(dir, 'pipe')], dir);
    },
  },
  {
    what: 'a bad model folder',
    status: 1,
    says: /No config\.json in .*; a Hugging Face T5 folder needs config\.json next to the weights/,
    run: (dir) => inProcess(['fill', '--model', dir, prompt], dir),
  },
  {
    what: 'a bad case file',
    status: 1,
    says: /case\.json: "labels" must be a non-empty array of rows of integer ids/,
    run: (dir) =>
      inProcess(['score', '--model', caseModelDir, '--case', write(dir, 'case.json', '{"input_ids": [[1, 2]]}')], dir),
  },
  {
    what: 'an unknown dataset id',
    status: 1,
    says: /No dataset has the id or name "ds-nope"; `spanfill datasets --data-dir [^`]+` lists the ids and names/,
    run: (dir) => inProcess(['datasets', 'show', 'ds-nope'], dir),
  },
  {
    what: 'an unknown command',
    status: 2,
    says: `unknown command 'frobnicate'; expected one of: ${commands.map((c) => c.name).join(', ')}`,
    run: (dir) => inProcess(['frobnicate'], dir),
  },
  {
    what: 'a mistyped command',
    status: 2,
    says: `unknown command 'trian' (did you mean train?); expected one of: ${commands.map((c) => c.name).join(', ')}`,
    run: (dir) => inProcess(['trian'], dir),
  },
  {
    what: 'a bad flag',
    status: 2,
    says: /unknown option --frob\nRun `spanfill system --help` for usage/,
    run: (dir) => inProcess(['system', '--frob'], dir),
  },
  {
    what: 'a bad flag value',
    status: 2,
    says: /--length must be an integer from 4 to 65536, got '3'\nRun `spanfill mask --help`/,
    run: (dir) => inProcess(['mask', '--text', 'hello', '--model', 'bytes', '--length', '3'], dir),
  },
  {
    what: 'a flag value only the service can check',
    status: 2,
    says: /noise spans per example but the tokenizer has only 125 sentinel tokens.*\nRun `spanfill mask --help`/,
    run: (dir) => inProcess(['mask', '--text', 'hello', '--length', '1024', '--density', '0.5', '--span', '1'], dir),
  },
  {
    what: 'text too short to mask',
    status: 1,
    says: /^spanfill mask: The text has no tokens once its 1 literal special token such as <\/s> is removed, .*; masking needs at least 2\n$/,
    run: (dir) => inProcess(['mask', '--text', '</s>', '--model', modelDir], dir),
  },
  {
    what: 'a missing argument',
    status: 2,
    says: /import needs at least one file or folder\nRun `spanfill import --help`/,
    run: (dir) => inProcess(['import'], dir),
  },
  {
    what: 'a database of a newer Spanfill',
    status: 3,
    says: /written by a newer version of Spanfill .*Upgrade Spanfill, or use another --data-dir/,
    run: async (dir) => {
      const { code, stderr } = await runSpanfill(['system', '--data-dir', storeOfNewerSpanfill(dir)]);
      return { status: code, said: stderr };
    },
  },
  {
    what: 'a data directory that is a file',
    status: 3,
    says: /The data directory .* cannot be used: .*is a file; give a folder with --data-dir/,
    run: async (dir) => {
      const { code, stderr } = await runSpanfill(['system', '--data-dir', write(dir, 'a-file', 'x')]);
      return { status: code, said: stderr };
    },
  },
  {
    // Node 20's recursive mkdir loops for ever there, deaf to SIGTERM: a child, killed after 20 s.
    what: 'a data directory under /proc',
    status: 3,
    says: /The data directory \/proc\/nope\/x cannot be used: \/proc is on the kernel's proc file system.*give a folder on a disk with --data-dir/,
    run: async () => {
      const cli = startCli(['runs', '--data-dir', '/proc/nope/x']);
      started.push(cli);
      const timer = setTimeout(() => cli.kill(), 20_000);
      const status = await cli.status;
      clearTimeout(timer);
      return { status, said: cli.stderr() };
    },
  },
  {
    what: 'an engine host that cannot start',
    status: 4,
    says: /engine host exited with code 70: crash-host[^\n]*\nRun the command again; .*`spanfill system --data-dir [^`]+` shows/,
    run: async (dir) => {
      const preload = pathToFileURL(path.join(root, 'test/support/crash-host.mjs')).href;
      const cli = child(['fill', '--model', modelDir, prompt], dir, { NODE_OPTIONS: `--import ${preload}` });
      return { status: await cli.status, said: cli.stderr() };
    },
  },
  {
    what: 'an engine host killed while it trains',
    status: 4,
    // Not "Run the command again": that would start a new run from step 0, where the run resumes.
    says: /The engine host was killed by SIGKILL[^\n]*`spanfill runs resume r-\w+ --data-dir [^`]+`[^\n]*\nIf `spanfill runs resume r-\w+ --data-dir [^`]+` fails the same way, `spanfill system --data-dir [^`]+` shows/,
    run: async (dir) => {
      fs.mkdirSync(path.join(dir, 'data'));
      const dataset = await importTexts(path.join(dir, 'data'), KILL_TEXTS);
      const cli = child([...smallRunFlags(dataset, 10_000_000), '--checkpoint-every', '0'], dir);
      await waitUntil(() => /step \d+\/10000000 {2}loss/.test(cli.stderr()), 'training is under way');
      // The engine host, not the first child: from source that may be tsx's esbuild service.
      process.kill(engineHostPids(cli.child.pid as number)[0], 'SIGKILL');
      return { status: await cli.status, said: cli.stderr() };
    },
  },
  {
    what: 'Ctrl-C during fill',
    status: 130,
    says: /interrupted; nothing half-done was kept \(run the command again to redo it\)/,
    run: async (dir) => {
      const cli = child(['fill', '--model', modelDir, '--beams', '64', '--max-new-tokens', '512', prompt], dir);
      // Once the engine host is there, fill is under way (engineHostPids says why not any child).
      await waitUntil(() => hasEngineHost(cli), 'fill has started');
      const { status } = await cli.ctrlC();
      return { status, said: cli.stderr() };
    },
  },
];

const rows = readmeExitCodes();

describe('exit codes', () => {
  it('README.md and `spanfill --help` list the same codes with the same meanings', async () => {
    expect(rows.length).toBeGreaterThan(0);
    const { stdout } = await runSpanfill(['--help']);
    const helpRows = stdout
      .slice(stdout.indexOf('Exit codes:'))
      .split('\n')
      .slice(1)
      .map((line) => /^ {2}(\d+) +(.+)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ code: Number(match[1]), meaning: match[2] }));
    expect(helpRows).toEqual(rows);
  });

  it('classifies a cancelled call as an interrupt, whether or not the Ctrl-C was seen first', () => {
    // The engine host a Ctrl-C ended during its start-up fails its calls as cancelled, and that
    // can reach the runner before the command's own SIGINT handler has run (host/client.ts).
    const cancelled = new ApiError('cancelled', 'The engine host was killed by SIGINT');
    expect(classifyFailure(cancelled, false)).toEqual({ exitCode: 130, code: 'cancelled' });
    expect(classifyFailure(cancelled, true)).toEqual({ exitCode: 130, code: 'cancelled' });
    expect(classifyFailure(new ApiError('unavailable', 'The engine host was killed by SIGKILL'), false)).toEqual({
      exitCode: 4,
      code: 'unavailable',
    });
  });

  it('classifies a read-only data directory as one that cannot be used, thrown or carried in an envelope', () => {
    const erofs = Object.assign(new Error("EROFS: read-only file system, open '/ro/runs/trainer.lock'"), {
      code: 'EROFS',
    });
    const sqlite = new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    const enveloped = new ApiError('internal', 'attempt to write a readonly database. The data directory…');
    for (const error of [erofs, sqlite, enveloped])
      expect(classifyFailure(error, false), String(error)).toEqual({ exitCode: 3, code: 'unavailable' });
    // A call that failed for its own reason keeps its code, whatever its message quotes.
    expect(classifyFailure(new ApiError('invalid_input', 'notes.txt: read-only file system notes'), false)).toEqual({
      exitCode: 1,
      code: 'invalid_input',
    });
    expect(classifyFailure(new Error('something else'), false)).toEqual({ exitCode: 1, code: 'internal' });
  });

  it("classifies a full data directory's disk as one that cannot be used, and another full disk as a failure", () => {
    const full = new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    const enveloped = new ApiError('internal', 'ENOSPC: no space left on device, write. The disk is full: free space…');
    // As the hint says it now, and a failed run's error: in words alone.
    const said = new ApiError('internal', withDiskFullHint('ENOSPC: no space left on device, write'));
    const run = new Error(
      'The disk is full. Its checkpoints are kept; free space on the disk that holds the data directory',
    );
    for (const error of [full, enveloped, said, run])
      expect(classifyFailure(error, false), String(error)).toEqual({ exitCode: 3, code: 'unavailable' });
    // An export's destination on a disk of its own: the data directory can still be used.
    const elsewhere = new Error(
      'ENOSPC: no space left on device, write. The disk is full: free space on the disk that holds /mnt/usb/out, then try again',
    );
    expect(classifyFailure(elsewhere, false)).toEqual({ exitCode: 1, code: 'internal' });
    const saidElsewhere = withDiskFullHint('ENOSPC: no space left on device, write', {
      path: '/mnt/usb/out',
      isDataDirectoryDisk: false,
    });
    expect(classifyFailure(new Error(saidElsewhere), false)).toEqual({ exitCode: 1, code: 'internal' });
  });

  it('has no case ending with a code the README does not document', () => {
    const documented = rows.map((row) => row.code);
    for (const c of cases) expect(documented, c.what).toContain(c.status);
  });

  describe.runIf(process.platform === 'linux').each(rows)('$code ($meaning)', ({ code }) => {
    const mine = cases.filter((c) => c.status === code);
    it('has a command that ends with it', () => expect(mine.length).toBeGreaterThan(0));
    it.each(mine)('$what', async (c) => {
      const { status, said } = await c.run(tempDir());
      expect(status, said).toBe(code);
      expect(said).toMatch(c.says);
    });
  });
});
