// Size limits of the wire between a client and `spanfill serve`, named once here so the
// server and its tests agree. The contract's own limits (zod .max() in src/shared/contract)
// decide the largest legitimate message; this file only sizes the frame that carries it.

/**
 * The largest WebSocket message `spanfill serve` accepts, in bytes; one byte more closes the
 * socket with 1009 (message too big). The largest legitimate call is masking.preview with a
 * 1,000,000-character text: at most 6 bytes per character once JSON-escaped (\u0000), so
 * 6 MB plus the call's other fields. 8 MiB leaves room without letting one frame make the
 * server buffer an arbitrary amount (ws's default is 100 MiB).
 */
export const maxCallFrameBytes = 8 * 1024 * 1024;

/**
 * How deep objects and lists may lie within each other in one call frame, the frame's own
 * object counted. The deepest legitimate frame is 5 (playground.keepScreen's arguments, 4
 * deep, inside the frame); the server checks this in one scan of the text before JSON.parse,
 * which took 12 s over 4 million nested `[` in one 8 MiB frame, every other client waiting.
 */
export const maxCallFrameDepth = 64;
