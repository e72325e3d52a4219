// statusWriter (src/main/cli/run.ts): status lines on a non-terminal stderr are rate-limited,
// and a forced milestone line must not hold back the first progress line after it (it did:
// `spanfill runs resume` printed "resuming at step N", then nothing for 10 s). And a command
// whose write meets a full disk says so and what to do (exit 3: the data directory cannot be used). A bare argument to a command
// that takes options only is refused (exit 2), where it used to be ignored. An empty data
// directory (--data-dir '' or SPANFILL_DATA_DIR=) is a usage error, not the per-user default.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../../../src/main/cli/commands';
import { statusWriter } from '../../../src/main/cli/run';
import { appVersion } from '../../../src/main/services/version';
import { DatasetService } from '../../../src/main/services/datasets';
import { runSpanfill } from '../../support/cli';
import { tempDirs } from '../../support/tmp';

function pipe() {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, columns: 80, write: (text: string) => lines.push(text) !== 0 } };
}

describe('statusWriter on a pipe', () => {
  afterEach(() => vi.useRealTimers());

  it('writes the first progress line right after a forced one, then at most one per interval', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { lines, stream } = pipe();
    const status = statusWriter(stream as never);
    status('run r-1: resuming at step 5/100', { force: true });
    status('step 6/100');
    status('step 7/100');
    vi.advanceTimersByTime(9_999);
    status('step 8/100');
    vi.advanceTimersByTime(1);
    status('step 9/100');
    status('completed at step 100/100', { force: true });
    expect(lines).toEqual([
      'run r-1: resuming at step 5/100\n',
      'step 6/100\n',
      'step 9/100\n',
      'completed at step 100/100\n',
    ]);
  });
});

describe('a command that meets a full disk', () => {
  const tempDir = tempDirs('spanfill-cli-full-');
  afterEach(() => vi.restoreAllMocks());

  it('says the disk is full and what to do, and fails with exit 3', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'A note.\n');
    // SQLite's words when the store cannot grow (better-sqlite3's SqliteError, code SQLITE_FULL).
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    vi.spyOn(DatasetService.prototype, 'import').mockRejectedValue(full);
    const dataDir = path.join(dir, 'data');
    const { code, stderr } = await runSpanfill(['import', file, '--data-dir', dataDir]);
    expect(code).toBe(3);
    expect(stderr.trim()).toBe(
      'spanfill import: The disk is full: free space on the disk it was writing to (on the data ' +
        `directory's, which \`spanfill system --data-dir ${dataDir}\` names, by deleting runs, models or datasets you no longer need), then try again`,
    );
  });
});

describe('a command that meets a bug (an error no service turned into words)', () => {
  const tempDir = tempDirs('spanfill-cli-bug-');
  afterEach(() => vi.restoreAllMocks());

  it('says how to see where, and under SPANFILL_DEBUG=1 shows the stack; exit 1 and the JSON document either way', async () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'A note.\n');
    const bug = new TypeError("Cannot read properties of undefined (reading 'rows')");
    vi.spyOn(DatasetService.prototype, 'import').mockRejectedValue(bug);
    const args = ['import', file, '--data-dir', path.join(tempDir(), 'data')];
    const plain = await runSpanfill(args);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("spanfill import: Cannot read properties of undefined (reading 'rows')\n");
    expect(plain.stderr).toContain('Run again with SPANFILL_DEBUG=1 to see where');
    expect(plain.stderr).not.toContain('run.test.ts');
    const debug = await runSpanfill(args, { SPANFILL_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('TypeError: Cannot read properties of undefined');
    expect(debug.stderr).toContain('run.test.ts'); // the stack: where the fault was made
    const json = await runSpanfill([...args, '--json']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { error: { code: string } }).error.code).toBe('internal');
  });

  it('offers no stack for an error the service worded (an ApiError) nor for a full disk', async () => {
    const dir = tempDir();
    const { code, stderr } = await runSpanfill([
      'import',
      path.join(dir, 'missing.txt'),
      '--data-dir',
      path.join(dir, 'data'),
    ]);
    expect(code).not.toBe(0);
    expect(stderr).not.toContain('SPANFILL_DEBUG');
  });
});

describe('a bare argument', () => {
  const tempDir = tempDirs('spanfill-cli-stray-');

  it('is refused by every command that takes options only, with its usage, before anything runs', async () => {
    const optionsOnly = commands.filter((command) => command.takesArguments !== true);
    expect(optionsOnly.map((c) => c.name)).toContain('mask'); // (`spanfill mask "text"` ran on the default text)
    for (const command of optionsOnly) {
      const dataDir = path.join(tempDir(), 'data');
      const { code, stdout, stderr } = await runSpanfill([command.name, 'The cute dog', '--data-dir', dataDir]);
      expect(code, command.name).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`${command.name} takes options only, not 'The cute dog': ${command.usage}`);
      expect(fs.existsSync(dataDir), command.name).toBe(false);
    }
  });
});

describe('an empty data directory', () => {
  const tempDir = tempDirs('spanfill-cli-empty-dir-');

  it('is refused from --data-dir or SPANFILL_DATA_DIR (exit 2), leaving the per-user store alone', async () => {
    // The per-user default of this environment (XDG), which an empty value used to select.
    const home = tempDir();
    const env = { XDG_DATA_HOME: home };
    for (const [args, extra, message] of [
      [
        ['runs', '--data-dir', ''],
        {},
        '--data-dir is empty; give a folder, or leave the option out for the per-user one',
      ],
      [['datasets', '--data-dir=', '--json'], {}, '--data-dir is empty'],
      [['runs'], { SPANFILL_DATA_DIR: '' }, 'SPANFILL_DATA_DIR is set but empty; set it to a folder, or unset it'],
      [['import', 'notes.txt'], { SPANFILL_DATA_DIR: ' ' }, 'SPANFILL_DATA_DIR is set but empty'],
    ] as const) {
      const { code, stdout, stderr } = await runSpanfill([...args], { ...env, ...extra });
      expect(code, args.join(' ')).toBe(2);
      expect((args as readonly string[]).includes('--json') ? stdout : stderr, args.join(' ')).toContain(message);
    }
    expect(fs.readdirSync(home)).toEqual([]);
  });
});

describe('an integer flag', () => {
  const tempDir = tempDirs('spanfill-cli-integer-');

  it("is refused empty, padded, in hex or with an exponent (Number() read '' as 0, 0x4975 as 18805)", async () => {
    const dataDir = path.join(tempDir(), 'data');
    for (const raw of ['', ' 7', '0x10', '1e1', '7.0']) {
      const { code, stderr } = await runSpanfill([
        'mask',
        '--text',
        'hello world',
        '--seed',
        raw,
        '--data-dir',
        dataDir,
      ]);
      expect(code, JSON.stringify(raw)).toBe(2);
      expect(stderr).toContain(`--seed must be an integer from 0 to`);
      expect(stderr).toContain(`got '${raw}'`);
    }
  });
});

describe('--help and --version', () => {
  it('print one JSON document under --json: {"help": text} and {"version": v}, as the main help says', async () => {
    const runsHelp = await runSpanfill(['runs', '--help', '--json']);
    expect(runsHelp.code).toBe(0);
    expect((JSON.parse(runsHelp.stdout) as { help: string }).help).toMatch(/^Usage: spanfill runs /);
    const mainHelp = await runSpanfill(['--json', '--help']);
    expect((JSON.parse(mainHelp.stdout) as { help: string }).help).toContain('Commands:');
    for (const argv of [
      ['--json', '--version'],
      ['-v', '--json'],
    ]) {
      const { code, stdout } = await runSpanfill(argv);
      expect([code, JSON.parse(stdout)], argv.join(' ')).toEqual([0, { version: appVersion }]);
    }
    expect((await runSpanfill(['--version'])).stdout).toBe(`${appVersion}\n`);
    const text = (await runSpanfill(['--help'])).stdout;
    expect(text).toMatch(/^ +-v, --version +/m);
    expect(text).toMatch(/--help and --version\s+print \{"help": "…"\} and \{"version": "…"\}/);
  });
});

describe('spanfill help COMMAND', () => {
  it("shows the command's help, and refuses an unknown one as an unknown command (it printed the main help, exit 0)", async () => {
    expect((await runSpanfill(['help', 'runs'])).stdout).toMatch(/^Usage: spanfill runs /);
    expect((await runSpanfill(['help'])).stdout).toContain('Commands:');
    const bogus = await runSpanfill(['help', 'rnus']);
    expect([bogus.code, bogus.stdout]).toEqual([2, '']);
    expect(bogus.stderr).toContain("unknown command 'rnus' (did you mean runs?); expected one of: ");
    const json = await runSpanfill(['help', 'bogus', '--json']);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { error: { message: string } }).error.message).toContain(
      "unknown command 'bogus'",
    );
  });
});

describe('a misplaced or mistyped option before the command', () => {
  it('says --data-dir needs a value, and suggests the common option a typo meant, in any case', async () => {
    const cases: [string[], string][] = [
      [['--data-dir'], '--data-dir needs a value (spanfill --data-dir DIR <command>)'],
      [['--jsn', 'system'], 'unknown option --jsn; did you mean --json?'],
      [['--JSON', 'system'], 'unknown option --JSON; did you mean --json?'],
      [['system', '--JSON'], 'unknown option --JSON; did you mean --json?'],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await runSpanfill(argv);
      expect([code, stderr], argv.join(' ')).toEqual([2, expect.stringContaining(message)]);
      expect(stderr).not.toContain('goes after the command');
    }
  });
});
