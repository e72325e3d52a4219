// CLI output helpers: aligned pairs, and a progress bar that draws on a TTY and stays
// silent (no escape codes in pipes or --json output) otherwise.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatPairs, visibleControls } from '../../../src/main/cli/output';
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

  it('writes control characters out, keeping line breaks and tabs', () => {
    expect(visibleControls('a\u001b]52;c;eA==\u0007\u001b[2Jb')).toBe('a\\x1b]52;c;eA==\\x07\\x1b[2Jb');
    expect(visibleControls('one\rtwo\u0000\u007f\u009b')).toBe('one\\rtwo\\x00\\x7f\\x9b');
    expect(visibleControls('line\n\tindented é 😀')).toBe('line\n\tindented é 😀');
  });

  it('text output, log lines, status lines and error messages show control characters written out; --json is exact', async () => {
    const raw = 'x\u001b[2J\ry';
    const echo = defineCommand({
      name: 'echo',
      summary: 'test',
      usage: 'spanfill echo',
      options: { fail: { type: 'boolean', description: 'fail' } },
      async run(context) {
        context.log(`log ${raw}`);
        context.status(`status ${raw}`, { force: true });
        if (context.flag('fail')) throw new Error(`failed ${raw}`);
        return { text: raw };
      },
      render: (result) => `render ${(result as { text: string }).text}`,
    });
    const run = async (args: string[]): Promise<{ out: string; err: string }> => {
      const out = fakeStream(false);
      const err = fakeStream(false);
      const io = { stdout: out.stream, stderr: err.stream, env: {}, signal: new AbortController().signal };
      await runCli([...args, '--data-dir', '/tmp/unused'], io, [echo]);
      return { out: out.text(), err: err.text() };
    };
    const shown = 'x\\x1b[2J\\ry';
    expect(await run(['echo'])).toEqual({ out: `log ${shown}\nrender ${shown}\n`, err: `status ${shown}\n` });
    expect((await run(['echo', '--fail'])).err).toContain(`spanfill echo: failed ${shown}\n`);
    expect(JSON.parse((await run(['echo', '--json'])).out)).toEqual({ text: raw });
  });
});
