// A folder of test files for the importer's tests (import.test.ts, import-files.test.ts), removed
// after the calling file, and the two ways they read an import: its documents' texts, or its failure.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DataError } from '../../../../src/main/engine/data/errors';
import { importDocuments, type ImportOptions, type ImportedDocument } from '../../../../src/main/engine/data/import';

export interface ImportBench {
  /** The folder the files are written to. */
  readonly dir: string;
  /** Writes `content` to `name` under the folder (making its folders) and returns its path. */
  file(name: string, content: string | Buffer): string;
  /** The texts of the documents imported from `paths`. */
  texts(paths: string[], options?: ImportOptions): Promise<string[]>;
  /** The DataError importing `paths` fails with (the test fails if it does not). */
  failure(paths: string[], options?: ImportOptions): Promise<DataError>;
}

export function importBench(): ImportBench {
  const dir = mkdtempSync(join(tmpdir(), 'spanfill-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, file: (name, content) => file(dir, name, content), texts, failure };
}

function file(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

async function texts(paths: string[], options: ImportOptions = {}): Promise<string[]> {
  const docs: ImportedDocument[] = [];
  await importDocuments(paths, (d) => void docs.push(d), options);
  return docs.map((d) => d.text);
}

async function failure(paths: string[], options: ImportOptions = {}): Promise<DataError> {
  try {
    await importDocuments(paths, () => undefined, options);
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected the import to fail');
}
