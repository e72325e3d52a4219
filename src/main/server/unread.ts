// How much a WebSocket client may leave unread. A client that stops reading (a stuck tab, or
// one that pauses its socket on purpose) leaves every answer and event in the server's memory.
// Past maxUnreadBytes on one socket, or maxUnreadBytesInAll over all of them, the socket that
// is lagging is dropped (the page then says the connection was lost): a probe's four paused
// sockets took the server from 351 MiB to 1.1 GiB in 16 s with only the per-socket bound.

/**
 * Far above what a live tab lags by: a run's metrics are a few hundred bytes a step, and the
 * largest answer is one frame (src/shared/limits.ts).
 */
export const maxUnreadBytes = 256 * 1024 * 1024;
export const maxUnreadBytesInAll = 512 * 1024 * 1024;

export interface UnreadLimits {
  readonly perSocket: number;
  readonly inAll: number;
}

/**
 * Whether a socket with `own` bytes unsent is to be dropped. The sum over every socket
 * (`all`, which walks them) is taken only once `own` is past a sixteenth of the smaller limit,
 * so a server of many quick clients never sums on every send.
 */
export function isOverUnreadLimits(own: number, all: () => number, limits: UnreadLimits): boolean {
  if (own > limits.perSocket) return true;
  return own > Math.min(limits.perSocket, limits.inAll) / 16 && all() > limits.inAll;
}
