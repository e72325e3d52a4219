// A streaming CSV/TSV record parser (RFC 4180: quoted fields may hold delimiters, doubled
// quotes and newlines; CRLF, LF or CR line ends). TSV follows the IANA text/tab-separated-
// values form: no quoting, a quote is an ordinary character. Lenient where files in the
// wild are (a stray quote inside an unquoted field is kept); strict where data would be
// lost (a quoted field never closed is an error naming the line it opened on).
import { DataError } from './errors';

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line on which the record starts. */
  readonly line: number;
}

type State = 'field-start' | 'unquoted' | 'quoted' | 'quote-in-quoted';

export class CsvParser {
  private state: State = 'field-start';
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private skipLf = false;

  constructor(
    private readonly file: string,
    private readonly delimiter: ',' | '\t',
    private readonly emit: (record: CsvRecord) => void,
    /** A field longer than this fails rather than filling memory. */
    private readonly maxRecordChars: number = Number.POSITIVE_INFINITY,
  ) {}

  private get isQuoting(): boolean {
    return this.delimiter === ',';
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
          this.state = 'quote-in-quoted';
        } else {
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.line++;
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
        continue;
      }
      if (c === this.delimiter.charCodeAt(0)) {
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
    if (this.field.length > this.maxRecordChars) {
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

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'field-start';
  }

  private endRecord(): void {
    const fields = this.fields;
    this.fields = [];
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === '') return;
    this.emit({ fields, line: this.recordLine });
  }
}
