// What `--json` prints, end to end through real commands: the bare result object on success
// (for `score`, the shape issue #4 specifies, checked against the golden fixture, not against
// the code), and, for `serve` without --json, the URL printed once.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { capture, runCaptured } from '../../support/cli';
import { tempDirs } from '../../support/tmp';

const gatedDir = path.join(__dirname, '../../fixtures/t5/t5-tiny-gated');
const tempDir = tempDirs('spanfill-cli-json-');

describe('--json', () => {
  it('prints score as {"loss", "grad_norms", "greedy"} with the golden values', async () => {
    const golden = JSON.parse(fs.readFileSync(path.join(gatedDir, 'case.json'), 'utf8')) as {
      loss: number;
      grad_norms: Record<string, number>;
      greedy: { output_ids: number[] };
    };
    const captured = capture();
    const code = await runCaptured(
      ['score', '--model', gatedDir, '--case', path.join(gatedDir, 'case.json'), '--json', '--data-dir', tempDir()],
      captured,
    );
    expect(code).toBe(exitCodes.ok);
    const lines = captured.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]) as typeof golden & { greedy: number[] };
    expect(Object.keys(result).sort()).toEqual(['grad_norms', 'greedy', 'loss']);
    expect(Math.abs(result.loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
    expect(Object.keys(result.grad_norms).sort()).toEqual(Object.keys(golden.grad_norms).sort());
    expect(result.greedy).toEqual(golden.greedy.output_ids);
  });

  it('answers a bad case file with {"error"} and exit 1 (bad input, not a usage error)', async () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'case.json');
    fs.writeFileSync(casePath, JSON.stringify({ input_ids: [[1, 2]] }));
    const captured = capture();
    const code = await runCaptured(
      ['score', '--model', gatedDir, '--case', casePath, '--json', '--data-dir', dir],
      captured,
    );
    expect(code).toBe(exitCodes.failure);
    expect(JSON.parse(captured.out())).toEqual({
      error: {
        code: 'invalid_input',
        message: `${casePath}: "labels" must be a non-empty array of rows of integer ids, all of one non-zero length`,
      },
    });
  });
});

describe('--json without a command', () => {
  it('answers {"error"} naming the commands, exit 2, not the help text', async () => {
    for (const args of [['--json'], ['--data-dir', tempDir(), '--json']]) {
      const captured = capture();
      expect(await runCaptured(args, captured)).toBe(exitCodes.usage);
      const { error } = JSON.parse(captured.out()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toMatch(
        /^no command given \(spanfill <command> --json\); the commands are: .*\bimport\b.*\btrain\b/,
      );
    }
  });
});

describe('serve on a busy port', () => {
  it('says the port is in use, as JSON with --json, and exits 1', async () => {
    const rendererDir = tempDir();
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const captured = capture();
      const code = await runCaptured(['serve', '--port', String(port), '--json', '--data-dir', tempDir()], captured, {
        env: { SPANFILL_RENDERER_DIR: rendererDir },
      });
      expect(code).toBe(exitCodes.failure);
      expect(JSON.parse(captured.out())).toEqual({
        error: {
          code: 'conflict',
          message: `Port ${port} on 127.0.0.1 is in use; pick another with --port N, or leave it out`,
        },
      });
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});

describe('serve without --json', () => {
  it('prints the data directory and the URL once, then stops on abort with exit 0', async () => {
    const rendererDir = tempDir();
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>served</title>');
    const dataDir = tempDir();
    const controller = new AbortController();
    const captured = capture();
    const printed = new Promise<void>((resolve) =>
      captured.stdout.on('data', () => {
        if (captured.out().includes('Ctrl-C')) resolve();
      }),
    );
    const exited = runCaptured(['serve', '--data-dir', dataDir], captured, {
      signal: controller.signal,
      env: { SPANFILL_RENDERER_DIR: rendererDir },
    });
    await printed;
    controller.abort();
    expect(await exited).toBe(exitCodes.ok);
    const lines = captured.out().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`Spanfill is serving ${dataDir}`);
    expect(lines[1]).toMatch(/^Open http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect(lines[2]).toBe('Press Ctrl-C to stop.');
  });
});
