// The Electron fuses of the packaged app (package.json "build".electronFuses), flipped by
// electron-builder's own code (app-builder-lib's generateFuseConfig, then @electron/fuses'
// flipFuses, which it runs on the packaged binary before signing) on a stand-in for the
// Electron binary, since the real one cannot be downloaded here. Off: ELECTRON_RUN_AS_NODE,
// NODE_OPTIONS and --inspect (ways to run other code as the app); on: asar integrity and
// loading the app only from app.asar.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD, ROOT, validateBuildConfig } from './builder';

const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const requireFromLib = createRequire(requireFromBuilder.resolve('app-builder-lib/package.json'));
const { PlatformPackager } = requireFromBuilder('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } };
};
const fuses = requireFromLib('@electron/fuses') as {
  flipFuses(binary: string, config: Record<string, unknown>): Promise<number>;
  getCurrentFuseWire(binary: string): Promise<Record<string, unknown>>;
  FuseV1Options: Record<string, number>;
};

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** @electron/fuses' states: '0' off, '1' on. */
const OFF = 0x30;
const ON = 0x31;

describe('Electron fuses', () => {
  it('are set in package.json "build", which electron-builder\'s schema accepts', async () => {
    expect(BUILD.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // Flipping fuses changes the binary, whose signature Apple Silicon enforces, and the mac
      // build is not signed (electron-builder would sign right after): sign it again ad hoc.
      resetAdHocDarwinSignature: true,
    });
    await expect(validateBuildConfig(BUILD)).resolves.toBeUndefined();
    // OnlyLoadAppFromAsar needs the app in an asar, electron-builder's default.
    expect(BUILD.asar).not.toBe(false);
  });

  it('are flipped as set in the Electron binary by electron-builder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-fuses-'));
    try {
      // A stand-in binary: the sentinel, wire version 1, eight fuses all on (as Electron ships).
      const binary = path.join(dir, 'Spanfill');
      const wire = Buffer.from([1, 8, ...Array<number>(8).fill(ON)]);
      fs.writeFileSync(binary, Buffer.concat([Buffer.from('\0ELF...'), Buffer.from(SENTINEL), wire, Buffer.from('…')]));
      const config = await PlatformPackager.prototype.generateFuseConfig.call({}, BUILD.electronFuses);
      await fuses.flipFuses(binary, config);
      const flipped = await fuses.getCurrentFuseWire(binary);
      const option = fuses.FuseV1Options;
      expect(flipped[option.RunAsNode]).toBe(OFF);
      expect(flipped[option.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
      expect(flipped[option.EnableNodeCliInspectArguments]).toBe(OFF);
      expect(flipped[option.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
      expect(flipped[option.OnlyLoadAppFromAsar]).toBe(ON);
      // The rest as Electron ships them.
      expect(flipped[option.EnableCookieEncryption]).toBe(ON);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leave the engine host running: it is a utilityProcess, which needs no RunAsNode', () => {
    // child_process.fork of the Electron binary needs ELECTRON_RUN_AS_NODE, which the fuse turns off.
    const main = fs.readFileSync(path.join(ROOT, 'src/main/index.ts'), 'utf8');
    expect(main).toContain('hostSpawner: utilityProcessSpawner(utilityProcess)');
    expect(main).not.toMatch(/child_process|\bfork\(/);
  });
});
