// The shape of a call frame's JSON, read by one scan of its text before JSON.parse: how deeply it
// nests (JSON.parse took 12 s over 4 million nested `[`), how many values it holds and the most
// fields one object has (JSON.parse and zod took 2.7 s over one object of 700,000 fields), the
// server serving no one meanwhile. And the frame's top-level `id`, read without parsing the
// rest, so that a refused frame is answered by its id. The scan allocates nothing per character
// or per value. Not a JSON validator: text that is not JSON is JSON.parse's to refuse.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

const isWhitespace = (code: number): boolean => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
const isOpening = (code: number): boolean => code === OPEN_LIST || code === OPEN_OBJECT;
const isClosing = (code: number): boolean => code === CLOSE_LIST || code === CLOSE_OBJECT;

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

export interface FrameShape {
  /** How deep objects and lists lie within each other (`{}` is 1, `[{}]` 2). */
  readonly depth: number;
  /** Object fields and list items, nested ones counted (`{"a":[1,2]}` holds 3). */
  readonly values: number;
  /** The most fields one object has. */
  readonly objectFields: number;
}

/**
 * The shape of the JSON `text`, brackets and commas inside strings not counted. The scan stops
 * as soon as one count is past its limit (`stopAbove`), with that count at its limit plus one.
 */
export function frameShape(text: string, stopAbove: Partial<FrameShape> = {}): FrameShape {
  const { depth: maxDepth = Infinity, values: maxValues = Infinity, objectFields: maxFields = Infinity } = stopAbove;
  // Per container open at each depth: whether it is an object, and how many values it has so far.
  const isObject: boolean[] = [false];
  const held: number[] = [0];
  let depth = 0;
  let deepest = 0;
  let values = 0;
  let widest = 0;
  let isJustOpened = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (isWhitespace(code)) continue;
    // A value starts after each comma, and at the first character of a container that is not its end.
    const startsValue = code === COMMA || (isJustOpened && !isClosing(code));
    isJustOpened = false;
    if (startsValue) {
      values++;
      held[depth]++;
      if (isObject[depth] && held[depth] > widest) widest = held[depth];
    }
    if (code === QUOTE) at = stringEnd(text, at);
    else if (isOpening(code)) {
      depth++;
      isObject[depth] = code === OPEN_OBJECT;
      held[depth] = 0;
      isJustOpened = true;
      if (depth > deepest) deepest = depth;
    } else if (isClosing(code) && depth > 0) depth--;
    if (deepest > maxDepth || values > maxValues || widest > maxFields) break;
  }
  return { depth: deepest, values, objectFields: widest };
}

/** Whether the string text[start..end] (quotes included) is the key `name`, escapes read. */
function isKey(text: string, start: number, end: number, name: string): boolean {
  if (end - start - 1 === name.length && text.startsWith(name, start + 1)) return true;
  // An escaped spelling (`"\u0069d"`) is the same key to JSON.parse; no escape is over six characters.
  if (end - start - 1 > name.length * 6 || !hasBackslash(text, start, end)) return false;
  try {
    return JSON.parse(text.slice(start, end + 1)) === name;
  } catch {
    return false;
  }
}

/** Whether text[from..to) holds a backslash (a short stretch: indexOf would look on past `to`). */
function hasBackslash(text: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (text.charCodeAt(at) === BACKSLASH) return true;
  return false;
}

/** The number written in text[from..to), whitespace around it allowed; undefined when it is not one. */
function numberIn(text: string, from: number, to: number): number | undefined {
  while (from < to && isWhitespace(text.charCodeAt(from))) from++;
  while (to > from && isWhitespace(text.charCodeAt(to - 1))) to--;
  // No number is longer than this (`-1.2345678901234567e-308`); a longer value is some other thing.
  if (to - from > 32) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(from, to));
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The number the top object's field `name` holds (its last such field, as JSON.parse keeps),
 * read in one scan without parsing anything else; undefined when there is none, it holds
 * something else, or the top value is not an object.
 */
export function topLevelNumber(text: string, name: string): number | undefined {
  let depth = 0;
  let isKeyNext = false;
  let valueFrom = -1; // while a field named `name` is read: where its value starts
  let found: number | undefined;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (isWhitespace(code)) continue;
    if (depth === 0 && code !== OPEN_OBJECT) return undefined;
    const endsField = depth === 1 && (code === COMMA || code === CLOSE_OBJECT);
    if (endsField && valueFrom !== -1) found = numberIn(text, valueFrom, at);
    if (endsField || (depth === 1 && isOpening(code))) valueFrom = -1;
    if (code === QUOTE) {
      const end = stringEnd(text, at);
      if (isKeyNext && isKey(text, at, end, name)) {
        found = undefined;
        const colon = text.indexOf(':', end);
        if (colon !== -1) valueFrom = colon + 1;
      }
      isKeyNext = false;
      at = end;
    } else if (isOpening(code)) isKeyNext = ++depth === 1;
    else if (isClosing(code) && --depth === 0) break;
    else if (code === COMMA) isKeyNext = depth === 1;
  }
  return found;
}
