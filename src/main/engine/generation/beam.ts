// Beam search over a Seq2SeqGenerator with HF semantics (transformers ≥ 4.50 `_beam_search`:
// _get_top_k_continuations, _update_finished_beams, _check_early_stop_heuristic). Scores are
// Σ log p; a finished hypothesis scores Σ log p / generated_len^lengthPenalty, where
// generated_len counts generated tokens including EOS (not the decoder start token).

import type { DecodingStrategy, GenerationOptions, GenerationResult, Seq2SeqGenerator } from './types';
import { logSoftmaxRow } from './logits';
import { isEndToken } from './types';

type BeamStrategy = Extract<DecodingStrategy, { kind: 'beam' }>;

interface Candidate {
  readonly score: number; // running Σ log p including this token
  readonly beam: number; // source beam within the prompt
  readonly token: number;
}

interface Hypothesis {
  readonly tokens: number[];
  readonly score: number;
}

/** Per prompt: running beams, finished hypotheses and the early-stop flag. */
interface PromptBeams {
  running: { tokens: number[]; score: number }[];
  finished: Hypothesis[];
  isImprovementPossible: boolean;
}

const NEG = -1e9; // HF's "never choose" offset

/** The best `count` (beam, token) continuations of one prompt, best first. */
function topContinuations(
  logits: Float32Array,
  prompt: PromptBeams,
  firstRow: number,
  vocab: number,
  count: number,
): Candidate[] {
  const best: Candidate[] = [];
  prompt.running.forEach((beam, k) => {
    const logp = logSoftmaxRow(logits, (firstRow + k) * vocab, vocab);
    for (let token = 0; token < vocab; token++) {
      const score = beam.score + logp[token];
      if (best.length === count && score <= best[count - 1].score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1].score < score) at--;
      best.splice(at, 0, { score, beam: k, token });
      if (best.length > count) best.pop();
    }
  });
  return best;
}

/**
 * One step for one prompt: choose the next running beams, add newly finished hypotheses, and
 * update the early-stop heuristic. Returns, per new beam, the beam it continues.
 */
function advancePrompt(
  prompt: PromptBeams,
  candidates: readonly Candidate[],
  generatedLen: number,
  isLastStep: boolean,
  options: GenerationOptions & { strategy: BeamStrategy },
): number[] {
  const numBeams = options.strategy.numBeams;
  const lengthPenalty = options.strategy.lengthPenalty ?? 1;
  const earlyStopping = options.strategy.earlyStopping ?? false;
  const hitsStop = candidates.map((c) => isEndToken(options, c.token) || isLastStep);
  const ranked = candidates
    .map((c, i) => ({ c, score: c.score + (hitsStop[i] ? NEG : 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, numBeams);
  const isFull = prompt.finished.length >= numBeams;
  if (prompt.isImprovementPossible && !(isFull && earlyStopping === true)) {
    candidates.slice(0, numBeams).forEach((c, i) => {
      if (!hitsStop[i]) return;
      const tokens = [...prompt.running[c.beam].tokens, c.token];
      prompt.finished.push({ tokens, score: c.score / generatedLen ** lengthPenalty });
    });
    prompt.finished.sort((a, b) => b.score - a.score);
    prompt.finished.length = Math.min(prompt.finished.length, numBeams);
  }
  const sources = ranked.map((r) => r.c.beam);
  prompt.running = ranked.map((r) => ({ tokens: [...prompt.running[r.c.beam].tokens, r.c.token], score: r.score }));
  // Could a running beam still beat the worst finished one? (length = tokens generated so far,
  // or the maximum when earlyStopping is 'never' and longer sequences are favoured).
  const maxLen = options.maxNewTokens;
  const bestLen = earlyStopping === 'never' && lengthPenalty > 0 ? maxLen : generatedLen;
  const bestPossible = prompt.running[0].score / bestLen ** lengthPenalty;
  const worstFinished = prompt.finished.length >= numBeams ? prompt.finished[numBeams - 1].score : NEG;
  prompt.isImprovementPossible = prompt.isImprovementPossible && bestPossible > worstFinished;
  return sources;
}

export async function beamSearch(
  model: Seq2SeqGenerator,
  prompts: readonly (readonly number[])[],
  options: GenerationOptions & { strategy: BeamStrategy },
): Promise<GenerationResult> {
  const numBeams = options.strategy.numBeams;
  const vocab = model.vocabSize;
  const rowPrompt = prompts.flatMap((_, b) => new Array<number>(numBeams).fill(b));
  const state: PromptBeams[] = prompts.map(() => ({
    // Only beam 0 is live at the start; the copies would otherwise yield duplicate beams.
    running: Array.from({ length: numBeams }, (_, k) => ({ tokens: [], score: k === 0 ? 0 : NEG })),
    finished: [],
    isImprovementPossible: true,
  }));
  const session = await model.start(prompts, rowPrompt, options.maxNewTokens);
  try {
    let tokens = rowPrompt.map(() => options.decoderStartTokenId);
    for (let step = 0; step < options.maxNewTokens; step++) {
      options.signal?.throwIfAborted();
      const logits = await session.step(tokens);
      const isLastStep = step + 1 === options.maxNewTokens;
      const order: number[] = [];
      let isEveryCandidateStopped = true;
      state.forEach((prompt, b) => {
        const candidates = topContinuations(logits, prompt, b * numBeams, vocab, 2 * numBeams);
        if (candidates.some((c) => !isEndToken(options, c.token))) isEveryCandidateStopped = false;
        const sources = advancePrompt(prompt, candidates, step + 1, isLastStep, options);
        order.push(...sources.map((k) => b * numBeams + k));
      });
      const isAllFull = state.every((p) => p.finished.length >= numBeams);
      const isDone =
        !state.some((p) => p.isImprovementPossible) ||
        (isAllFull && options.strategy.earlyStopping === true) ||
        isEveryCandidateStopped;
      if (isDone || isLastStep) break;
      session.reorder(order);
      tokens = state.flatMap((p) => p.running.map((r) => r.tokens[r.tokens.length - 1]));
    }
  } finally {
    await session.close();
  }
  const best = state.map((p) => p.finished[0] ?? { tokens: p.running[0].tokens, score: p.running[0].score });
  return {
    sequences: best.map((h) => [options.decoderStartTokenId, ...h.tokens]),
    scores: best.map((h) => h.score),
  };
}
