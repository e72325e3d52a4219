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

/** How over-long documents were cut: at a line break, at a space, or mid-line at the cap; and how many documents. */
export interface CutCounts {
  lineBreak: number;
  space: number;
  midLine: number;
  /** Documents cut (each into one piece more than its cuts). */
  documents: number;
}

export function newCutCounts(): CutCounts {
  return { lineBreak: 0, space: 0, midLine: 0, documents: 0 };
}

export function totalCuts(cuts: CutCounts): number {
  return cuts.lineBreak + cuts.space + cuts.midLine;
}

/** `into` with `cuts` added. */
export function addCuts(into: CutCounts, cuts: CutCounts): void {
  for (const key of ['lineBreak', 'space', 'midLine', 'documents'] as const) into[key] += cuts[key];
}

/** The summary warning for the cuts made, saying where they were made; null for none. */
export function describeCuts(cuts: CutCounts, maxChars: number): string | null {
  const total = totalCuts(cuts);
  if (total === 0) return null;
  const limit = maxChars.toLocaleString('en');
  const midLine = 'in the middle of a line (no line break or space near the limit)';
  const what = `Cut ${plural(cuts.documents, 'over-long document')} into ${plural(cuts.documents + total, 'piece')}`;
  if (cuts.lineBreak === total) return `${what} at line breaks (limit ${limit} characters)`;
  if (cuts.space === total) return `${what} at spaces (limit ${limit} characters)`;
  if (cuts.midLine === total) return `${what} at ${limit} characters, ${midLine}`;
  const kinds: [number, string][] = [
    [cuts.lineBreak, 'at a line break'],
    [cuts.space, 'at a space'],
    [cuts.midLine, midLine],
  ];
  const parts = kinds
    .filter(([count]) => count > 0)
    .map(([count, where], i) => `${count.toLocaleString('en')}${i === 0 ? ' cut' : ''} ${where}`);
  return `${what} of at most ${limit} characters: ${parts.join(', ')}`;
}

/** Receives each raw document; `isContinued` when it goes on the document cut before it (DocumentSplitter). */
export type DocumentEmit = (text: string, isContinued: boolean) => void;

/**
 * Push decoded text in any chunking; `emit` receives each raw document (untrimmed), its line
 * ends (CRLF, or a lone CR as old Mac files have them) turned into LF. A
 * document longer than `maxDocumentChars` is cut at the last newline (else space) in the
 * second half before the cap, else at the cap itself, and counted by kind in `cuts`; the
 * pieces after the first are emitted as continuing it (the import keeps them on its side of
 * the train/validation split).
 */
export class DocumentSplitter {
  private buffer = '';
  /** A CR that ended the last chunk: a CRLF split across chunks, or a lone CR (old Mac line end). */
  private isCrHeld = false;
  /** The last piece emitted was cut off: the buffer's start goes on the same document. */
  private isCutOpen = false;

  constructor(
    private readonly mode: SplitMode,
    private readonly maxDocumentChars: number,
    private readonly emit: DocumentEmit,
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
    if (this.buffer.length > 0) this.emitDocumentEnd(this.buffer);
    this.buffer = '';
    this.isCutOpen = false;
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
    for (const line of lines) this.emitDocumentEnd(line);
  }

  private drainParagraphs(): void {
    BLANK_LINE.lastIndex = 0;
    let start = 0;
    let match: RegExpExecArray | null;
    while ((match = BLANK_LINE.exec(this.buffer)) !== null) {
      // A match that reaches the end of the buffer may continue in the next chunk.
      if (match.index + match[0].length === this.buffer.length) break;
      this.emitDocumentEnd(this.buffer.slice(start, match.index));
      start = match.index + match[0].length;
    }
    if (start > 0) this.buffer = this.buffer.slice(start);
  }

  /** Emits one piece; `isCut`: the document goes on after it. */
  private emitPiece(text: string, isCut: boolean): void {
    this.emit(text, this.isCutOpen);
    this.isCutOpen = isCut;
  }

  /** The end of a document (the rest of one cut before, or a whole one), cut to the cap. */
  private emitDocumentEnd(text: string): void {
    let rest = text;
    while (rest.length > this.maxDocumentChars) {
      const cut = this.cutPoint(rest);
      this.emitPiece(rest.slice(0, cut), true);
      rest = rest.slice(cut);
    }
    this.emitPiece(rest, false);
  }

  /** The buffer (a document whose end has not come yet) cut down to the cap. */
  private capBuffer(): void {
    while (this.buffer.length > this.maxDocumentChars) {
      const cut = this.cutPoint(this.buffer);
      this.emitPiece(this.buffer.slice(0, cut), true);
      this.buffer = this.buffer.slice(cut);
    }
  }

  /** Where to cut `text` (over the cap): the last line break, else space, in the half before the cap, else the cap; counted. */
  private cutPoint(text: string): number {
    const max = this.maxDocumentChars;
    if (!this.isCutOpen) this.cuts.documents++;
    const lineBreak = text.lastIndexOf('\n', max);
    if (lineBreak >= max / 2) {
      this.cuts.lineBreak++;
      return lineBreak;
    }
    const space = text.lastIndexOf(' ', max);
    if (space >= max / 2) {
      this.cuts.space++;
      return space;
    }
    this.cuts.midLine++;
    const code = text.charCodeAt(max - 1);
    return code >= 0xd800 && code <= 0xdbff ? max - 1 : max; // keep surrogate pairs whole
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
  emit: DocumentEmit,
): { readonly emit: DocumentEmit; readonly end: () => void } {
  let pending = '';
  let isPendingContinued = false; // the first text in `pending` goes on a document cut before it
  return {
    emit(text, isContinued) {
      if (pending !== '' && pending.length + 2 + text.length > maxChars) {
        emit(pending, isPendingContinued);
        pending = '';
      }
      const isDocumentContinued = pending === '' ? isContinued : isPendingContinued;
      const document = pending === '' ? text : `${pending}\n\n${text}`;
      // Blank lines before it (a file's start, after front matter) do not stop a heading being one.
      pending = HEADING_ONLY.test(text.replace(/^(?:[ \t]*\n)+/, '').trimEnd()) ? document : '';
      isPendingContinued = isDocumentContinued;
      if (pending === '') emit(document, isDocumentContinued);
    },
    end() {
      if (pending !== '') emit(pending, isPendingContinued);
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
