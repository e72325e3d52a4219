// Front matter at the top of a Markdown file: a block between two --- lines (YAML) or two +++
// lines (TOML) that Jekyll, Hugo, Obsidian and other site and note tools use for a title, a
// date, tags. It is metadata, not prose to learn from, and as a document of its own it would
// differ in every file (the dates), so duplicate removal would not catch it. Left out here, as
// the text streams in, before it is split into documents. Reference: Jekyll's front matter
// documentation (the opening fence on the first line, the closing one on a line of its own).

/** The block's first non-blank line: a YAML `key:` or a TOML `key =` (a `# comment` allowed before). */
const FIRST_KEY = /^(?:\s*#[^\n]*\n)*\s*["']?[\w.-]+["']?[ \t]*[:=]/;

/** A first block not closed within this many characters is taken for text, not front matter. */
const MAX_FRONT_MATTER_CHARS = 64 * 1024;

export type FrontMatterFence = '---' | '+++';

/** Passes text on to `next` without a leading front-matter block; `fence` (or `hasFrontMatter`) after end(). */
export class FrontMatterFilter {
  private head = '';
  private isDecided = false;
  /** The fence of the block left out: '---' (YAML) or '+++' (TOML); null for none. */
  fence: FrontMatterFence | null = null;

  get hasFrontMatter(): boolean {
    return this.fence !== null;
  }

  constructor(private readonly next: (text: string) => void) {}

  push(text: string): void {
    if (this.isDecided) return this.next(text);
    this.head += text;
    this.decide(false);
  }

  end(): void {
    if (!this.isDecided) this.decide(true);
  }

  private decide(isEnd: boolean): void {
    const firstLineEnd = this.head.indexOf('\n');
    if (firstLineEnd < 0 && !isEnd && this.head.length < 8) return; // the first line is still arriving
    const fence = /^(---|\+\+\+)[ \t]*\r?(\n|$)/.exec(this.head);
    let rest: string | undefined = this.head;
    if (fence) {
      const closing = new RegExp(`\\n${fence[1] === '---' ? '---' : '\\+\\+\\+'}[ \\t]*\\r?(\\n|$)`, 'g');
      closing.lastIndex = fence[0].length - 1;
      const match = closing.exec(this.head);
      const isWhole = match !== null && (match[1] === '\n' || isEnd);
      // A rule (---) opening a document is not front matter: the block's first line must set a key.
      const isKeys = isWhole && FIRST_KEY.test(this.head.slice(fence[0].length, match.index + 1));
      if (isWhole && isKeys) {
        rest = this.head.slice(match.index + match[0].length);
        this.fence = fence[1] === '---' ? '---' : '+++';
      } else if (!isWhole && !isEnd && this.head.length <= MAX_FRONT_MATTER_CHARS) rest = undefined; // wait for more
    }
    if (rest === undefined) return;
    this.isDecided = true;
    this.head = '';
    if (rest !== '') this.next(rest);
  }
}
