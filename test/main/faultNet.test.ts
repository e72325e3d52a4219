// The fault net (src/main/faultNet.ts) in real processes: a fault nobody handles, made by a
// preloaded test module (test/support/fault.mjs: a promise rejected with nothing awaiting it, or
// an exception thrown from a timer), as a bug would. A one-shot command ends with one line
// saying it met a bug (and under --json its one error document), exit 1, no raw stack;
// `spanfill serve` logs it with its stack and goes on serving, as the engine host does for a
// command that uses it.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/main/cli/exit-codes';
import { whereTheFaultWas } from '../../src/main/faultNet';
import { connectClient, exchange, startServeProcess, type ServeProcess } from '../support/serve-process';
import { waitUntil } from '../support/cli-process';
import { tempDirs } from '../support/tmp';
import { runPiped } from '../support/cli-stdin';

const tempDir = tempDirs('spanfill-fault-net-');
const bin = path.resolve(import.meta.dirname, '../../bin/spanfill.mjs');
const preload = path.resolve(import.meta.dirname, '../support/fault.mjs');
const said = (kind: string): string => `a ${kind} left on purpose by test/support/fault.mjs`;

/** The environment that makes `kind` of fault in `where`, `when` (test/support/fault.mjs). */
function faultEnv(kind: string, where: 'main' | 'host', when: 'stdin' | 'serving' | 'SIGUSR2'): NodeJS.ProcessEnv {
  return {
    NODE_OPTIONS: `--import ${preload}`,
    SPANFILL_TEST_FAULT: kind,
    SPANFILL_TEST_FAULT_IN: where,
    SPANFILL_TEST_FAULT_WHEN: when,
    SPANFILL_DEBUG: undefined, // left out of the child's environment, whatever this one's
  };
}

/** The line after a command's internal error, without SPANFILL_DEBUG=1. */
const HOW_TO_SEE_WHERE = 'Run again with SPANFILL_DEBUG=1 to see where (its stack, for the report).\n';

describe('a one-shot command that meets a fault nobody handles', () => {
  it('ends with a line saying it met a bug, how to see where, and under --json its error document (a rejection)', async () => {
    const args = ['mask', '--text-file', '-', '--json', '--data-dir', tempDir()];
    const ended = await runPiped(args, null, faultEnv('rejection', 'main', 'stdin'));
    const message = `internal error (a bug; please report it): ${said('rejection')}`;
    expect(ended).toEqual({
      code: exitCodes.failure,
      stdout: `${JSON.stringify({ error: { code: 'internal', message } })}\n`,
      stderr: `spanfill: ${message}\n${HOW_TO_SEE_WHERE}`,
    });
  }, 90_000);

  it('says so in text, with no stack but how to see it (an exception)', async () => {
    const args = ['mask', '--text-file', '-', '--data-dir', tempDir()];
    const ended = await runPiped(args, null, faultEnv('exception', 'main', 'stdin'));
    expect(ended).toEqual({
      code: exitCodes.failure,
      stdout: '',
      stderr: `spanfill: internal error (a bug; please report it): ${said('exception')}\n${HOW_TO_SEE_WHERE}`,
    });
  }, 90_000);

  for (const kind of ['rejection', 'exception'])
    it(`under SPANFILL_DEBUG=1 also says where, with the stack (${kind}); the exit code and --json document are the same`, async () => {
      const args = ['mask', '--text-file', '-', '--json', '--data-dir', tempDir()];
      const ended = await runPiped(args, null, { ...faultEnv(kind, 'main', 'stdin'), SPANFILL_DEBUG: '1' });
      const message = `internal error (a bug; please report it): ${said(kind)}`;
      expect(ended.code).toBe(exitCodes.failure);
      expect(ended.stdout).toBe(`${JSON.stringify({ error: { code: 'internal', message } })}\n`);
      expect(ended.stderr).toMatch(
        new RegExp(`^spanfill: ${message.replace(/[()]/g, '\\$&')}\nError: ${said(kind)}\n +at `),
      );
      // Where: the preloaded module that made the fault.
      expect(ended.stderr).toContain(preload);
      expect(ended.stderr).not.toContain('SPANFILL_DEBUG');
    }, 90_000);
});

describe('a process that serves others meets a fault nobody handles', () => {
  let serve: ServeProcess | undefined;
  afterEach(async () => {
    await serve?.stop();
    serve = undefined;
  });

  for (const kind of ['rejection', 'exception'])
    it(`spanfill serve logs it with its stack and goes on serving (${kind})`, async () => {
      serve = await startServeProcess(faultEnv(kind, 'main', 'SIGUSR2'));
      process.kill(serve.pid, 'SIGUSR2');
      const logged = `spanfill serve: internal error (a bug; please report it); kept running: Error: ${said(kind)}\n    at `;
      const running = serve;
      await waitUntil(
        () => running.stderr().includes(logged) || running.child.exitCode !== null,
        'the fault logged',
        30_000,
      );
      expect(running.stderr()).toContain(logged);
      const socket = await connectClient(serve);
      try {
        const frame = JSON.stringify({ id: 1, call: 'system.ping', args: { message: 'still there' } });
        expect(await exchange(socket, frame)).toMatchObject({
          response: { ok: true, result: { message: 'still there' } },
        });
      } finally {
        socket.close();
      }
      expect(serve.child.exitCode).toBeNull();
    }, 90_000);

  it('the engine host logs it and goes on: the command that uses it gets its answer', async () => {
    const child = spawn(process.execPath, [bin, 'system', '--json', '--data-dir', tempDir()], {
      env: { ...process.env, SPANFILL_FROM_SOURCE: '1', ...faultEnv('rejection', 'host', 'serving') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(exitCodes.ok);
    // The host's stdout is the command's stderr.
    expect(stderr).toContain(
      `Spanfill engine host: internal error (a bug; please report it); kept running: Error: ${said('rejection')}\n    at `,
    );
    // The providers it probed, where a host that died gives none and says why (probeError).
    const info = JSON.parse(stdout) as { providers: { name: string }[]; probeError?: string };
    expect(info.probeError).toBeUndefined();
    expect(info.providers.map((provider) => provider.name)).toContain('cpu');
  }, 120_000);
});

describe('whereTheFaultWas', () => {
  it('offers no stack to see for a value that is not an Error, and shows it as it is under SPANFILL_DEBUG=1', () => {
    expect(whereTheFaultWas('a plain string', {})).toBeUndefined();
    expect(whereTheFaultWas('a plain string', { SPANFILL_DEBUG: '1' })).toBe("'a plain string'");
    expect(whereTheFaultWas(new Error('x'), { SPANFILL_DEBUG: '0' })).toContain('SPANFILL_DEBUG=1');
  });
});
