// The module hooks of holdStart.mjs (they run on node's hooks thread).
import { writeFileSync } from 'node:fs';

let hold = { marker: undefined, holdMs: 0 };

export function initialize(data) {
  hold = data;
}

export async function load(url, context, nextLoad) {
  if (hold.marker !== undefined && /\/host\/start\.ts$/.test(url)) {
    writeFileSync(hold.marker, url);
    await new Promise((resolve) => setTimeout(resolve, hold.holdMs));
  }
  return nextLoad(url, context);
}
