// Where a Hub token is kept: the CLI's 0600 file, and the desktop app's store over Electron
// safeStorage (a stand-in cipher here: Electron cannot run on these machines), which keeps only
// the sealed token on disk and falls back to the 0600 file when no keychain is available.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileTokenStore,
  SafeStorageTokenStore,
  TOKEN_FILE_NAME,
  type StringEncryption,
} from '../../../src/main/services/hub-token';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-token-');

/** A reversible stand-in for the OS keychain: bytes reversed and XORed, never the plain text. */
function fakeKeychain(isAvailable: boolean): StringEncryption {
  return {
    isEncryptionAvailable: () => isAvailable,
    encryptString: (text) => Buffer.from([...Buffer.from(text, 'utf8')].reverse().map((b) => b ^ 0x5a)),
    decryptString: (data) => Buffer.from([...data].map((b) => b ^ 0x5a).reverse()).toString('utf8'),
  };
}

describe('SafeStorageTokenStore', () => {
  it('keeps only the sealed token on disk (0600) and reads it back', () => {
    const dir = tempDir();
    const store = new SafeStorageTokenStore(dir, fakeKeychain(true));
    new FileTokenStore(path.join(dir, TOKEN_FILE_NAME)).write('hf_old_plain');
    store.write('hf_secret_token');
    const sealed = path.join(dir, `${TOKEN_FILE_NAME}.enc`);
    expect(readFileSync(sealed, 'utf8')).not.toContain('hf_secret_token');
    expect(statSync(sealed).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dir, TOKEN_FILE_NAME)), 'the plain copy is removed').toBe(false);
    expect(new SafeStorageTokenStore(dir, fakeKeychain(true)).read()).toBe('hf_secret_token');
    store.clear();
    expect(store.read()).toBeUndefined();
    expect(existsSync(sealed)).toBe(false);
  });

  it('falls back to the 0600 file where no keychain is available', () => {
    const dir = tempDir();
    const store = new SafeStorageTokenStore(dir, fakeKeychain(false));
    store.write('hf_plain');
    expect(readFileSync(path.join(dir, TOKEN_FILE_NAME), 'utf8').trim()).toBe('hf_plain');
    expect(statSync(path.join(dir, TOKEN_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(store.read()).toBe('hf_plain');
  });
});
