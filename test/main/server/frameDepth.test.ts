// The nesting scan `spanfill serve` runs over a call frame before JSON.parse: it counts objects
// and lists within each other outside strings (brackets and escaped quotes inside strings are
// text), stops once past the limit, and a refused frame still gives back its id.
import { describe, expect, it } from 'vitest';
import { jsonNestingDepth, shallowJson } from '../../../src/main/server/frameDepth';
import { parseCallFrame } from '../../../src/main/server/server';
import { maxCallFrameDepth } from '../../../src/shared/limits';

describe('jsonNestingDepth', () => {
  it('counts objects and lists within each other', () => {
    expect(jsonNestingDepth('1')).toBe(0);
    expect(jsonNestingDepth('{}')).toBe(1);
    expect(jsonNestingDepth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(jsonNestingDepth('[[],[],[[]]]')).toBe(3);
  });

  it('does not count brackets inside strings, nor quotes escaped there', () => {
    expect(jsonNestingDepth(JSON.stringify(['[[[{{{', 'a"[[[', '\\', '\\"{{', '"]]]]"']))).toBe(1);
    expect(jsonNestingDepth(String.raw`["\\", [["\\\"[[["]]]`)).toBe(3);
    expect(jsonNestingDepth('{"unterminated": "[[[[')).toBe(1);
  });

  it('stops once past the depth it is told to look for', () => {
    expect(jsonNestingDepth('['.repeat(1000), 10)).toBe(11);
  });
});

describe('shallowJson', () => {
  it('keeps the top object and puts 0 for each value nested in it', () => {
    expect(shallowJson('{"id": 3, "call": "a[{", "args": {"x": [[["}"]]]}, "y": []}')).toBe(
      '{"id": 3, "call": "a[{", "args": 0, "y": 0}',
    );
  });
});

describe('parseCallFrame', () => {
  it(`refuses a frame nested over ${maxCallFrameDepth} deep before parsing it, with its id`, () => {
    const deep = (depth: number): string =>
      `{"id":5,"call":"system.ping","args":{"message":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    expect(parseCallFrame(deep(maxCallFrameDepth - 2))).toMatchObject({ id: 5, call: 'system.ping' });
    expect(parseCallFrame(deep(maxCallFrameDepth - 1))).toMatchObject({ id: 5, error: expect.any(String) });
    expect(parseCallFrame(deep(4_000_000))).toEqual({
      id: 5,
      error:
        `Frame nests objects and lists more than ${maxCallFrameDepth} deep; no call takes more than a few ` +
        'levels, so it was not read',
    });
    expect(parseCallFrame(`[${deep(maxCallFrameDepth)}]`)).toMatchObject({ id: null });
  });
});
