// Bounds on the text and lists calls take. Every string and array a call accepts has a most
// length (test/shared/contract/bounded.test.ts walks the whole contract for one without), so a
// frame of millions of list items or a megabyte "id" is refused at once in a short message: it
// stalled every client of `spanfill serve` while zod judged each item (30–40 s for 4 million),
// and came back, with its not_found message, the size it went in.

import { z } from 'zod';

/** A dataset, run, model or import id: ours are a dozen characters; 200 leaves room for any. */
export const MAX_ID_CHARS = 200;
/** The longest path Windows takes (32,767 UTF-16 units); Linux's PATH_MAX is 4,096 bytes. */
export const MAX_PATH_CHARS = 32_767;
/** A JSONL field or CSV column name, a metric name. */
export const MAX_KEY_CHARS = 1000;

/** A row's id; `required`: what an empty one says. */
export function idText(required?: string): z.ZodString {
  return z.string().min(1, required).max(MAX_ID_CHARS);
}

/**
 * A path on the machine that runs the services, or a reference that may be one (a model
 * folder, id or repo id); `required`: what an empty one says.
 */
export function pathText(required?: string): z.ZodString {
  return z.string().min(1, required).max(MAX_PATH_CHARS);
}

/** A field, column or metric name. */
export const keyText = z.string().min(1).max(MAX_KEY_CHARS);
