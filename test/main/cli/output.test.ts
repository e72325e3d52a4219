// CLI output helpers: aligned pairs, and a progress bar that draws on a TTY and stays
// silent (no escape codes in pipes or --json output) otherwise.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatPairs } from '../../../src/main/cli/output';
import { runCli } from '../../../src/main/cli/run';
import { defineCommand } from '../../../src/main/cli/command';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  stream.isTTY = isTTY;
  stream.columns = 100;
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('output helpers', () => {
  it('aligns key/value pairs', () => {
    expect(
      formatPairs([
        ['a', '1'],
        ['longer', '2'],
      ]),
    ).toBe('a       1\nlonger  2');
  });

  it('draws a bar with percent and counts, ending with a newline', () => {
    const { stream, text } = fakeStream(true);
    const bar = createProgressBar(stream, 'Tokenizing', 200);
    bar.update(50);
    bar.update(200);
    bar.finish();
    expect(text()).toMatch(/\rTokenizing [█░]+\s+25% 50\/200/);
    expect(text()).toMatch(/100% 200\/200 [\d.]+s\n$/);
  });

  it('gives commands a silent bar when stderr is not a TTY or --json is set', async () => {
    const progressCommand = defineCommand({
      name: 'work',
      summary: 'test',
      usage: 'spanfill work',
      options: {},
      async run(context) {
        const bar = context.progress('Working', 10);
        for (let done = 0; done <= 10; done++) bar.update(done);
        bar.finish();
        return { done: 10 };
      },
    });
    for (const [isTTY, args] of [
      [false, ['work']],
      [true, ['work', '--json']],
    ] as const) {
      const out = fakeStream(false);
      const err = fakeStream(isTTY);
      const code = await runCli(
        [...args, '--data-dir', '/tmp/unused'],
        { stdout: out.stream, stderr: err.stream, env: {}, signal: new AbortController().signal },
        [progressCommand],
      );
      expect(code).toBe(0);
      expect(err.text()).toBe('');
    }
  });
});
