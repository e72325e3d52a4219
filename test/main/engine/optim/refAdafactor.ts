// Adafactor in float64, written out from the paper's algorithm with HF transformers'
// conventions (Shazeer & Stern 2018; optimization.py): the reference the graph's update
// (optimizers.test.ts) and the host's WebAssembly kernel (wasm/adafactorKernel.test.ts) are held to.

export type Arrays = Record<string, number[]>;

export interface RefAdafactor {
  relativeStep: boolean;
  scaleParameter: boolean;
  beta1?: number;
  weightDecay: number;
  /** Update clipping threshold d (default 1). */
  clipThreshold?: number;
  /** ε₁ added to g² (default 1e-30). */
  eps1?: number;
}

function rmsOf(x: number[]): number {
  return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
}

/** One Adafactor step of a parameter of `shape` at step t (1-based), in place: p and the state st (row/col or sq, and m with β₁). */
export function refAdafactor(
  p: number[],
  shape: number[],
  g: number[],
  st: Arrays,
  t: number,
  lr: number,
  c: RefAdafactor,
): void {
  const beta2t = 1 - t ** -0.8;
  const g2 = g.map((x) => x * x + (c.eps1 ?? 1e-30));
  let u: number[];
  if (shape.length >= 2) {
    const [R, C] = shape.slice(-2);
    const B = p.length / (R * C);
    u = new Array<number>(p.length);
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let k = 0; k < C; k++) s += g2[(b * R + r) * C + k];
        st.row[b * R + r] = beta2t * st.row[b * R + r] + (1 - beta2t) * (s / C);
      }
      for (let k = 0; k < C; k++) {
        let s = 0;
        for (let r = 0; r < R; r++) s += g2[(b * R + r) * C + k];
        st.col[b * C + k] = beta2t * st.col[b * C + k] + (1 - beta2t) * (s / R);
      }
      let rowMean = 0;
      for (let r = 0; r < R; r++) rowMean += st.row[b * R + r] / R;
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < C; k++) {
          const i = (b * R + r) * C + k;
          u[i] = g[i] / Math.sqrt(st.row[b * R + r] / rowMean) / Math.sqrt(st.col[b * C + k]);
        }
      }
    }
  } else {
    for (let i = 0; i < p.length; i++) st.sq[i] = beta2t * st.sq[i] + (1 - beta2t) * g2[i];
    u = g.map((x, i) => x / Math.sqrt(st.sq[i]));
  }
  const clipDiv = Math.max(1, rmsOf(u) / (c.clipThreshold ?? 1));
  const rho = c.relativeStep ? Math.min(1e-2, 1 / Math.sqrt(t)) : lr;
  const alpha = c.scaleParameter ? rho * Math.max(1e-3, rmsOf(p)) : rho;
  u = u.map((x) => (x / clipDiv) * alpha);
  if (c.beta1 !== undefined) {
    for (let i = 0; i < p.length; i++) st.m[i] = c.beta1 * st.m[i] + (1 - c.beta1) * u[i];
    u = [...st.m];
  }
  for (let i = 0; i < p.length; i++) p[i] = p[i] - c.weightDecay * alpha * p[i] - u[i];
}
