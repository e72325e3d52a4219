// Turning decoded text into documents: streaming splitting (whole file, blank line, each
// line) with a cap on document size so a multi-GB file never becomes one string, the
// NFKC / whitespace options, and a compact 64-bit hash set for exact-duplicate removal.
// Not file formats (import.ts, csv.ts) and not tokenization.
import { hash as oneShotHash } from 'node:crypto';
import { plural } from '../../../shared/format';

export type SplitMode = 'whole' | 'blank-line' | 'line';
export const SPLIT_MODES: readonly SplitMode[] = ['whole', 'blank-line', 'line'];

export interface NormalizeOptions {
  /** Unicode NFKC (compatibility) normalisation, e.g. ligatures and full-width forms. */
  readonly nfkc: boolean;
  /** Runs of spaces/tabs → one space, spaces around newlines dropped, 3+ newlines → 2. */
  readonly collapseWhitespace: boolean;
}

/** `text` with its line ends, CRLF or a lone CR (old Mac files), as LF: what import does to every document. */
export function toLineFeeds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Line endings → \n, optional NFKC and whitespace collapsing, then trimmed. */
export function normalizeDocument(text: string, options: NormalizeOptions): string {
  let t = toLineFeeds(text);
  if (options.nfkc) t = t.normalize('NFKC');
  if (options.collapseWhitespace)
    t = t
      .replace(/[^\S\n]+/g, ' ')
      .replace(/ ?\n ?/g, '\n')
      .replace(/\n{3,}/g, '\n\n');
  return t.trim();
}

// Line ends are LF by now (DocumentSplitter.withLineFeeds).
const BLANK_LINE = /\n[^\S\n]*\n\s*/g;

/** How over-long documents were cut: at a line break, at a space, or mid-line at the cap. */
export interface CutCounts {
  lineBreak: number;
  space: number;
  midLine: number;
}

export function newCutCounts(): CutCounts {
  return { lineBreak: 0, space: 0, midLine: 0 };
}

export function totalCuts(cuts: CutCounts): number {
  return cuts.lineBreak + cuts.space + cuts.midLine;
}

/** The summary warning for the cuts made, saying where they were made; null for none. */
export function describeCuts(cuts: CutCounts, maxChars: number): string | null {
  const total = totalCuts(cuts);
  const midLine = 'in the middle of a line (no line break or space near the limit)';
  if (total === 0) return null;
  if (cuts.lineBreak === total)
    return `Cut ${plural(total, 'over-long document')} at line breaks (limit ${maxChars} characters)`;
  if (cuts.space === total)
    return `Cut ${plural(total, 'over-long document')} at spaces (limit ${maxChars} characters)`;
  if (cuts.midLine === total) return `Cut ${plural(total, 'over-long document')} at ${maxChars} characters, ${midLine}`;
  const parts: string[] = [];
  if (cuts.lineBreak > 0) parts.push(`${cuts.lineBreak} at a line break`);
  if (cuts.space > 0) parts.push(`${cuts.space} at a space`);
  if (cuts.midLine > 0) parts.push(`${cuts.midLine} ${midLine}`);
  return `Cut ${plural(total, 'over-long document')} to at most ${maxChars} characters: ${parts.join(', ')}`;
}

/**
 * Push decoded text in any chunking; `emit` receives each raw document (untrimmed), its line
 * ends (CRLF, or a lone CR as old Mac files have them) turned into LF. A
 * document longer than `maxDocumentChars` is cut at the last newline (else space) in the
 * second half before the cap, else at the cap itself, and counted by kind in `cuts`.
 */
export class DocumentSplitter {
  private buffer = '';
  /** A CR that ended the last chunk: a CRLF split across chunks, or a lone CR (old Mac line end). */
  private isCrHeld = false;

  constructor(
    private readonly mode: SplitMode,
    private readonly maxDocumentChars: number,
    private readonly emit: (text: string) => void,
    /** Where the cuts are counted; may be shared by several splitters. */
    readonly cuts: CutCounts = newCutCounts(),
  ) {}

  push(text: string): void {
    this.buffer += this.withLineFeeds(text);
    if (this.mode === 'line') this.drainLines();
    else if (this.mode === 'blank-line') this.drainParagraphs();
    this.capBuffer();
  }

  end(): void {
    if (this.isCrHeld) this.buffer += '\n';
    this.isCrHeld = false;
    if (this.mode === 'line') this.drainLines();
    else if (this.mode === 'blank-line') this.drainParagraphs();
    this.capBuffer();
    if (this.buffer.length > 0) this.emit(this.buffer);
    this.buffer = '';
  }

  /** `text` with CRLF and a lone CR as LF; a CR at its end waits for the next chunk's first character. */
  private withLineFeeds(text: string): string {
    let t = this.isCrHeld ? `\r${text}` : text;
    this.isCrHeld = t.endsWith('\r');
    if (this.isCrHeld) t = t.slice(0, -1);
    return toLineFeeds(t);
  }

  private drainLines(): void {
    const last = this.buffer.lastIndexOf('\n');
    if (last < 0) return;
    const lines = this.buffer.slice(0, last).split('\n');
    this.buffer = this.buffer.slice(last + 1);
    for (const line of lines) this.emit(line);
  }

  private drainParagraphs(): void {
    BLANK_LINE.lastIndex = 0;
    let start = 0;
    let match: RegExpExecArray | null;
    while ((match = BLANK_LINE.exec(this.buffer)) !== null) {
      // A match that reaches the end of the buffer may continue in the next chunk.
      if (match.index + match[0].length === this.buffer.length) break;
      this.emit(this.buffer.slice(start, match.index));
      start = match.index + match[0].length;
    }
    if (start > 0) this.buffer = this.buffer.slice(start);
  }

  private capBuffer(): void {
    const max = this.maxDocumentChars;
    while (this.buffer.length > max) {
      let cut = this.buffer.lastIndexOf('\n', max);
      if (cut >= max / 2) this.cuts.lineBreak++;
      else {
        cut = this.buffer.lastIndexOf(' ', max);
        if (cut >= max / 2) this.cuts.space++;
        else {
          cut = max;
          const code = this.buffer.charCodeAt(cut - 1);
          if (code >= 0xd800 && code <= 0xdbff) cut--; // keep surrogate pairs whole
          this.cuts.midLine++;
        }
      }
      this.emit(this.buffer.slice(0, cut));
      this.buffer = this.buffer.slice(cut);
    }
  }
}

/** A Markdown ATX heading alone: "## Day 3" (one line, up to 3 spaces, 1–6 #, then a space or the end). */
const HEADING_ONLY = /^ {0,3}#{1,6}(?:[ \t][^\n]*)?$/;

/**
 * For Markdown read at blank lines: a paragraph that is only a heading opens the next one
 * instead of standing alone ("## Day 3" and the text under it are one document), so a heading
 * is neither a document of a few characters nor dropped as a duplicate ("## Notes" in every
 * file). Headings in a row join too; a joined document never grows past `maxChars` (the
 * heading then stands alone). Returns the sink to emit paragraphs into and the end call that
 * flushes a heading left at the end of the file.
 */
export function joinHeadings(
  maxChars: number,
  emit: (text: string) => void,
): { readonly emit: (text: string) => void; readonly end: () => void } {
  let pending = '';
  return {
    emit(text) {
      if (pending !== '' && pending.length + 2 + text.length > maxChars) {
        emit(pending);
        pending = '';
      }
      const document = pending === '' ? text : `${pending}\n\n${text}`;
      // Blank lines before it (a file's start, after front matter) do not stop a heading being one.
      pending = HEADING_ONLY.test(text.replace(/^(?:[ \t]*\n)+/, '').trimEnd()) ? document : '';
      if (pending === '') emit(document);
    },
    end() {
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}

export interface DocumentHash {
  /** SHA-1 of the normalised text, hex: the document's identity. */
  readonly hex: string;
  /** Bits 64..95 of the hash as a fraction in [0, 1): the train/validation split key. */
  readonly splitKey: number;
  readonly lo: number;
  readonly hi: number;
}

export function hashDocument(text: string): DocumentHash {
  // One-shot crypto.hash with hex output: several times cheaper per short document than
  // createHash().update().digest(), which dominated import time.
  const hex = oneShotHash('sha1', text, 'hex');
  return {
    hex,
    splitKey: parseInt(hex.slice(16, 24), 16) / 4294967296,
    lo: parseInt(hex.slice(0, 8), 16),
    hi: parseInt(hex.slice(8, 16), 16),
  };
}

/**
 * Open-addressing set of 64-bit keys in two Uint32Arrays (8 bytes a slot, load ≤ 0.75;
 * the all-zero key marks an empty slot, so key (0, 0) is stored as (1, 0)). 20 M distinct
 * documents cost 128–256 MB rather than gigabytes of strings. Keys must be uniformly
 * distributed (hash bits): the slot is the low bits of `lo`.
 */
export class HashSet64 {
  private lo = new Uint32Array(1024);
  private hi = new Uint32Array(1024);
  size = 0;

  /** Adds the key; returns false when it was already present. */
  add(lo: number, hi: number): boolean {
    lo >>>= 0;
    hi >>>= 0;
    if (lo === 0 && hi === 0) lo = 1;
    if ((this.size + 1) * 4 > this.lo.length * 3) this.grow();
    const mask = this.lo.length - 1;
    let slot = lo & mask; // keys are SHA-1 bits: already uniform
    while (this.lo[slot] !== 0 || this.hi[slot] !== 0) {
      if (this.lo[slot] === lo && this.hi[slot] === hi) return false;
      slot = (slot + 1) & mask;
    }
    this.lo[slot] = lo;
    this.hi[slot] = hi;
    this.size++;
    return true;
  }

  private grow(): void {
    const { lo, hi } = this;
    this.lo = new Uint32Array(lo.length * 2);
    this.hi = new Uint32Array(lo.length * 2);
    this.size = 0;
    for (let i = 0; i < lo.length; i++) if (lo[i] !== 0 || hi[i] !== 0) this.add(lo[i], hi[i]);
  }
}
