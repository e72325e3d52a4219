// LatestWrite (latestWrite.ts): one write at a time, the latest value after the one in flight
// (those between are skipped), a failed write reported and the next still written, and a value
// set after the writes went idle written too.
import { describe, expect, it } from 'vitest';
import { LatestWrite } from '../../../../src/renderer/src/lib/latestWrite';

/** A server whose writes finish when the test says so. */
function slowServer() {
  const written: string[] = [];
  const inFlight: { value: string; finish: (error?: Error) => void }[] = [];
  let concurrent = 0;
  let most = 0;
  const write = (value: string) =>
    new Promise<void>((resolve, reject) => {
      concurrent += 1;
      most = Math.max(most, concurrent);
      inFlight.push({
        value,
        finish: (error) => {
          concurrent -= 1;
          if (error) reject(error);
          else {
            written.push(value);
            resolve();
          }
        },
      });
    });
  return { written, inFlight, write, most: () => most };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LatestWrite', () => {
  it('writes one value at a time and then only the latest of those set meanwhile', async () => {
    const server = slowServer();
    const errors: unknown[] = [];
    const latest = new LatestWrite(server.write, (error) => errors.push(error));
    const done = latest.set('a');
    latest.set('b');
    latest.set('c');
    await turn();
    expect(server.inFlight.map((w) => w.value)).toEqual(['a']);
    server.inFlight[0].finish();
    await turn();
    expect(server.inFlight.map((w) => w.value)).toEqual(['a', 'c']);
    server.inFlight[1].finish();
    await done;
    expect(server.written).toEqual(['a', 'c']);
    expect(server.most()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('reports a failed write and still writes the next value', async () => {
    const server = slowServer();
    const errors: unknown[] = [];
    const latest = new LatestWrite(server.write, (error) => errors.push(error));
    const done = latest.set('a');
    latest.set('b');
    await turn();
    server.inFlight[0].finish(new Error('disk full'));
    await turn();
    server.inFlight[1].finish();
    await done;
    expect(errors).toEqual([new Error('disk full')]);
    expect(server.written).toEqual(['b']);
  });

  it('writes a value set after the earlier writes are done', async () => {
    const server = slowServer();
    const latest = new LatestWrite(server.write, () => undefined);
    const first = latest.set('a');
    await turn();
    server.inFlight[0].finish();
    await first;
    const second = latest.set('b');
    await turn();
    server.inFlight[1].finish();
    await second;
    expect(server.written).toEqual(['a', 'b']);
  });
});
