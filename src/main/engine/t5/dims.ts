// Dimension letters used in shape comments across engine/t5 (defined once, here).
// Reference: STYLE.md "A shape comment on each line that makes a tensor".
//
//   B  batch (rows)            Te encoder length        Td decoder length
//   D  model width (d_model)   H  attention heads       Dk per-head width (d_kv)
//   I  inner attention width H·Dk (≠ D allowed)          F  FFN width (d_ff)
//   V  vocabulary              R  relative-position buckets
//   P  past (cached) decoder positions; N beams·batch rows during generation

/** Names of the dimension letters, for documentation and error messages. */
export const DIMENSION_LETTERS = {
  B: 'batch',
  Te: 'encoder length',
  Td: 'decoder length',
  D: 'd_model',
  H: 'num_heads',
  Dk: 'd_kv',
  I: 'num_heads * d_kv',
  F: 'd_ff',
  V: 'vocab_size',
  R: 'relative_attention_num_buckets',
  P: 'past decoder positions',
  N: 'generation rows (batch * beams)',
} as const;
