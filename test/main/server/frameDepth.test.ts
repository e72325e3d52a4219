// The scan `spanfill serve` runs over a call frame before JSON.parse: it counts how deep objects
// and lists nest, how many values they hold and the most fields one object has, outside strings
// (brackets, commas and escaped quotes inside strings are text), and stops once past a limit;
// a refused frame still gives back its id, read without parsing the frame.
import { describe, expect, it } from 'vitest';
import { frameShape, topLevelNumber } from '../../../src/main/server/frameDepth';
import { maxFrameObjectFields, parseCallFrame } from '../../../src/main/server/server';
import { MAX_ARGUMENT_VALUES } from '../../../src/main/services/dispatch';
import { maxCallFrameDepth } from '../../../src/shared/limits';

const depthOf = (text: string, stopAbove?: number): number => frameShape(text, { depth: stopAbove }).depth;

describe('frameShape', () => {
  it('counts objects and lists within each other', () => {
    expect(depthOf('1')).toBe(0);
    expect(depthOf('{}')).toBe(1);
    expect(depthOf('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(depthOf('[[],[],[[]]]')).toBe(3);
  });

  it('does not count brackets inside strings, nor quotes escaped there', () => {
    expect(depthOf(JSON.stringify(['[[[{{{', 'a"[[[', '\\', '\\"{{', '"]]]]"']))).toBe(1);
    expect(depthOf(String.raw`["\\", [["\\\"[[["]]]`)).toBe(3);
    expect(depthOf('{"unterminated": "[[[[')).toBe(1);
  });

  it('stops once past the depth it is told to look for', () => {
    expect(depthOf('['.repeat(1000), 10)).toBe(11);
  });

  it('counts each object field and list item once, nested ones too, and the widest object', () => {
    expect(frameShape('{}')).toEqual({ depth: 1, values: 0, objectFields: 0 });
    expect(frameShape(' { "a" : [ 1 , 2 ] } ')).toEqual({ depth: 2, values: 3, objectFields: 1 });
    expect(frameShape('[[],[ ],{},[{"a":1,"b":2,"c":{"d":[]}}]]')).toEqual({ depth: 5, values: 9, objectFields: 3 });
    // A list is no object, however long.
    expect(frameShape(JSON.stringify({ a: [1, 2, 3, 4, 5], b: { c: 1, d: 2 } }))).toMatchObject({ objectFields: 2 });
  });

  it('does not count commas inside strings', () => {
    expect(frameShape(JSON.stringify({ a: ',,,', b: ['",[,', '\\'] }))).toEqual({
      depth: 2,
      values: 4,
      objectFields: 2,
    });
  });

  it('counts as many values and fields as JSON.parse reads', () => {
    const value = { id: 1, call: 'x', args: { list: [[1, 2], { a: null, b: 'c,d' }, [], {}], text: '{"e":[1,2,3]}' } };
    const values = (v: unknown): number =>
      typeof v === 'object' && v !== null ? Object.values(v).reduce((n: number, x) => n + 1 + values(x), 0) : 0;
    expect(frameShape(JSON.stringify(value, null, 2)).values).toBe(values(value));
  });

  it('stops once past the values or fields it is told to look for', () => {
    const many = JSON.stringify(Array(1000).fill(0));
    expect(frameShape(many, { values: 10 }).values).toBe(11);
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])));
    expect(frameShape(wide, { objectFields: 10 }).objectFields).toBe(11);
  });
});

describe('topLevelNumber', () => {
  it("reads the top object's field, past nested ones of that name and strings holding it", () => {
    expect(topLevelNumber('{"id": 3, "call": "a[{\\"id\\":4", "args": {"id": 5, "x": [[["}"]]]}, "y": []}', 'id')).toBe(
      3,
    );
    expect(topLevelNumber('{"args": {"id": 5}, "id" :  -7.5e1 }', 'id')).toBe(-75);
  });

  it('keeps the last of two, as JSON.parse does, and reads escaped spellings of the name', () => {
    expect(topLevelNumber('{"id": 3, "id": 4}', 'id')).toBe(4);
    expect(topLevelNumber(String.raw`{"\u0069d": 6}`, 'id')).toBe(6);
    expect(topLevelNumber('{"id": 3, "id": "4"}', 'id')).toBeUndefined();
  });

  it('is undefined when the field is missing, holds no number, or the top value is no object', () => {
    expect(topLevelNumber('{"call": 1}', 'id')).toBeUndefined();
    expect(topLevelNumber('{"id": [1]}', 'id')).toBeUndefined();
    expect(topLevelNumber('{"id": {"id": 1}}', 'id')).toBeUndefined();
    expect(topLevelNumber('{"id": true}', 'id')).toBeUndefined();
    expect(topLevelNumber('[{"id": 1}]', 'id')).toBeUndefined();
    expect(topLevelNumber('"id"', 'id')).toBeUndefined();
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

  it('refuses a frame of more values than any call takes before parsing it, with its id', () => {
    // id, call and args are the frame's own 3; the arguments may hold as many as dispatch takes.
    const frame = (items: number): string =>
      JSON.stringify({ id: 8, call: 'datasets.import', args: { paths: Array(items - 1).fill(0) } });
    expect(parseCallFrame(frame(MAX_ARGUMENT_VALUES))).toMatchObject({ id: 8, call: 'datasets.import' });
    // Not valid JSON past its end, so a frame JSON.parse read would be 'not valid JSON'.
    expect(parseCallFrame(`${frame(MAX_ARGUMENT_VALUES + 1).slice(0, -2)},`)).toEqual({
      id: 8,
      error:
        'Frame holds over 250,000 values (object fields and list items); no call takes that many, so it was not read',
    });
  });

  it(`refuses a frame with an object of over ${maxFrameObjectFields} fields before parsing it, with its id`, () => {
    const fields = (count: number): Record<string, number> =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
    const frame = (count: number): string => JSON.stringify({ id: 9, call: 'system.ping', args: fields(count) });
    expect(parseCallFrame(frame(maxFrameObjectFields))).toMatchObject({ id: 9, call: 'system.ping' });
    expect(parseCallFrame(`${frame(maxFrameObjectFields + 1)}]]`)).toEqual({
      id: 9,
      error: 'Frame has an object of over 1,000 fields; no call takes more than a few dozen, so it was not read',
    });
    // The frame's own object too, its id read wherever it stands.
    expect(parseCallFrame(JSON.stringify({ ...fields(100_000), call: 'system.ping', id: 10 }))).toMatchObject({
      id: 10,
      error: expect.stringContaining('over 1,000 fields'),
    });
  });
});
