// onnxruntime's own telemetry stays off: the variable is set only where the person has not set
// it, and a real `spanfill system` (whose engine host opens sessions on every provider) leaves
// none of onnxruntime's telemetry files behind — where the same command with
// ORT_DISABLE_TELEMETRY=0 leaves them, so the check can see them when they are there.
// onnxruntime also stays silent wherever a CI service's variable is set (CI=true and the
// like), so these runs get none of this process's variables but PATH (otherwise on a CI machine
// neither could leave a file and the first check would prove nothing), and a third sets CI=true:
// off, and said so.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  keepOrtTelemetryOff,
  ORT_TELEMETRY_VARIABLE,
  ortTelemetryState,
} from '../../../../src/main/engine/onnx/telemetry';
import type { SystemInfo } from '../../../../src/shared/contract';
import { startCli } from '../../../support/cli-process';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-telemetry-');

describe('keepOrtTelemetryOff', () => {
  it('sets the variable to 1 where it is unset and leaves a value the person set', () => {
    const unset: NodeJS.ProcessEnv = {};
    keepOrtTelemetryOff(unset);
    expect(ortTelemetryState(unset)).toEqual({ off: true, variable: '1' });
    expect(unset[ORT_TELEMETRY_VARIABLE]).toBe('1');
    for (const [value, off] of [
      ['0', false],
      ['false', false],
      ['2', false],
      ['TRUE', true],
      ['yes', true],
      ['On', true],
      ['y', true],
      ['n', false],
    ] as const) {
      const env: NodeJS.ProcessEnv = { [ORT_TELEMETRY_VARIABLE]: value };
      keepOrtTelemetryOff(env);
      expect(ortTelemetryState(env), value).toEqual({ off, variable: value });
      expect(env[ORT_TELEMETRY_VARIABLE]).toBe(value);
    }
    expect(ortTelemetryState({})).toEqual({ off: false, variable: null });
  });

  it('takes a variable set but empty as unset (most often an unset shell variable): 1, and says so', () => {
    for (const value of ['', ' ']) {
      const env: NodeJS.ProcessEnv = { [ORT_TELEMETRY_VARIABLE]: value };
      // Read before: onnxruntime would take it as on, and the state says so.
      expect(ortTelemetryState(env)).toEqual({ off: false, variable: value });
      keepOrtTelemetryOff(env);
      expect(ortTelemetryState(env), JSON.stringify(value)).toEqual({ off: true, variable: '1' });
    }
  });

  it('names a CI variable that keeps onnxruntime silent where the switch leaves it on', () => {
    const zero = { [ORT_TELEMETRY_VARIABLE]: '0' };
    expect(ortTelemetryState({ ...zero, CI: 'true' })).toEqual({ off: true, variable: '0', ci: 'CI=true' });
    expect(ortTelemetryState({ ...zero, JENKINS_URL: 'http://ci/' })).toEqual({
      off: true,
      variable: '0',
      ci: 'JENKINS_URL=http://ci/',
    });
    expect(ortTelemetryState({ GITHUB_ACTIONS: 'true' })).toEqual({
      off: true,
      variable: null,
      ci: 'GITHUB_ACTIONS=true',
    });
    for (const value of ['', ' ', '0', 'false', 'No', 'OFF'])
      expect(ortTelemetryState({ ...zero, CI: value }), value).toEqual({ off: false, variable: '0' });
    expect(ortTelemetryState({ [ORT_TELEMETRY_VARIABLE]: '1', CI: 'true' })).toEqual({ off: true, variable: '1' });
  });
});

/** Files onnxruntime's telemetry leaves: its log in TMPDIR, its device id and event queue under HOME's cache. */
function telemetryFiles(dirs: { tmp: string; home: string }): string[] {
  const found = fs.readdirSync(dirs.tmp).filter((name) => name.startsWith('mat-debug-'));
  const cache = path.join(dirs.home, '.cache', 'Microsoft');
  if (fs.existsSync(cache)) found.push(...(fs.readdirSync(cache, { recursive: true }) as string[]));
  return found;
}

/**
 * Every variable of this process unset but PATH (and startCli's SPANFILL_FROM_SOURCE): the
 * command runs with only what the test gives it, so neither a CI service's variable
 * (ORT_CI_VARIABLES) nor anything else the machine exports decides whether onnxruntime writes
 * its files.
 */
function inheritedOnlyPath(): NodeJS.ProcessEnv {
  const kept = new Set(['PATH', 'SPANFILL_FROM_SOURCE']);
  return Object.fromEntries(Object.keys(process.env).flatMap((name) => (kept.has(name) ? [] : [[name, undefined]])));
}

async function systemIn(
  variable: string | undefined,
  ci: NodeJS.ProcessEnv = {},
): Promise<{ info: SystemInfo; files: string[] }> {
  const dirs = { tmp: tempDir(), home: tempDir() };
  const cli = startCli(['system', '--json', '--data-dir', tempDir()], {
    ...inheritedOnlyPath(),
    ...ci,
    TMPDIR: dirs.tmp,
    HOME: dirs.home,
    XDG_CACHE_HOME: undefined,
    [ORT_TELEMETRY_VARIABLE]: variable,
  });
  try {
    expect(await cli.status, cli.stderr()).toBe(0);
    return { info: JSON.parse(cli.stdout()) as SystemInfo, files: telemetryFiles(dirs) };
  } finally {
    cli.kill();
  }
}

describe('spanfill system and onnxruntime telemetry', () => {
  it('leaves no telemetry files by default, says so, and keeps ORT_DISABLE_TELEMETRY=0 as the person set it', async () => {
    const quiet = await systemIn(undefined);
    expect(quiet.info.ortTelemetry).toEqual({ off: true, variable: '1' });
    expect(quiet.files).toEqual([]);

    const chosen = await systemIn('0');
    expect(chosen.info.ortTelemetry).toEqual({ off: false, variable: '0' });
    expect(chosen.files.some((name) => name.startsWith('mat-debug-'))).toBe(true);
    expect(chosen.files.some((name) => name.endsWith('deviceid'))).toBe(true);
  });

  it('says it is off where CI=true keeps onnxruntime silent though ORT_DISABLE_TELEMETRY=0', async () => {
    const onCi = await systemIn('0', { CI: 'true' });
    expect(onCi.info.ortTelemetry).toEqual({ off: true, variable: '0', ci: 'CI=true' });
    expect(onCi.files).toEqual([]);
  });
});
