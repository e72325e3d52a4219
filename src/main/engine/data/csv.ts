// A streaming CSV/TSV record parser (RFC 4180: quoted fields may hold delimiters, doubled
// quotes and newlines; CRLF, LF or CR line ends), with commas or, as Excel writes CSV where
// the decimal mark is a comma, semicolons, or tabs (csvDelimiter), or what Excel's `sep=` first
// line names (sepDirective). TSV follows the IANA text/tab-separated-values form: no quoting,
// a quote is an ordinary character; fields that look quoted the CSV way (pandas writes such
// .tsv files) come back as a warning, since their rows may be cut. Lenient where files in the
// wild are (a stray quote inside an unquoted field is kept); strict where data would be
// lost (a quoted field never closed is an error naming the line it opened on). A quoted
// field spanning lines is legal but is also what a misplaced quote looks like (rows merged
// into one field), so those and very long fields come back as warnings with their lines.
import { DataError } from './errors';

export interface CsvRecord {
  /** None for a blank line (as Python's csv.reader gives it); a lone `""` is one empty field. */
  readonly fields: string[];
  /** 1-based line on which the record starts. */
  readonly line: number;
}

type State = 'field-start' | 'unquoted' | 'quoted' | 'quote-in-quoted';

/** One character that separates fields, and whether quotes enclose fields (CSV) or not (TSV). */
export interface CsvDialect {
  readonly delimiter: string;
  readonly quoting: boolean;
}

/**
 * A .csv file's delimiter, from its header line: the most frequent of comma, semicolon (Excel's
 * "CSV" in French, German and other locales) and tab (pandas' to_csv with sep="\t") outside
 * quotes; a tie goes to the comma, then the semicolon.
 */
export function csvDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let isQuoted = false;
  for (const c of headerLine) {
    if (c === '"') isQuoted = !isQuoted;
    else if (!isQuoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  const best = Math.max(counts[','], counts[';'], counts['\t']);
  return counts[','] === best ? ',' : counts[';'] === best ? ';' : '\t';
}

/** The delimiter an Excel `sep=X` first line names, or null when the line is no such directive. */
export function sepDirective(firstLine: string): string | null {
  const m = /^sep=([^"\r\n])$/i.exec(firstLine);
  return m === null ? null : m[1];
}

/** Tells a .tsv's quotes from CSV quoting: a field opening with a quote that it leaves open, or
 *  one wrapped in quotes with doubled quotes inside, is what a CSV writer makes. */
function looksCsvQuoted(field: string): boolean {
  if (field.charCodeAt(0) !== 34) return false;
  let quotes = 0;
  for (let i = 0; i < field.length; i++) if (field.charCodeAt(i) === 34) quotes++;
  return quotes % 2 === 1 || (field.length > 3 && field.endsWith('"') && field.slice(1, -1).includes('""'));
}

const TSV_QUOTING_HINT =
  'a .tsv is read without CSV quoting, so those quotes stay in the text and a quoted line break ends the row; ' +
  'if the file was written with CSV quoting (pandas to_csv with sep="\\t", Excel), rename it to .csv, which is ' +
  'read with quotes and with tabs when its header has more tabs than commas';

/** A field longer than this is reported (not refused): few real text cells are this long. */
export const LONG_FIELD_CHARS = 100_000;
/** How many line ranges a warning lists before "and N more". */
const LISTED = 5;

/** Counts of notable fields plus the first few, for a warning. */
class Notes {
  count = 0;
  readonly listed: string[] = [];
  add(describe: () => string): void {
    if (this.count++ < LISTED) this.listed.push(describe());
  }
  get list(): string {
    return this.listed.join(', ') + (this.count > LISTED ? ` and ${this.count - LISTED} more` : '');
  }
}

export class CsvParser {
  private state: State = 'field-start';
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private skipLf = false;
  private crInQuoted = false; // a CR inside quotes: an LF right after it is the same line end
  private wasQuoted = false;
  private isRecordQuoted = false; // a field of the record so far was quoted: `""` alone is no blank line
  private readonly multiLine = new Notes();
  private readonly long = new Notes();
  private readonly csvQuotedLook = new Notes();
  private readonly delimiter: number;
  private readonly isQuoting: boolean;

  constructor(
    private readonly file: string,
    dialect: CsvDialect,
    private readonly emit: (record: CsvRecord) => void,
    /** A field longer than this fails rather than filling memory. */
    private readonly maxRecordChars: number = Number.POSITIVE_INFINITY,
  ) {
    this.delimiter = dialect.delimiter.charCodeAt(0);
    this.isQuoting = dialect.quoting;
  }

  push(text: string): void {
    let pieceStart = -1; // start of a run of plain characters not yet appended to `field`
    const flush = (end: number): void => {
      if (pieceStart >= 0) this.field += text.slice(pieceStart, end);
      pieceStart = -1;
    };
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.skipLf) {
        this.skipLf = false;
        if (c === 10) continue;
      }
      if (this.state === 'quoted') {
        if (c === 34) {
          flush(i);
          this.crInQuoted = false;
          this.state = 'quote-in-quoted';
        } else {
          if (c === 13 || (c === 10 && !this.crInQuoted)) this.line++;
          this.crInQuoted = c === 13;
          if (pieceStart < 0) pieceStart = i;
        }
        continue;
      }
      if (this.state === 'quote-in-quoted' && c === 34) {
        this.field += '"'; // doubled quote
        this.state = 'quoted';
        continue;
      }
      if (c === 34 && this.state === 'field-start' && this.isQuoting) {
        this.state = 'quoted';
        this.quoteLine = this.line;
        this.wasQuoted = true;
        this.crInQuoted = false;
        continue;
      }
      if (c === this.delimiter) {
        flush(i);
        this.endField();
      } else if (c === 10 || c === 13) {
        flush(i);
        this.endField();
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        this.skipLf = c === 13;
      } else {
        this.state = 'unquoted'; // also after a closing quote: `"ab"c` reads as abc
        if (pieceStart < 0) pieceStart = i;
      }
    }
    flush(text.length);
    this.checkFieldLength();
  }

  /** The memory bound: a field (usually an unclosed quote) over the cap fails with its line. */
  private checkFieldLength(): void {
    if (this.field.length <= this.maxRecordChars) return;
    const where =
      this.state === 'quoted' ? `the quoted field opened on line ${this.quoteLine}` : `line ${this.recordLine}`;
    throw new DataError(
      'bad-csv',
      `${this.file}: ${where} is longer than ${this.maxRecordChars} characters; is a quote never closed?`,
      this.file,
      null,
      this.state === 'quoted' ? this.quoteLine : this.recordLine,
    );
  }

  end(): void {
    if (this.state === 'quoted') {
      throw new DataError(
        'bad-csv',
        `${this.file}: the quoted field opened on line ${this.quoteLine} is never closed`,
        this.file,
        null,
        this.quoteLine,
      );
    }
    if (this.state !== 'field-start' || this.fields.length > 0 || this.field.length > 0) {
      this.endField();
      this.endRecord();
    }
  }

  /** Warnings about legal but suspicious fields seen so far (see the file comment). */
  get warnings(): string[] {
    const out: string[] = [];
    const m = this.multiLine;
    if (m.count > 0) {
      out.push(
        `${this.file}: ${m.count} quoted field${m.count === 1 ? ' spans' : 's span'} more than one line (lines ${m.list}). ` +
          'That is legal CSV, but if a quote was meant to close on its own line, the rows in between were read into that field: check the quotes there',
      );
    }
    const l = this.long;
    if (l.count > 0) {
      out.push(
        `${this.file}: ${l.count} field${l.count === 1 ? ' is' : 's are'} longer than ${LONG_FIELD_CHARS} characters (${l.list}); ` +
          `check that ${l.count === 1 ? 'its' : 'their'} quotes and delimiters are where you meant`,
      );
    }
    const tsv = this.tsvQuotingNote;
    if (tsv !== null) out.push(`${this.file}: ${tsv}`);
    return out;
  }

  /** Without quoting: how many fields looked quoted the CSV way, and what to do; null if none. */
  get tsvQuotingNote(): string | null {
    const q = this.csvQuotedLook;
    if (q.count === 0) return null;
    const lines = q.count === 1 ? 'line' : 'lines';
    return `${q.count} field${q.count === 1 ? ' looks' : 's look'} quoted the CSV way (${lines} ${q.list}); ${TSV_QUOTING_HINT}`;
  }

  private endField(): void {
    const { field, line, quoteLine } = this;
    if (this.wasQuoted && line > quoteLine) this.multiLine.add(() => `${quoteLine}–${line}`);
    const start = this.wasQuoted ? quoteLine : line;
    if (field.length > LONG_FIELD_CHARS) this.long.add(() => `line ${start}: ${field.length} characters`);
    if (!this.isQuoting && looksCsvQuoted(field)) this.csvQuotedLook.add(() => `${line}`);
    this.fields.push(field);
    this.field = '';
    this.isRecordQuoted ||= this.wasQuoted;
    this.wasQuoted = false;
    this.state = 'field-start';
  }

  private endRecord(): void {
    const fields = this.fields;
    const isBlankLine = fields.length === 1 && fields[0] === '' && !this.isRecordQuoted;
    this.fields = [];
    this.isRecordQuoted = false;
    // A blank line is a record of no fields: whether it is a row is the reader's to say (a
    // one-column file's empty value, or a gap between a wider file's rows).
    this.emit({ fields: isBlankLine ? [] : fields, line: this.recordLine });
  }
}
