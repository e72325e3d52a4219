// Proof that the dependency rules of eslint.config.js fire: ESLint's Node API runs the real
// config over the deliberately broken files in test/fixtures/lint/ (laid out like src/, so
// the config's `files` patterns match with that folder as the working directory), and each
// break is reported by the rule meant to catch it, while a clean file gets no message.

import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.join(__dirname, '../fixtures/lint');

let results: Map<string, Linter.LintMessage[]>;

beforeAll(async () => {
  // With an explicit config file, its patterns are relative to `cwd`: its ignores list
  // test/fixtures/**, which does not match here, and src/main/host/** matches the fixtures.
  const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(__dirname, '../../eslint.config.js') });
  const linted = await eslint.lintFiles(['src/**/*.ts']);
  results = new Map(linted.map((r) => [path.relative(root, r.filePath).split(path.sep).join('/'), r.messages]));
});

function messages(file: string): { ruleId: string | null; message: string }[] {
  const found = results.get(file);
  if (found === undefined) throw new Error(`${file} was not linted; linted: ${[...results.keys()].join(', ')}`);
  return found.map(({ ruleId, message }) => ({ ruleId, message }));
}

describe('lint rules', () => {
  it('report an import circle, type-only imports included, on both sides with the route', () => {
    expect(messages('src/main/cycle/a.ts')).toEqual([
      {
        ruleId: 'spanfill/no-import-cycles',
        message: expect.stringContaining(
          'Import circle: src/main/cycle/a.ts → src/main/cycle/b.ts → src/main/cycle/a.ts',
        ),
      },
    ]);
    expect(messages('src/main/cycle/b.ts')).toEqual([
      {
        ruleId: 'spanfill/no-import-cycles',
        message: expect.stringContaining('src/main/cycle/b.ts → src/main/cycle/a.ts'),
      },
    ]);
  });

  it('report the engine host importing services/', () => {
    expect(messages('src/main/host/uses-services.ts')).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining("'../services/thing'") },
    ]);
  });

  it('report the engine importing the store', () => {
    expect(messages('src/main/engine/uses-store.ts')).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining("'../store/db'") },
    ]);
  });

  it('leave imports that break no rule alone', () => {
    expect(messages('src/main/engine/clean.ts')).toEqual([]);
    expect(messages('src/main/engine/pure.ts')).toEqual([]);
  });
});
