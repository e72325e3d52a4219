// stampLock.ts with other processes (test/main/fixtures/stampLockChild.ts): one killed with
// SIGKILL while it takes over a stale lock, holding `<lock>.break`, leaves nothing that stops the
// next taker (its breaker is taken over as the lock is, and goes when given back); two taking over the same stale lock at once never both hold it.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { takeStampLock } from '../../src/main/stampLock';
import { goneStamp, stampOfThisProcess } from '../support/stamps';
import { tempDirs } from '../support/tmp';
import { killHard, tsChildren } from '../support/tsChild';

const tempDir = tempDirs('spanfill-stamp-process-');
const startChild = tsChildren(path.join(__dirname, 'fixtures', 'stampLockChild.ts'));

describe('a process killed while it takes over a stale lock', () => {
  it.each(['rename', 'renamed'])(
    'holding <lock>.break (stopped at the %s): the next taker takes the lock, and no breaker is left',
    async (at) => {
      const dir = tempDir();
      const lock = path.join(dir, 'x.lock');
      fs.writeFileSync(lock, goneStamp());
      const { proc, line } = await startChild(lock, 'stop-at', at);
      expect(line).toMatch(/^stopped /);
      expect(fs.existsSync(`${lock}.break`)).toBe(true);
      await killHard(proc);

      const mine = stampOfThisProcess();
      expect(takeStampLock(lock, mine)).toBeNull();
      expect(fs.readFileSync(lock, 'utf8')).toBe(mine);
      // No breaker left: the replacement it was writing may stay, no one's file (engine/export/stagingName.ts IN_PROGRESS).
      const replacement = /^x\.lock\.[0-9a-f.]+\.tmp$/;
      expect(fs.readdirSync(dir).filter((name) => !replacement.test(name))).toEqual(['x.lock']);
    },
  );
});

/** The lines `stream` prints from now on, one per call. */
function lines(stream: Readable): () => Promise<string> {
  const ready: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let text = '';
  stream.on('data', (chunk: string) => {
    text += chunk;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      const reader = waiting.shift();
      if (reader) reader(line);
      else ready.push(line);
    }
  });
  return () => new Promise((resolve) => (ready.length > 0 ? resolve(ready.shift()!) : waiting.push(resolve)));
}

describe('two processes taking over the same stale lock at once', () => {
  it('one of them holds it, each round: the other is refused', async () => {
    const dir = tempDir();
    const lock = path.join(dir, 'x.lock');
    const racers = await Promise.all([startChild(lock, 'race'), startChild(lock, 'race')]);
    const next = racers.map(({ proc }) => lines(proc.stdout));
    for (let round = 0; round < 150; round++) {
      // Left by a process that has gone: its stamp, or (every other round) empty for longer than any making takes.
      fs.writeFileSync(lock, round % 2 === 0 ? goneStamp() : '');
      if (round % 2 === 1) fs.utimesSync(lock, new Date(0), new Date(0));
      const at = String(Date.now() + 20);
      for (const { proc } of racers) proc.stdin.write(`${at}\n`);
      const said = await Promise.all(next.map((line) => line()));
      const winner = said.indexOf('won');
      expect(winner, `round ${round}: ${said.join(', ')}`).toBeGreaterThanOrEqual(0);
      const loser = 1 - winner;
      // Refused by the winner's pid, or (NaN) having found the lock being taken over each of its tries.
      expect([`lost ${racers[winner]!.proc.pid}`, 'lost NaN'], `round ${round}`).toContain(said[loser]);
      expect(fs.readFileSync(lock, 'utf8')).toBe(racers[winner]!.line);
    }
    for (const { proc } of racers) await killHard(proc);
  }, 60_000);
});
