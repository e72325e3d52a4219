// Where the app keeps a Hugging Face access token between runs. The CLI and `spanfill serve`
// use a file in the data directory readable only by its owner (mode 0600, like
// huggingface_hub's ~/.cache/huggingface/token); the desktop app passes a SafeStorageTokenStore,
// which keeps the token encrypted by the OS keychain (Electron safeStorage) in the same place.

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface HubTokenStore {
  read(): string | undefined;
  write(token: string): void;
  clear(): void;
}

export const TOKEN_FILE_NAME = 'hub-token';

export class FileTokenStore implements HubTokenStore {
  constructor(readonly file: string) {}

  static inDataDir(dataDir: string): FileTokenStore {
    return new FileTokenStore(path.join(dataDir, TOKEN_FILE_NAME));
  }

  read(): string | undefined {
    if (!existsSync(this.file)) return undefined;
    return readFileSync(this.file, 'utf8').trim() || undefined;
  }

  write(token: string): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp-${process.pid}`;
    // Created 0600 so the token is never readable by others, not even between write and chmod.
    writeFileSync(temp, `${token}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600); // a umask cannot widen it, but an existing temp file keeps its mode
    renameSync(temp, this.file);
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}

/** The part of Electron's safeStorage this store uses (passed in: services never import electron). */
export interface StringEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The token encrypted with the OS keychain (Electron safeStorage: Keychain, DPAPI, libsecret),
 * in a 0600 file beside the data. Where no keychain is available (a Linux session without a
 * secret service) it falls back to the plain 0600 file, as the CLI does.
 */
export class SafeStorageTokenStore implements HubTokenStore {
  private readonly plain: FileTokenStore;
  private readonly encrypted: FileTokenStore;

  constructor(
    dataDir: string,
    private readonly encryption: StringEncryption,
  ) {
    this.plain = FileTokenStore.inDataDir(dataDir);
    this.encrypted = new FileTokenStore(path.join(dataDir, `${TOKEN_FILE_NAME}.enc`));
  }

  read(): string | undefined {
    const sealed = this.encrypted.read();
    if (sealed !== undefined && this.encryption.isEncryptionAvailable())
      return this.encryption.decryptString(Buffer.from(sealed, 'base64')) || undefined;
    return this.plain.read();
  }

  write(token: string): void {
    if (!this.encryption.isEncryptionAvailable()) return this.plain.write(token);
    this.encrypted.write(this.encryption.encryptString(token).toString('base64'));
    this.plain.clear(); // never leave a readable copy beside the sealed one
  }

  clear(): void {
    this.encrypted.clear();
    this.plain.clear();
  }
}
