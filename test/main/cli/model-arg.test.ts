// How the command line hands a model or tokenizer to the services, which take full paths only:
// a folder made full from the folder the command runs in, a name left as it is.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullModelReference } from '../../../src/main/cli/model-arg';

describe('fullModelReference', () => {
  it('makes ./ and existing folders full, and leaves names as given', () => {
    expect(fullModelReference('./t5-small')).toBe(path.resolve('t5-small'));
    expect(fullModelReference('../up')).toBe(path.resolve('..', 'up'));
    expect(fullModelReference('test')).toBe(path.resolve('test')); // a folder of this checkout
    for (const name of ['builtin:byt5-tiny', 'google/flan-t5-small', 'm-1234', 'preset:t5-small'])
      expect(fullModelReference(name)).toBe(name);
  });

  it('keeps "bytes" the byte-level tokenizer even beside a folder of that name', () => {
    const folder = path.resolve('bytes');
    expect(fs.existsSync(folder)).toBe(false);
    fs.mkdirSync(folder);
    try {
      expect(fullModelReference('bytes')).toBe('bytes');
      expect(fullModelReference('./bytes')).toBe(folder);
    } finally {
      fs.rmdirSync(folder);
    }
  });
});
