// Counts, sizes and durations in words, for messages from the engine, the services, the server,
// the CLI and the screens alike: "1 document", "20,000 documents" (never "document(s)");
// "1.5 GiB", "512 bytes"; "3 min 20 s"; and text clipped to a length with an ellipsis.

/** The count with thousands separators and the noun, with an s unless the count is 1. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * `text` cut to at most `max` UTF-16 units with an ellipsis when it is longer, never between
 * the two halves of a character such as an emoji (a lone half prints as \ud83d in JSON).
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text
    .slice(0, max - 1)
    .replace(/[\ud800-\udbff]$/, '')
    .trimEnd()}…`;
}

/** "1.5 GiB", "12.0 MiB", "512 bytes": binary units, one decimal above a KiB. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** "; 45.2 MiB of disk given back" after what a removal deleted, or nothing when it gave none back. */
export function diskGivenBack(bytes: number): string {
  return bytes > 0 ? `; ${formatBytes(bytes)} of disk given back` : '';
}

/** A memory figure, rounder than formatBytes: "6.0 GiB", or "380 MiB" under a GiB. */
export function formatMemory(bytes: number): string {
  return bytes < 2 ** 30 ? `${Math.round(bytes / 2 ** 20)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** How long something took, to the precision a short one needs: "35 ms", "2.4 s", then formatDuration's. */
export function formatElapsed(ms: number): string {
  if (ms < 995) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

/** "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `text` with its first letter a capital, to begin a sentence. */
export function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
