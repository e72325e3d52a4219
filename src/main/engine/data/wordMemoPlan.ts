// When may a tokenizer.json be encoded word by word? Decides, from the pipeline declared in
// the file, whether transformers.js' encode(text) equals the concatenation of encode(chunk)
// over the text's chunks between "boundary" characters (whitespace the normalizer keeps as
// whitespace), so that wordMemo.ts can memoise per chunk. Only pipelines where the argument
// below holds are accepted; anything else is encoded whole. Reference: @huggingface/tokenizers
// 0.2 (transformers.js 4.3) Tokenizer.encode_text, DictionarySplitter, Unigram, fuse_unk.
//
// Why it is exact, step by step, for a text t = c₀ w₁ c₁ … (cᵢ chunks, wᵢ boundary runs):
// 1. Added tokens are found by a longest-match scan; none contains whitespace, so no match
//    straddles a boundary and the scan enters every chunk afresh: sections split alike.
// 2. Each accepted normalizer step maps a boundary character to whitespace, never joins
//    characters across one (Unicode normalisation: whitespace characters are starters that
//    compose with nothing, tested exhaustively in wordMemoPlan.test.ts; Precompiled: per-
//    character maps plus NFKC; Replace: rewrites runs of spaces as spaces).
// 3. WhitespaceSplit then yields the same words; Metaspace with prepend "always" treats each
//    word alone; Unigram segments each word alone.
// 4. Unigram fuses adjacent <unk>s across words, but every word starts with the Metaspace
//    replacement, and when that is a vocabulary piece a word's first token is never <unk>.

/** Whitespace as JavaScript's \s (what WhitespaceSplit splits on): all in the BMP. */
export const JS_WHITESPACE =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a' +
  '\u2028\u2029\u202f\u205f\u3000\ufeff';

export type WordMemoPlan =
  { readonly isExact: true; readonly boundaries: string } | { readonly isExact: false; readonly reason: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const UNICODE_FORMS = new Set(['NFC', 'NFD', 'NFKC', 'NFKD']);
/** A regex for runs of one or more spaces and nothing else (never the empty string). */
const SPACE_RUN = /^ +(\+|\{[1-9]\d*,\d*\})?$/;

/** Characters a normalizer step deletes among JS_WHITESPACE, or a reason it is not accepted. */
function normalizerStep(step: unknown, deleted: Set<string>): string | null {
  if (!isObject(step)) return 'a normalizer is not an object';
  const type = step.type;
  if (typeof type === 'string' && UNICODE_FORMS.has(type)) return null;
  if (type === 'Precompiled') {
    deleted.add('\v'); // transformers.js' Precompiled removes C0 controls other than \t \n \f \r
    return null;
  }
  if (type === 'Sequence') {
    const steps = step.normalizers;
    if (!Array.isArray(steps)) return 'a normalizer Sequence has no list';
    for (const inner of steps) {
      const reason = normalizerStep(inner, deleted);
      if (reason !== null) return reason;
    }
    return null;
  }
  if (type === 'Replace') {
    const pattern = isObject(step.pattern) ? step.pattern : {};
    const isSpaceRun =
      (typeof pattern.String === 'string' && /^ +$/.test(pattern.String)) ||
      (typeof pattern.Regex === 'string' && SPACE_RUN.test(pattern.Regex));
    const content = step.content;
    if (isSpaceRun && typeof content === 'string' && /^ +$/.test(content)) return null;
    return `normalizer Replace ${JSON.stringify(step.pattern)} → ${JSON.stringify(content)} may join words`;
  }
  return `normalizer ${String(type)} is not one known to keep words apart`;
}

function preTokenizerReason(pre: unknown, vocab: ReadonlySet<string>): string | null {
  const steps = isObject(pre) && pre.type === 'Sequence' ? pre.pretokenizers : null;
  if (!Array.isArray(steps) || steps.length !== 2) return 'the pre-tokenizer is not WhitespaceSplit then Metaspace';
  const [split, meta] = steps as unknown[];
  if (!isObject(split) || split.type !== 'WhitespaceSplit' || !isObject(meta) || meta.type !== 'Metaspace') {
    return 'the pre-tokenizer is not WhitespaceSplit then Metaspace';
  }
  const replacement = meta.replacement ?? '▁';
  if (
    typeof replacement !== 'string' ||
    [...replacement].length !== 1 ||
    (meta.str_rep ?? replacement) !== replacement
  ) {
    return 'the Metaspace replacement is not one character';
  }
  if ((meta.prepend_scheme ?? 'always') !== 'always') {
    return `Metaspace prepend_scheme ${String(meta.prepend_scheme)} depends on the word's position`;
  }
  if (!vocab.has(replacement)) return `the vocabulary has no piece "${replacement}", so <unk>s could fuse across words`;
  return null;
}

function addedTokensReason(added: unknown): string | null {
  if (!Array.isArray(added)) return null;
  for (const token of added) {
    if (!isObject(token) || typeof token.content !== 'string') return 'an added token has no content';
    const content = token.content;
    if (content.length === 0 || /\s/.test(content)) return `added token ${JSON.stringify(content)} holds whitespace`;
    if (token.lstrip === true || token.rstrip === true) return `added token ${content} strips whitespace`;
    const isNormalized = token.normalized ?? token.special !== true;
    if (isNormalized === true && !/^[\x21-\x7e]+$/.test(content)) {
      return `added token ${content} is matched after normalising and is not plain ASCII`;
    }
  }
  return null;
}

function postProcessorReason(post: unknown): string | null {
  if (post === null || post === undefined) return null;
  if (!isObject(post) || post.type !== 'TemplateProcessing' || !Array.isArray(post.single)) {
    return `post-processor ${isObject(post) ? String(post.type) : '?'} is not TemplateProcessing`;
  }
  const sequences = post.single.filter((item) => isObject(item) && 'Sequence' in item);
  return sequences.length === 1 ? null : 'the TemplateProcessing template does not hold the text once';
}

/** Whether `tokenizerJson` (+ tokenizer_config.json) may be encoded per chunk, and on which boundaries. */
export function planWordMemo(tokenizerJson: unknown, tokenizerConfig: unknown = {}): WordMemoPlan {
  const no = (reason: string): WordMemoPlan => ({ isExact: false, reason });
  if (!isObject(tokenizerJson)) return no('tokenizer.json is not an object');
  const config = isObject(tokenizerConfig) ? tokenizerConfig : {};
  if (config.remove_space === true || config.do_lowercase_and_remove_accent === true) {
    return no('tokenizer_config.json asks for remove_space or lowercasing');
  }
  const model = tokenizerJson.model;
  if (!isObject(model) || model.type !== 'Unigram' || !Array.isArray(model.vocab)) {
    return no(`model ${isObject(model) ? String(model.type) : '?'} is not Unigram`);
  }
  const vocab = new Set<string>();
  for (const entry of model.vocab) if (Array.isArray(entry) && typeof entry[0] === 'string') vocab.add(entry[0]);
  const deleted = new Set<string>();
  const reason =
    (tokenizerJson.normalizer === null || tokenizerJson.normalizer === undefined
      ? null
      : normalizerStep(tokenizerJson.normalizer, deleted)) ??
    preTokenizerReason(tokenizerJson.pre_tokenizer, vocab) ??
    addedTokensReason(tokenizerJson.added_tokens) ??
    postProcessorReason(tokenizerJson.post_processor);
  if (reason !== null) return no(reason);
  const boundaries = [...JS_WHITESPACE].filter((c) => !deleted.has(c)).join('');
  return { isExact: true, boundaries };
}
