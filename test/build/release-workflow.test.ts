// .github/workflows/release.yml, parsed: a tag push builds every platform's installers on its own
// runner with the targets package.json "build" declares, runs only scripts that exist, and a
// last job attaches what the builds uploaded to the tag's GitHub release.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE, PLATFORMS, ROOT, targets, type PlatformKey } from './builder';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  'runs-on': string;
  strategy?: { matrix: { include: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow {
  on: { push?: { tags?: string[] } };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8')) as Workflow;
const build = workflow.jobs.installers;
const release = workflow.jobs.release;
const matrix = build.strategy?.matrix.include ?? [];
const runs = (job: Job): string[] => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));

/** The installer files electron-builder writes per target (artifactName ends in .${ext}). */
const EXTENSION: Record<string, string> = { AppImage: 'AppImage', deb: 'deb', nsis: 'exe', dmg: 'dmg' };
const RUNNER: Record<PlatformKey, RegExp> = { linux: /^ubuntu-/, win: /^windows-/, mac: /^macos-/ };

describe('release workflow', () => {
  it('runs on version tags and may write releases', () => {
    expect(workflow.on.push?.tags).toEqual(['v*']);
    expect(workflow.permissions?.contents).toBe('write');
  });

  it("builds each platform on that platform's runner with exactly its package.json targets", () => {
    expect(matrix.map((m) => m.platform).sort()).toEqual([...PLATFORMS].sort());
    expect(build['runs-on']).toBe('${{ matrix.os }}');
    for (const entry of matrix) {
      const platform = entry.platform as PlatformKey;
      expect(entry.os, platform).toMatch(RUNNER[platform]);
      const flags = entry.builder.split(/\s+/);
      expect(flags[0]).toBe(`--${platform}`);
      for (const { target, arch } of targets(platform)) {
        expect(flags, `${platform} ${target}`).toContain(target);
        for (const a of arch) expect(flags, `${platform} ${a}`).toContain(`--${a}`);
      }
    }
  });

  it('installs, builds and packages without publishing, in that order', () => {
    const commands = runs(build);
    const order = ['npm ci', 'npm run build', 'npx electron-builder'];
    const at = order.map((prefix) => commands.findIndex((c) => c.startsWith(prefix)));
    expect(
      at.every((i) => i >= 0),
      JSON.stringify(commands),
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(commands[at[2]]).toBe('npx electron-builder ${{ matrix.builder }} --publish never');
  });

  it('fetches the CUDA provider on Linux only, before packaging', () => {
    const cuda = build.steps.findIndex((s) => s.run === 'npm run setup:cuda');
    expect(build.steps[cuda]?.if).toBe("matrix.platform == 'linux'");
    expect(cuda).toBeLessThan(build.steps.findIndex((s) => s.run?.startsWith('npx electron-builder')));
  });

  it('runs only npm scripts that package.json defines', () => {
    const scripts = [...runs(build), ...runs(release)].flatMap((c) => [...c.matchAll(/npm run ([\w:-]+)/g)]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, name] of scripts) expect(PACKAGE.scripts[name], name).toBeDefined();
  });

  it("uploads every target's installer and fails when one is missing", () => {
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.name).toBe('installers-${{ matrix.platform }}');
    expect(upload?.with?.['if-no-files-found']).toBe('error');
    const paths = String(upload?.with?.path).trim().split('\n');
    const output = PACKAGE.build.directories?.output;
    for (const platform of PLATFORMS) {
      for (const { target } of targets(platform)) expect(paths).toContain(`${output}/*.${EXTENSION[target]}`);
    }
  });

  it('attaches the downloaded installers to the release of the tag once every build is done', () => {
    expect(release.needs).toBe('installers');
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    const download = release.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toMatchObject({ pattern: 'installers-*', path: 'installers', 'merge-multiple': true });
    const script = runs(release).join('\n');
    expect(script).toMatch(/gh release create "\$GITHUB_REF_NAME"/);
    expect(script).toMatch(/gh release upload "\$GITHUB_REF_NAME" installers\/\* .*--clobber/);
    expect(release.steps.find((s) => s.run !== undefined)?.env?.GH_TOKEN).toBe('${{ github.token }}');
  });
});
