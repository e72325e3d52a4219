// The import bench's generated corpus: English-like paragraphs whose word frequencies follow
// Zipf's law (rank r drawn with probability ∝ 1/r over 400k ranks, so "the" is ~7% of words
// and a 100 MB file holds about a million distinct whitespace-separated strings, as real
// English text of that size does). The top ranks are real English function words; the rest
// are seeded syllable words (longer when rarer), some capitalised as names, with commas,
// sentence ends, numbers and brackets. Seeded: the same size gives the same bytes. Written
// through writeChunks: a file it cannot write (a full disk) is a rejection.
import { writeChunks } from '../../writeChunks';
import { Rng } from '../rng';

/** Ranks 1…60: the most frequent English words, most frequent first. */
const FUNCTION_WORDS = (
  'the of and to a in is was that for it as with on by he at from his be are an this which or ' +
  'were had not have but their one they also has its after first been new she who two her more ' +
  'other all when there would into time over only can most may some these many such'
).split(' ');
const ONSETS = 't s th r l n d m c p b st h f w g pr tr ch br sh v k cl pl gr j y wh str z'.split(' ');
const VOWELS = 'a e i o u ea ou ai ee io oo ie ay y'.split(' ');
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'd', 'm', 'nd', 'ng', 'st', 'nt', 'rt', 'ck', 'll', 'ss', 'x'];
const SUFFIXES = ['', '', '', '', '', '', '', '', 's', 'ed', 'ing', 'er', 'ly', 'al', 'tion', 'ment'];
const RANKS = 400_000;
const LOG_RANKS = Math.log(RANKS);

/** An element of `list`, earlier ones more likely (the smaller of two uniform picks). */
function skewed<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.min(rng.below(list.length), rng.below(list.length))];
}

/** The word at frequency rank `rank` (1-based): a function word, or seeded syllables. */
function wordAt(rank: number): string {
  if (rank <= FUNCTION_WORDS.length) return FUNCTION_WORDS[rank - 1];
  const rng = Rng.fromWords(77, rank);
  const syllables = 1 + Math.floor(Math.log10(rank) * 0.25 + rng.nextFloat() * 0.7);
  let word = '';
  for (let i = 0; i < syllables; i++) word += skewed(rng, ONSETS) + skewed(rng, VOWELS) + skewed(rng, CODAS);
  word += skewed(rng, SUFFIXES);
  // Names: one rank in twelve past the common words is always capitalised.
  return rank > 300 && rng.below(12) === 0 ? word[0].toUpperCase() + word.slice(1) : word;
}

/** Seeded English-like text: sentences of Zipf-distributed words with punctuation and numbers. */
export class CorpusWriter {
  private readonly rng = Rng.fromWords(2024);
  private readonly words: (string | undefined)[] = new Array<string | undefined>(RANKS + 1);
  private readonly repeated: string[] = [];

  /** One paragraph; about one in fifty repeats an earlier one (the de-duplication path). */
  paragraph(): string {
    const rng = this.rng;
    if (this.repeated.length > 0 && rng.below(50) === 0) return this.repeated[rng.below(this.repeated.length)];
    const sentences = 1 + rng.below(7);
    let para = '';
    for (let s = 0; s < sentences; s++) para += (s > 0 ? ' ' : '') + this.sentence();
    if (this.repeated.length < 100) this.repeated.push(para);
    return para;
  }

  private sentence(): string {
    const rng = this.rng;
    const n = 5 + rng.below(26);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      let word = this.token();
      if (i === 0) word = word[0].toUpperCase() + word.slice(1);
      const roll = rng.below(1000);
      if (roll < 12) word = `(${word})`;
      else if (roll < 20) word = `"${word}"`;
      if (i < n - 1 && rng.below(100) < 7) word += rng.below(5) === 0 ? ';' : ',';
      parts.push(word);
    }
    const end = rng.below(100);
    return parts.join(' ') + (end < 3 ? '?' : end < 5 ? '!' : '.');
  }

  /** A word by Zipf rank (P(r) ∝ 1/r: r = ⌊RANKS^u⌋), or now and then a number. */
  private token(): string {
    const rng = this.rng;
    if (rng.below(100) < 2) {
      const kind = rng.below(4);
      if (kind === 0) return String(1700 + rng.below(330));
      if (kind === 1) return `${rng.below(100)}.${rng.below(10)}%`;
      return String(rng.below(kind === 2 ? 100 : 100_000));
    }
    const rank = Math.max(1, Math.floor(Math.exp(rng.nextFloat() * LOG_RANKS)));
    return (this.words[rank] ??= wordAt(rank));
  }
}

/** Writes `sizeMB` MiB of paragraphs separated by blank lines (cut at exactly that many bytes). */
export async function generateCorpus(
  file: string,
  sizeMB: number,
  onProgress?: (doneMB: number) => void,
): Promise<void> {
  await writeChunks(file, corpusChunks(sizeMB * 1024 * 1024, onProgress));
}

/** The corpus in chunks of about 4 MiB, `target` bytes in all; progress as each is taken. */
async function* corpusChunks(target: number, onProgress?: (doneMB: number) => void): AsyncGenerator<Buffer> {
  const writer = new CorpusWriter();
  let written = 0;
  while (written < target) {
    const paragraphs: string[] = [];
    for (let chars = 0; chars < 4 << 20;) {
      const para = writer.paragraph();
      paragraphs.push(para);
      chars += para.length + 2;
    }
    const chunk = Buffer.from(paragraphs.join('\n\n') + '\n\n');
    const buf = chunk.subarray(0, Math.max(0, Math.min(chunk.length, target - written)));
    written += buf.length;
    yield buf;
    onProgress?.(written / 1048576);
  }
}
