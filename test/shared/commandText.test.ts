// Commands that messages name (src/shared/commandText.ts): pasted into a POSIX shell they reach
// the data directory the command or the app used, whatever its name holds.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandWithDataDir, shellWord, spanfillCommand, withDataDir } from '../../src/shared/commandText';

/** What `sh` reads `quoted` as: one word, printed back. */
const shellReads = (quoted: string): string => execFileSync('sh', ['-c', `printf %s ${quoted}`]).toString();

describe('shellWord', () => {
  it('leaves a plain word as it is and quotes one the shell would split or expand', () => {
    expect(shellWord('/tmp/data-1')).toBe('/tmp/data-1');
    expect(shellWord('/tmp/a b')).toBe("'/tmp/a b'");
    for (const word of ['/tmp/a b', "/tmp/it's", '$HOME/`x`', 'a\\b"c', '*', '', '~/d', 'new\nline'])
      expect(shellReads(shellWord(word)), word).toBe(word);
  });
});

describe('spanfillCommand', () => {
  it('names the data directory, quoted, only when one is given', () => {
    expect(spanfillCommand('runs resume r-1')).toBe('spanfill runs resume r-1');
    expect(spanfillCommand('runs resume r-1', '/tmp/a b')).toBe("spanfill runs resume r-1 --data-dir '/tmp/a b'");
  });
});

describe('commandWithDataDir', () => {
  it('ends a spanfill command (the text of one code span) with the data directory, else leaves it', () => {
    expect(commandWithDataDir('spanfill runs resume r-1', '/tmp/a b')).toBe(
      "spanfill runs resume r-1 --data-dir '/tmp/a b'",
    );
    expect(commandWithDataDir('spanfill runs resume r-1', undefined)).toBe('spanfill runs resume r-1');
    for (const code of ['spanfill --help', 'spanfill runs --data-dir /x', 'npm run demo', 'spanfill', 'spanfill_x'])
      expect(commandWithDataDir(code, '/tmp/d'), code).toBe(code);
  });
});

describe('withDataDir', () => {
  const dir = '/tmp/my data';

  it('ends each backticked spanfill command with the chosen data directory, shell-quoted', () => {
    expect(withDataDir('No runs yet; `spanfill train --dataset ID --preset quick` starts one', dir)).toBe(
      "No runs yet; `spanfill train --dataset ID --preset quick --data-dir '/tmp/my data'` starts one",
    );
    expect(withDataDir('`spanfill system` names it', '/tmp/plain')).toBe(
      '`spanfill system --data-dir /tmp/plain` names it',
    );
    expect(withDataDir('free space (`spanfill system`); `spanfill runs resume r-1` continues', "/tmp/it's")).toBe(
      "free space (`spanfill system --data-dir '/tmp/it'\\''s'`); " +
        "`spanfill runs resume r-1 --data-dir '/tmp/it'\\''s'` continues",
    );
  });

  it('appends to a command with placeholders or an ellipsis as to any other', () => {
    expect(withDataDir('stop it with `spanfill runs stop ID`', dir)).toBe(
      "stop it with `spanfill runs stop ID --data-dir '/tmp/my data'`",
    );
    expect(withDataDir('`spanfill fill --run ID …` fills', dir)).toBe(
      "`spanfill fill --run ID … --data-dir '/tmp/my data'` fills",
    );
  });

  it('leaves text alone without a chosen data directory', () => {
    const text = 'Resume (in a terminal: `spanfill runs resume r-1`)';
    expect(withDataDir(text, undefined)).toBe(text);
  });

  it('leaves commands that name a data directory already or read none, and other backticked text', () => {
    for (const text of [
      "`spanfill runs resume r-1 --data-dir '/tmp/my data'` continues it",
      '(`spanfill serve --data-dir …` and the other commands can use it now)',
      '`spanfill fill --data-dir=/x --run r-1`',
      'Run `spanfill train --help` for usage.',
      '`spanfill --version` says it',
      // Not a spanfill command: another program's, a flag, a name, an unclosed span, no words.
      'run `npm run setup:cuda` first',
      'use that one (`--checkpoint best`, what `fill --run` takes)',
      'the `spanfill_export` field',
      'an unclosed `spanfill runs',
      '`spanfill` alone',
    ])
      expect(withDataDir(text, dir), text).toBe(text);
  });

  it('pastes, as the shell reads it, to the command with the data directory as one word', () => {
    const [, pasted] = /`([^`]+)`/.exec(withDataDir('`spanfill runs list`', "/tmp/a b'c")) ?? [];
    const words = execFileSync('sh', ['-c', `for w in ${pasted}; do printf '%s\\n' "$w"; done`])
      .toString()
      .split('\n');
    expect(words.slice(0, 5)).toEqual(['spanfill', 'runs', 'list', '--data-dir', "/tmp/a b'c"]);
  });
});
