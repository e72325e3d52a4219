// `spanfill bench <what>` (cli/commands/bench.ts): a missing or unknown benchmark is named with
// the ones there are, and an argument past what a benchmark takes is refused before it measures
// anything (it was ignored: `bench train extra` ran the whole benchmark); bench ops refuses a
// provider that does not load here as bench train does.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benches } from '../../../../src/main/cli/commands/bench';
import { runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-bench-args-');

describe('spanfill bench arguments', () => {
  it('names the benchmarks when none or an unknown one is asked for', async () => {
    const names = Object.keys(benches).join(', ');
    for (const [args, said] of [
      [[], `bench needs one of: ${names}`],
      [['trian'], `unknown benchmark 'trian' (did you mean train?); expected one of: ${names}`],
    ] as const) {
      const { code, stderr } = await runSpanfill(['bench', ...args, '--data-dir', tempDir()]);
      expect(code).toBe(2);
      expect(stderr).toContain(said);
    }
  });

  it("bench import refuses sizes Number() reads but nobody writes ('0x10', ' 5', ''), before measuring", async () => {
    for (const raw of ['0x10', ' 5', '']) {
      const { code, stdout, stderr } = await runSpanfill(['bench', 'import', raw, '--data-dir', tempDir()]);
      expect(code, raw).toBe(2);
      expect(stdout, raw).toBe('');
      expect(stderr, raw).toContain(`bench import: SIZE_MB must be a positive number, got '${raw}'`);
    }
  });

  it('refuses an argument past those each benchmark takes, before measuring', async () => {
    for (const [name, bench] of Object.entries(benches)) {
      const taken = bench.arguments ?? 0;
      const args = [...['1', 'bytes', '1'].slice(0, taken), 'extra'];
      const { code, stdout, stderr } = await runSpanfill(['bench', name, ...args, '--data-dir', tempDir()]);
      expect(code, name).toBe(2);
      expect(stdout, name).toBe('');
      expect(stderr, name).toContain(
        taken === 0
          ? `bench ${name} takes no argument 'extra' (its settings are options)`
          : `bench ${name} takes at most ${taken} arguments; 'extra' is one more`,
      );
    }
  });

  it('bench ops --forms --shapes times only the products given, each form a row', async () => {
    const args = ['bench', 'ops', '--forms', 'gemm-tb,split-k', '--shapes', '4x8x2,2x4x2', '--json'];
    const { code, stdout } = await runSpanfill([...args, '--data-dir', tempDir()]);
    expect(code).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { kind: string; form: string; m: number; gflops: number }[] };
    expect(rows.map((r) => [r.kind, r.form, r.m])).toEqual([
      ['matmul', 'gemm-tb', 4],
      ['matmul', 'split-k', 4],
      ['matmul', 'gemm-tb', 2],
      ['matmul', 'split-k', 2],
    ]);
    for (const row of rows) expect(row.gflops).toBeGreaterThan(0);
  });

  it('bench ops refuses a provider this machine cannot load, as bench train does, before timing the CPU', async () => {
    // DirectML loads only on Windows: the rows said [cpu] and it exited 0.
    const args = ['bench', 'ops', '--provider', 'dml', '--quick'];
    const { code, stdout, stderr } = await runSpanfill([...args, '--data-dir', tempDir()]);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/^spanfill bench: provider 'dml' is not available on this machine .*; use provider cpu/);
  });

  it('bench ops on the CPU opens no data directory (it probes no provider)', async () => {
    const notAFolder = path.join(tempDir(), 'a-file');
    fs.writeFileSync(notAFolder, 'x');
    const args = ['bench', 'ops', '--shapes', '4x8x2', '--json', '--data-dir', notAFolder];
    const { code, stdout, stderr } = await runSpanfill(args);
    expect(code, stderr).toBe(0);
    expect((JSON.parse(stdout) as { rows: unknown[] }).rows).toHaveLength(1);
  });
});
