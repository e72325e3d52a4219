// The per-format readers on their own: what a JSONL field names (a key spelled with a dot, or
// a dotted path into nested objects) and what a missing one says.
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/main/engine/data/errors';
import { createReader, DEFAULT_MAX_RECORD_CHARS } from '../../../../src/main/engine/data/records';

/** The documents a JSONL file of `lines` gives with `field`, or the message it fails with. */
function readJsonl(field: string, lines: readonly string[]): string[] | string {
  const docs: string[] = [];
  const options = {
    field,
    column: 'text',
    split: undefined,
    maxDocumentChars: 1000,
    maxRecordChars: DEFAULT_MAX_RECORD_CHARS,
  };
  const reader = createReader('in.jsonl', 'jsonl', options, (text) => void docs.push(text));
  try {
    reader.push(lines.map((l) => `${l}\n`).join(''));
    reader.end();
  } catch (e) {
    if (e instanceof DataError) return e.message;
    throw e;
  }
  return docs;
}

const FIX = 'name the field that holds the text (`--field NAME`; in the app, Options → JSONL field)';

describe('JSONL field', () => {
  it('a key with a dot in it is read as that key', () => {
    expect(readJsonl('a.b', ['{"a.b": "only dotted key"}'])).toEqual(['only dotted key']);
    expect(readJsonl('meta.v1.text', ['{"id": 1, "meta.v1.text": "versioned"}'])).toEqual(['versioned']);
  });
  it('the key spelled as the whole field wins over the path; each line is read on its own', () => {
    const lines = ['{"a.b": "literal", "a": {"b": "nested"}}', '{"a": {"b": "nested only"}}'];
    expect(readJsonl('a.b', lines)).toEqual(['literal', 'nested only']);
  });
  it('a missing dotted field says it was read as a path too, and where the path stopped', () => {
    expect(readJsonl('a.b', ['{"x": "no a"}'])).toBe(
      `in.jsonl line 1: no field "a.b" (fields: x), and read as a path (a dot between names), there is no field "a"; ${FIX}`,
    );
    expect(readJsonl('a.b', ['{"a": {"c": "no b"}, "id": 3}'])).toBe(
      `in.jsonl line 1: no field "a.b" (fields: a, id), and read as a path (a dot between names), "a" has no field "b" (its fields: c); ${FIX}`,
    );
    expect(readJsonl('a.b.c', ['{"a": {"b": "text"}}'])).toBe(
      `in.jsonl line 1: no field "a.b.c" (fields: a), and read as a path (a dot between names), "a.b" is a string, not an object with a field "c"; ${FIX}`,
    );
  });
  it('a field without a dot is a key; a key the object only inherits is no field', () => {
    expect(readJsonl('text', ['{"body": "b"}'])).toBe(`in.jsonl line 1: no field "text" (fields: body); ${FIX}`);
    expect(readJsonl('constructor', ['{"body": "b"}'])).toBe(
      `in.jsonl line 1: no field "constructor" (fields: body); ${FIX}`,
    );
    expect(readJsonl('text', ['[1, 2]'])).toBe(`in.jsonl line 1: no field "text" in an array; ${FIX}`);
  });
});
