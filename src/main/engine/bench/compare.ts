// Spanfill's training step against PyTorch's on the same model and shapes (`spanfill bench
// compare`, `npm run bench:compare`): reads the JSON that bench/torch_t5.py prints, and turns
// two results into ratio rows (Spanfill ÷ PyTorch) with issue #11's targets where the shape
// is one the issue sets a target for. Pure: running either side is the CLI's business.

/** What both sides report: bench train's result and bench/torch_t5.py's `train` JSON. */
export interface TrainSide {
  readonly parameters: number;
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly msPerStep: number;
  readonly tokensPerSecond: number;
  readonly peakRssMb: number;
}

/** bench/torch_t5.py `train` output. */
export interface TorchTrainResult extends TrainSide {
  readonly torch: string;
  readonly threads: number;
  readonly firstStepMs: number;
  readonly minMsPerStep: number;
  readonly maxMsPerStep: number;
  readonly losses: number[];
}

const NUMBER_FIELDS = [
  'threads',
  'parameters',
  'batchSize',
  'inputLength',
  'targetLength',
  'firstStepMs',
  'msPerStep',
  'minMsPerStep',
  'maxMsPerStep',
  'tokensPerSecond',
  'peakRssMb',
] as const;

/** Parses the last line `source` printed; throws naming the source and the bad field. */
export function parseTorchTrainResult(stdout: string, source: string): TorchTrainResult {
  const line = stdout.trim().split('\n').pop() ?? '';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new Error(`${source} did not print a JSON result; its last line was ${JSON.stringify(line.slice(0, 200))}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${source} printed ${line}, not a JSON object`);
  const json = raw as Record<string, unknown>;
  for (const field of NUMBER_FIELDS) {
    const value = json[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`${source}: "${field}" should be a non-negative number; got ${JSON.stringify(value)}`);
    }
  }
  if (typeof json.torch !== 'string') throw new Error(`${source}: "torch" should be the torch version string`);
  if (!Array.isArray(json.losses) || !json.losses.every((x) => typeof x === 'number')) {
    throw new Error(`${source}: "losses" should be an array of numbers`);
  }
  return json as unknown as TorchTrainResult;
}

export interface RatioTarget {
  /** 'at least': the ratio must reach `ratio` (speed); 'at most': must not exceed it (memory). */
  readonly bound: 'at least' | 'at most';
  readonly ratio: number;
  readonly isMet: boolean;
}

export interface ComparisonRow {
  readonly metric: 'ms/step' | 'tokens/s' | 'peak RSS MB';
  readonly spanfill: number;
  readonly pytorch: number;
  /** spanfill ÷ pytorch. */
  readonly ratio: number;
  readonly target?: RatioTarget;
}

export interface TrainComparison {
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly parameters: { readonly spanfill: number; readonly pytorch: number };
  /** Same parameter count and shapes: the ratios compare like with like. */
  readonly isSameModel: boolean;
  readonly rows: ComparisonRow[];
}

export interface Targets {
  /** Spanfill tokens/s ÷ PyTorch tokens/s, at least. */
  readonly tokensPerSecondRatio: number;
  /** Spanfill peak RSS ÷ PyTorch peak RSS, at most. */
  readonly peakRssRatio: number;
}

/**
 * Issue #11's CPU targets against Debian's PyTorch 1.13 on the 2-core machine with 2 threads:
 * ≥ 2× tokens/s at batch 8, 128/29 and ≥ 1.5× at batch 8, 512/114; peak RSS ≤ 1.25× for both.
 */
export function issue11Targets(
  shape: Pick<TrainSide, 'batchSize' | 'inputLength' | 'targetLength'>,
): Targets | undefined {
  if (shape.batchSize !== 8) return undefined;
  const lengths = `${shape.inputLength}/${shape.targetLength}`;
  if (lengths === '128/29') return { tokensPerSecondRatio: 2, peakRssRatio: 1.25 };
  if (lengths === '512/114') return { tokensPerSecondRatio: 1.5, peakRssRatio: 1.25 };
  return undefined;
}

function atLeast(ratio: number, target: number): RatioTarget {
  return { bound: 'at least', ratio: target, isMet: ratio >= target };
}

function atMost(ratio: number, target: number): RatioTarget {
  return { bound: 'at most', ratio: target, isMet: ratio <= target };
}

/** Ratio rows of Spanfill against PyTorch; `targets` defaults to issue #11's for the shape. */
export function compareTrain(
  spanfill: TrainSide,
  pytorch: TrainSide,
  targets: Targets | undefined = issue11Targets(spanfill),
): TrainComparison {
  const isSameModel =
    spanfill.parameters === pytorch.parameters &&
    spanfill.batchSize === pytorch.batchSize &&
    spanfill.inputLength === pytorch.inputLength &&
    spanfill.targetLength === pytorch.targetLength;
  const speed = spanfill.tokensPerSecond / pytorch.tokensPerSecond;
  const memory = spanfill.peakRssMb / pytorch.peakRssMb;
  return {
    batchSize: spanfill.batchSize,
    inputLength: spanfill.inputLength,
    targetLength: spanfill.targetLength,
    parameters: { spanfill: spanfill.parameters, pytorch: pytorch.parameters },
    isSameModel,
    rows: [
      {
        metric: 'ms/step',
        spanfill: spanfill.msPerStep,
        pytorch: pytorch.msPerStep,
        ratio: spanfill.msPerStep / pytorch.msPerStep,
      },
      {
        metric: 'tokens/s',
        spanfill: spanfill.tokensPerSecond,
        pytorch: pytorch.tokensPerSecond,
        ratio: speed,
        ...(targets ? { target: atLeast(speed, targets.tokensPerSecondRatio) } : {}),
      },
      {
        metric: 'peak RSS MB',
        spanfill: spanfill.peakRssMb,
        pytorch: pytorch.peakRssMb,
        ratio: memory,
        ...(targets ? { target: atMost(memory, targets.peakRssRatio) } : {}),
      },
    ],
  };
}
