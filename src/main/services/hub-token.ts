// Where the app keeps a Hugging Face access token between runs. The CLI and `spanfill serve`
// use a file in the data directory readable only by its owner (mode 0600, like
// huggingface_hub's ~/.cache/huggingface/token); the desktop app can pass another
// HubTokenStore (TODO(#13): one over Electron safeStorage) to the models service.

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
