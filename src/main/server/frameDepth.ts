// How deeply a call frame's JSON nests, read by one scan of its text before JSON.parse (which
// took 12 s over 4 million nested `[`, the server serving no one meanwhile), and the frame's
// top object with its nested values left out, so that a refused frame's id can still be read.
// Not a JSON validator: text that is not JSON is JSON.parse's to refuse.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** The index of the quote closing the string opened at `start`, past escaped ones; text.length when none does. */
function stringEnd(text: string, start: number): number {
  for (let at = text.indexOf('"', start + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    // A quote after an even number of backslashes ends the string (`\\"`); after an odd one it is text (`\"`).
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
  }
  return text.length;
}

/**
 * How deep objects and lists lie within each other in `text` (`{}` is 1, `[{}]` 2), brackets
 * inside strings not counted; stops as soon as it is past `stopAbove`, returning that depth.
 */
export function jsonNestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) at = stringEnd(text, at);
    else if (code === OPEN_LIST || code === OPEN_OBJECT) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (code === CLOSE_LIST || code === CLOSE_OBJECT) depth--;
  }
  return deepest;
}

/**
 * `text` with each object or list inside its top value put as 0: `{"id":5,"args":{…}}` is
 * `{"id":5,"args":0}`, one level deep whatever the frame held, so JSON.parse reads it at once.
 */
export function shallowJson(text: string): string {
  const kept: string[] = [];
  let depth = 0;
  let from = 0; // where the text kept next starts
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) at = stringEnd(text, at);
    else if (code === OPEN_LIST || code === OPEN_OBJECT) {
      if (++depth === 2) kept.push(text.slice(from, at), '0');
    } else if (code === CLOSE_LIST || code === CLOSE_OBJECT) {
      if (depth-- === 2) from = at + 1;
    }
  }
  if (depth < 2) kept.push(text.slice(from));
  return kept.join('');
}
