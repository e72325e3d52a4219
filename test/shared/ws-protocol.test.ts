// serve's frames carry the numbers JSON cannot hold (NaN, Infinity, -Infinity) from the server's
// encoder to the page's decoder as the numbers they were, where JSON.stringify makes them null;
// and every other value as JSON carries it, objects shaped like the marker included.
import { describe, expect, it } from 'vitest';
import { decodeServerFrame, encodeServerFrame, type WsServerFrame } from '../../src/shared/ws-protocol';

const event = (payload: unknown): WsServerFrame => ({ kind: 'event', event: 'runs.metrics', payload });
const roundTrip = (frame: WsServerFrame): WsServerFrame => decodeServerFrame(encodeServerFrame(frame));

describe('serve frames', () => {
  it('carry NaN, Infinity and -Infinity as numbers, wherever they are', () => {
    const payload = {
      loss: NaN,
      points: [{ step: 1, name: 'loss', value: Infinity }, -Infinity, [NaN, 1.5]],
      eval: { loss: -Infinity, tokenAccuracy: 0 },
    };
    const decoded = roundTrip(event(payload));
    expect(decoded).toEqual(event(payload));
    const { loss, points } = (decoded as { payload: typeof payload }).payload;
    expect(Object.is(loss, NaN)).toBe(true);
    expect(points[0]).toEqual({ step: 1, name: 'loss', value: Infinity });
    expect(points[1]).toBe(-Infinity);
  });

  it('carry an answer the same way', () => {
    const frame: WsServerFrame = { kind: 'response', id: 3, response: { ok: true, result: [Infinity, NaN] } };
    expect(roundTrip(frame)).toEqual(frame);
  });

  it('carry objects shaped like the marker as they were, not as numbers', () => {
    const payload = [
      { $number: 'NaN' },
      { $number: ['Infinity'] },
      { $number: { $number: '-Infinity' } },
      { $number: NaN },
      { $number: 'NaN', other: 1 },
      { $number: null },
      '$number',
      { text: '{"$number":"NaN"}' },
    ];
    expect(roundTrip(event(payload))).toEqual(event(payload));
  });

  it('write a frame without such numbers as plain JSON, and read plain JSON as JSON.parse does', () => {
    const frame = event({ a: [1, 'two', null, { b: true }], text: '"$number"' });
    expect(encodeServerFrame(frame)).toBe(JSON.stringify(frame));
    expect(decodeServerFrame(JSON.stringify(frame))).toEqual(frame);
  });

  it('carry values nested deeper than the encoder looks', () => {
    let deep: unknown = [NaN];
    for (let level = 0; level < 300; level++) deep = [deep];
    expect(roundTrip(event(deep))).toEqual(event(deep));
  });
});
