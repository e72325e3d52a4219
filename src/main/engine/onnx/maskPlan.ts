// Dropout masks of a whole step from a few hash chains instead of one chain per dropout site.
// A RandomStream builds ~40 nodes per request (the value hash, the draws, the compare); a
// t5-small step asks ~80 times, so half of its ~5,700 kernels were mask hashing, each a GPU
// dispatch. Given the sizes of the requests in advance (a plan, recorded by building the model
// once with a RecordingMasks), PlannedMasks computes the keep masks of consecutive requests
// together, over whole groups of rows (at most MAX_GROUP_ROWS rows, unless one request needs
// more), and cuts each request's rows out of its group: a Gather of its row indices (and of its
// columns when it uses fewer than a row). The row hashes of the group's first row chunk come
// from one chain with the column hashes; a stream whose row chunk covers the plan (planRows)
// so hashes everything in one chain. The rows, values and draws are those RandomStream's spec
// assigns each request, so the masks are equal bit for bit.

import type { Graph, Tensor } from './graph';
import { expand, gather, reshape } from './ops/shape';
import type { MaskSource, RandomStream } from './random';
import { COLUMNS, DRAWS, gcd, keepPlanes, leading, requestGrid } from './random';
import { elementCount } from '../shape';

/** The requests a step will make, in order: positions of each, and the one threshold they use. */
export interface MaskPlan {
  readonly sizes: readonly number[];
  readonly threshold: number;
}

interface Group {
  /** The first row the group covers (counted from the stream's row when the plan began), and how many. */
  readonly start: number;
  readonly rows: number;
  /** Requests [first, end) of the plan. */
  readonly first: number;
  readonly end: number;
  /** Built on first use: the keep masks of its rows, plane after plane (3·rows, COLUMNS), bool. */
  keep?: Tensor;
  /** The same as pieces of a width (3·rows·COLUMNS / width, width), by width. */
  readonly pieces: Map<number, Tensor>;
}

/** Most indices a one-Gather cut may take (an int32 constant each); larger requests cut rows, then a prefix. */
const MAX_PIECES = 65536;

/**
 * Rows a group spans at most (unless one request needs more): its values are (rows, 4096)
 * int32, so 4096 rows hold 64 MB of them, and their draws three times that, while it is built.
 */
export const MAX_GROUP_ROWS = 4096;

/**
 * The rows of a stream's grid the plan's requests take. A stream for the plan with a row chunk
 * this large hashes all of its rows in one chain, with the columns (RandomStream.hashColumnsWith).
 */
export function planRows(plan: MaskPlan): number {
  return plan.sizes.reduce((rows, size) => rows + requestGrid(size).rows, 0);
}

/** Consecutive non-empty requests grouped into runs of at most `maxRows` rows (a larger request alone). */
function groupRequests(sizes: readonly number[], maxRows: number): Group[] {
  const groups: Group[] = [];
  let row = 0;
  let current: { start: number; rows: number; first: number; end: number; pieces: Map<number, Tensor> } | undefined;
  sizes.forEach((size, i) => {
    const { rows } = requestGrid(size);
    if (rows === 0) return;
    if (!current || current.rows + rows > maxRows) {
      if (current) groups.push(current);
      current = { start: row, rows: 0, first: i, end: i, pieces: new Map() };
    }
    current.rows += rows;
    current.end = i + 1;
    row += rows;
  });
  if (current) groups.push(current);
  return groups;
}

/** Serves the plan's requests, in order, from grouped hash chains of `stream`. */
export class PlannedMasks implements MaskSource {
  private next = 0;
  private readonly groups: Group[];
  /** The stream's next row when the plan began (reserving no positions takes no row). */
  private readonly base: number;

  constructor(
    private readonly stream: RandomStream,
    private readonly plan: MaskPlan,
    maxGroupRows = MAX_GROUP_ROWS,
  ) {
    this.groups = groupRequests(plan.sizes, maxGroupRows);
    this.base = stream.reserve(0);
  }

  keep(shape: readonly number[], threshold: number): Tensor {
    const size = elementCount(shape);
    const i = this.next++;
    if (size !== this.plan.sizes[i] || threshold !== this.plan.threshold) {
      const planned = i < this.plan.sizes.length ? `${this.plan.sizes[i]} at threshold ${this.plan.threshold}` : 'none';
      throw new Error(
        `PlannedMasks: request ${i} is ${size} positions at threshold ${threshold}; the plan has ${planned}`,
      );
    }
    // An empty request takes no row: the stream's own (one-row) chain gives it its empty mask.
    if (requestGrid(size).rows === 0) return this.stream.keep(shape, threshold);
    const start = this.stream.reserve(size);
    const group = this.groups.find((g) => i >= g.first && i < g.end) as Group;
    return reshape(this.cut(group, start - this.base - group.start, size), [...shape]);
  }

  /** The flat mask of a request of `size` positions whose rows start `offset` rows into `group`. */
  private cut(group: Group, offset: number, size: number): Tensor {
    const { rows, columns } = requestGrid(size);
    const width = gcd(size, COLUMNS);
    if (columns === COLUMNS && size / width <= MAX_PIECES) return this.cutPieces(group, offset, size, width);
    let planes = this.groupKeep(group); // (3·group rows, COLUMNS)
    if (rows !== group.rows) {
      const index = Int32Array.from(
        { length: DRAWS * rows },
        (_, k) => Math.floor(k / rows) * group.rows + offset + (k % rows),
      );
      const g = planes.graph;
      planes = gather(planes, g.constant({ dtype: 'int32', shape: [index.length], data: index }), 0); // (3·rows, COLUMNS)
    }
    if (columns < COLUMNS) {
      const index = Int32Array.from({ length: columns }, (_, k) => k);
      planes = gather(planes, planes.graph.constant({ dtype: 'int32', shape: [columns], data: index }), 1); // (3, columns)
    }
    return leading(reshape(planes, [DRAWS * rows * columns]), size);
  }

  /**
   * A request of whole rows in one Gather: its positions are a run of whole rows of the first
   * two planes and the first `size − 2·rows·COLUMNS` of the third, so pieces of `width` (which
   * divides both COLUMNS and size) of the group's masks cover them exactly, in order.
   */
  private cutPieces(group: Group, offset: number, size: number, width: number): Tensor {
    const { rows } = requestGrid(size);
    const perRow = COLUMNS / width;
    const pieces =
      group.pieces.get(width) ?? reshape(this.groupKeep(group), [(DRAWS * group.rows * COLUMNS) / width, width]);
    group.pieces.set(width, pieces);
    const index = new Int32Array(size / width);
    const perPlane = rows * perRow;
    for (let k = 0; k < index.length; k++) {
      const plane = Math.floor(k / perPlane);
      index[k] = (plane * group.rows + offset) * perRow + (k - plane * perPlane);
    }
    const picked = gather(pieces, pieces.graph.constant({ dtype: 'int32', shape: [index.length], data: index }), 0);
    return reshape(picked, [size]);
  }

  private groupKeep(group: Group): Tensor {
    if (!group.keep) {
      const first = this.base + group.start;
      this.stream.hashColumnsWith(Math.floor(first / this.stream.rowChunk));
      const values = this.stream.values(first, group.rows, COLUMNS); // (rows, COLUMNS)
      group.keep = keepPlanes(values, this.plan.threshold); // (3·rows, COLUMNS)
    }
    return group.keep;
  }
}

/** A mask source that only records the sizes asked for (the plan), giving all-true masks. */
export class RecordingMasks implements MaskSource {
  readonly sizes: number[] = [];
  private threshold: number | undefined;

  constructor(private readonly graph: Graph) {}

  keep(shape: readonly number[], threshold: number): Tensor {
    if (this.threshold !== undefined && threshold !== this.threshold)
      throw new Error(`RecordingMasks: a plan has one threshold; got ${threshold} after ${this.threshold}`);
    this.threshold = threshold;
    this.sizes.push(elementCount(shape));
    return expand(this.graph.constant({ dtype: 'bool', shape: [], data: Uint8Array.of(1) }), shape);
  }

  plan(): MaskPlan {
    return { sizes: this.sizes, threshold: this.threshold ?? 1 };
  }
}
