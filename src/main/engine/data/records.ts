// Readers that turn decoded text of one file into raw documents: plain text (split by
// documents.ts), JSON Lines (a chosen field, a dotted path allowed) and CSV/TSV (a chosen
// column from the header row). Each is a push/end consumer so the file streams through.
// Errors name the file and the 1-based line.
import { CsvParser, csvDelimiter, sepDirective, type CsvDialect, type CsvRecord } from './csv';
import { DocumentSplitter, joinHeadings, newCutCounts, type CutCounts, type SplitMode } from './documents';
import { FrontMatterFilter, type FrontMatterFence } from './frontMatter';
import { DataError } from './errors';
import type { SourceFormat } from './sources';
import { errorMessage } from '../../../shared/errors';

export interface TextConsumer {
  push(text: string): void;
  end(): void;
  /** Documents that hit the size cap and were cut, by where they were cut. */
  readonly cuts: CutCounts;
  /** Legal but suspicious things in the file (CSV fields spanning lines); read after end(). */
  readonly warnings: readonly string[];
  /** The fence of a Markdown file's front matter left out ('---' or '+++'), null for none; read after end(). */
  readonly frontMatterFence?: FrontMatterFence | null;
}

/**
 * Receives each raw document and its 1-based line (records; null in plain text), and
 * `isContinued` when it goes on a document cut before it for its size (DocumentSplitter).
 */
export type RawDocumentSink = (text: string, line: number | null, isContinued: boolean) => void;

/** Splits an in-memory record value the way DocumentSplitter would split a file. */
function splitRecord(
  text: string,
  mode: SplitMode,
  maxChars: number,
  line: number,
  emit: RawDocumentSink,
  cuts: CutCounts,
): void {
  if (mode === 'whole' && text.length <= maxChars) return emit(text, line, false);
  const splitter = new DocumentSplitter(mode, maxChars, (t, isContinued) => emit(t, line, isContinued), cuts);
  splitter.push(text);
  splitter.end();
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first keys of an object, as " (fields: a, b)" with the given ends; '' for none. */
function fieldList(value: Record<string, unknown>, open: string, close: string): string {
  const keys = Object.keys(value);
  return keys.length > 0 ? `${open}${keys.slice(0, 12).join(', ')}${close}` : '';
}

class JsonlReader implements TextConsumer {
  private buffer = '';
  private line = 0;
  readonly cuts = newCutCounts();
  readonly warnings: readonly string[] = [];
  private readonly path: string[];

  constructor(
    private readonly file: string,
    private readonly field: string,
    private readonly split: SplitMode,
    private readonly maxChars: number,
    private readonly maxRecordChars: number,
    private readonly emit: RawDocumentSink,
  ) {
    this.path = field.split('.');
  }

  push(text: string): void {
    this.buffer += text;
    const last = this.buffer.lastIndexOf('\n');
    if (last >= 0) {
      const lines = this.buffer.slice(0, last).split('\n');
      this.buffer = this.buffer.slice(last + 1);
      for (const l of lines) this.readLine(l);
    }
    if (this.buffer.length > this.maxRecordChars) {
      this.line++;
      this.fail(
        'bad-json',
        `longer than ${this.maxRecordChars} characters without a line break; JSON Lines needs one record per line`,
      );
    }
  }

  end(): void {
    if (this.buffer.length > 0) this.readLine(this.buffer);
    this.buffer = '';
  }

  private fail(code: 'bad-json' | 'missing-field', message: string): never {
    throw new DataError(code, `${this.file} line ${this.line}: ${message}`, this.file, null, this.line);
  }

  /**
   * The field's value: a top-level key spelled as the whole field ("a.b") first, then the
   * dotted path (key "b" of key "a"); a missing one fails saying both were tried.
   */
  private fieldOf(record: unknown): unknown {
    if (isRecord(record) && Object.hasOwn(record, this.field)) return record[this.field];
    let value = record;
    for (let depth = 0; depth < this.path.length; depth++) {
      const key = this.path[depth];
      if (!isRecord(value) || !Object.hasOwn(value, key)) this.failMissing(record, value, depth);
      value = value[key];
    }
    return value;
  }

  /** The field is not in `record`: `value` is where the path (at `depth`) found no key to follow. */
  private failMissing(record: unknown, value: unknown, depth: number): never {
    const fix = 'name the field that holds the text (`--field NAME`; in the app, Options → JSONL field)';
    if (!isRecord(record)) this.fail('missing-field', `no field "${this.field}" in ${describeType(record)}; ${fix}`);
    const listed = fieldList(record, ' (fields: ', ')');
    if (this.path.length === 1) this.fail('missing-field', `no field "${this.field}"${listed}; ${fix}`);
    const [parent, key] = [this.path.slice(0, depth).join('.'), this.path[depth]];
    const why =
      depth === 0
        ? `there is no field "${key}"`
        : isRecord(value)
          ? `"${parent}" has no field "${key}"${fieldList(value, ' (its fields: ', ')')}`
          : `"${parent}" is ${describeType(value)}, not an object with a field "${key}"`;
    this.fail(
      'missing-field',
      `no field "${this.field}"${listed}, and read as a path (a dot between names), ${why}; ${fix}`,
    );
  }

  private readLine(raw: string): void {
    this.line++;
    const text = raw.trim();
    if (text.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.fail('bad-json', `not valid JSON (${errorMessage(e)})`);
    }
    // A line that is a JSON string is the document itself (`jq -c '.[]'` of an array of
    // strings writes such a file); the field names the text in object lines.
    if (typeof value !== 'string') value = this.fieldOf(value);
    // An explicit null is an empty record: counted with the empty ones dropped, not lost unsaid.
    if (value === null) return this.emit('', this.line, false);
    if (typeof value !== 'string')
      this.fail('missing-field', `field "${this.field}" is ${describeType(value)}, expected a string`);
    splitRecord(value, this.split, this.maxChars, this.line, this.emit, this.cuts);
  }
}

/** How much of a .csv is held, at most, while its header line arrives to pick the delimiter. */
const HEADER_LOOKAHEAD_CHARS = 1 << 20;

class CsvReader implements TextConsumer {
  /** Null for a .csv until its header line is in (the delimiter comes from it). */
  private parser: CsvParser | null = null;
  private head = '';
  private columnIndex = -1;
  private header: string[] | null = null;
  /** Blank rows of a one-column file not yet followed by a row (onBlankOrLoneEmpty). */
  private blankRows = 0;
  /** How the rows are read (null for a .csv until its header line is in). */
  private dialect: CsvDialect | null = null;
  /** Excel's `sep=X` line opened the file: its record (line 1) is no header. */
  private skipSepLine = false;
  readonly cuts = newCutCounts();

  constructor(
    private readonly file: string,
    delimiter: '\t' | 'from-header',
    private readonly column: string,
    private readonly split: SplitMode,
    private readonly maxChars: number,
    private readonly maxRecordChars: number,
    private readonly emit: RawDocumentSink,
  ) {
    if (delimiter === '\t') this.parser = this.startParser({ delimiter: '\t', quoting: false });
  }

  private startParser(dialect: CsvDialect): CsvParser {
    this.dialect = dialect;
    return new CsvParser(this.file, dialect, (r) => this.onRecord(r), this.maxRecordChars);
  }

  push(text: string): void {
    if (this.parser !== null) return this.parser.push(text);
    this.head += text;
    const lineEnd = this.head.search(/[\r\n]/);
    if (lineEnd < 0 && this.head.length < HEADER_LOOKAHEAD_CHARS) return;
    this.startHeadParser(lineEnd < 0 ? this.head : this.head.slice(0, lineEnd));
  }

  private startHeadParser(headerLine: string): void {
    const named = sepDirective(headerLine);
    this.skipSepLine = named !== null;
    const parser = (this.parser = this.startParser({ delimiter: named ?? csvDelimiter(headerLine), quoting: true }));
    const head = this.head;
    this.head = '';
    parser.push(head);
  }

  get warnings(): readonly string[] {
    return this.parser?.warnings ?? [];
  }

  end(): void {
    if (this.parser === null) this.startHeadParser(this.head);
    this.parser?.end();
    if (this.header === null) throw new DataError('no-text', `${this.file} has no header row`, this.file);
  }

  private onRecord(record: CsvRecord): void {
    if (this.skipSepLine) {
      this.skipSepLine = false;
      return;
    }
    if (this.header === null) return record.fields.length === 0 ? undefined : this.readHeader(record);
    if (record.fields.length <= 1 && (record.fields[0] ?? '') === '') return this.onBlankOrLoneEmpty(record);
    this.emitBlankRows(record.line);
    if (this.columnIndex >= record.fields.length) {
      const fields = `${record.fields.length} field${record.fields.length === 1 ? '' : 's'}`;
      throw new DataError(
        'bad-csv',
        `${this.file} line ${record.line}: the row has ${fields}, ` +
          `so no "${this.column}" (column ${this.columnIndex + 1} of ${this.header.length})` +
          (this.parser?.tsvQuotingNote ? `; ${this.parser.tsvQuotingNote}` : `; ${this.shortRowAdvice()}`),
        this.file,
        null,
        record.line,
      );
    }
    splitRecord(record.fields[this.columnIndex], this.split, this.maxChars, record.line, this.emit, this.cuts);
  }

  /**
   * A blank line, or a lone `""`. In a one-column file it is a row with an empty value, dropped
   * and counted as the empty values of wider files are: a `""` at once, a blank line once a row
   * follows it (the blank lines that end a file are no rows). A wider file's holds none of its
   * columns: no row, passed over as before.
   */
  private onBlankOrLoneEmpty(record: CsvRecord): void {
    if (this.header?.length !== 1) return;
    if (record.fields.length === 0) return void this.blankRows++;
    this.emitBlankRows(record.line);
    this.emit('', record.line, false);
  }

  /** The blank rows before the row on `line`, as the empty rows they are (dropped, so no line of their own is kept). */
  private emitBlankRows(line: number): void {
    for (; this.blankRows > 0; this.blankRows--) this.emit('', line, false);
  }

  /** The header row: the text's column, which must be there, once. */
  private readHeader(record: CsvRecord): void {
    const header = (this.header = record.fields.map((f) => f.trim()));
    this.columnIndex = header.indexOf(this.column);
    const fail = (message: string, code: 'missing-column' | 'bad-csv') => {
      throw new DataError(code, `${this.file} ${message}`, this.file, null, record.line);
    };
    if (this.columnIndex < 0)
      fail(
        `has no column "${this.column}"; its columns are: ${header.join(', ')}; ` +
          'name the column that holds the text (`--column NAME`; in the app, Options → CSV column)',
        'missing-column',
      );
    const same = header.flatMap((name, index) => (name === this.column ? [index + 1] : []));
    // Taking the first silently could import the wrong one (a spreadsheet's copied column).
    if (same.length > 1)
      fail(
        `has ${same.length} columns named "${this.column}" (columns ${same.join(', ')}); rename all but the one ` +
          'that holds the text in its header row, then import it again',
        'bad-csv',
      );
  }

  /** What to look for in a row short of the text's column, by how the file's rows are read. */
  private shortRowAdvice(): string {
    const delimiter = this.dialect?.delimiter ?? ',';
    const name = DELIMITER_NAMES[delimiter] ?? `"${delimiter}"`;
    const quoted = this.dialect?.quoting === false ? '' : `, or a value holding a ${name} not in double quotes`;
    return `that row needs a value in column ${this.columnIndex + 1}: look for a missing ${name}${quoted}`;
  }
}

/** A delimiter as a message names it. */
const DELIMITER_NAMES: Readonly<Record<string, string>> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'bar' };

export interface ReaderOptions {
  readonly field: string;
  readonly column: string;
  /** Undefined: blank-line for plain text, whole record for JSONL/CSV/TSV. */
  readonly split: SplitMode | undefined;
  readonly maxDocumentChars: number;
  /** Longest JSONL line / CSV field held in memory; longer fails with the line number. */
  readonly maxRecordChars: number;
}

/**
 * 64 M characters (128 MB as a JS string). NOTE: a record must be held whole to parse it, so
 * this is what keeps a mislabelled file (a JSON array on one line, a CSV quote never closed)
 * from exhausting memory instead of failing with a message.
 */
export const DEFAULT_MAX_RECORD_CHARS = 64 * 1024 * 1024;

const MARKDOWN = /\.(md|markdown)$/i;

export function createReader(
  file: string,
  format: SourceFormat,
  options: ReaderOptions,
  emit: RawDocumentSink,
): TextConsumer {
  const max = options.maxDocumentChars;
  switch (format) {
    case 'text': {
      const split = options.split ?? 'blank-line';
      const toSink = (t: string, isContinued: boolean): void => emit(t, null, isContinued);
      // Markdown's headings stay with the paragraph under them (documents.ts joinHeadings).
      const headings = split === 'blank-line' && MARKDOWN.test(file) ? joinHeadings(max, toSink) : null;
      const splitter = new DocumentSplitter(split, max, headings?.emit ?? toSink);
      // A Markdown file's front matter (title, date, tags) is left out: frontMatter.ts.
      const frontMatter = MARKDOWN.test(file) ? new FrontMatterFilter((t) => splitter.push(t)) : null;
      const end = (): void => {
        frontMatter?.end();
        splitter.end();
        headings?.end();
      };
      return {
        push: (t) => (frontMatter ? frontMatter.push(t) : splitter.push(t)),
        end,
        cuts: splitter.cuts,
        warnings: [],
        get frontMatterFence() {
          return frontMatter?.fence ?? null;
        },
      };
    }
    case 'jsonl':
      return new JsonlReader(file, options.field, options.split ?? 'whole', max, options.maxRecordChars, emit);
    case 'csv':
      return new CsvReader(
        file,
        'from-header',
        options.column,
        options.split ?? 'whole',
        max,
        options.maxRecordChars,
        emit,
      );
    case 'tsv':
      return new CsvReader(file, '\t', options.column, options.split ?? 'whole', max, options.maxRecordChars, emit);
  }
}
