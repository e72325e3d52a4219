// The typed ONNX graph builder: Tensor handles carry a static shape and dtype, nodes are kept
// in topological order (appended, or placed after a tensor's maker: placedAfter), names are unique across a model (subgraphs included) and
// scoped (`encoder.block.0.attn/MatMul_3`). Op helpers with shape inference live in ops/.
// Not an evaluator: graphs run only through session.ts. Reference: ONNX IR spec (IR.md).

import type { AnyTypedArray, DType } from './dtype';
import { assertArrayMatches, DTYPE_BYTES } from './dtype';
import { elementCount } from '../shape';

/** A dimension: a fixed size, or a symbolic name for a size known only when the graph runs. */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** Attribute values. Plain numbers are INT attributes; wrap floats as `{ float: x }`. */
export type AttrValue =
  | number
  | string
  | readonly number[]
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly tensor: ConstantValue }
  | Graph;

export interface ConstantValue {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: AnyTypedArray;
}

export type TensorOrigin = 'input' | 'initializer' | 'node';

/** The domain of onnxruntime's contrib operators (serialize.ts imports it when a node uses one). */
export const CONTRIB_DOMAIN = 'com.microsoft';

export class Tensor {
  #name: string;

  constructor(
    readonly graph: Graph,
    name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly origin: TensorOrigin,
    /** The node that produces this tensor (origin 'node'), with its output index. */
    readonly producer: { node: GraphNode; index: number } | null,
  ) {
    this.#name = name;
  }

  get name(): string {
    return this.#name;
  }

  /** @internal Graph.output's rename of a node output: every consumer holds this object. */
  setName(name: string): void {
    this.#name = name;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements; throws for symbolic shapes. */
  get size(): number {
    return this.shape.reduce<number>((n, d) => {
      if (typeof d !== 'number') throw new Error(`tensor ${this.name} has symbolic dim '${d}'`);
      return n * d;
    }, 1);
  }

  toString(): string {
    return `${this.name}: ${this.dtype}[${this.shape.join(', ')}]`;
  }
}

export interface GraphNode {
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly graph: Graph;
}

export interface OutputSpec {
  readonly dtype: DType;
  readonly shape: Shape;
}

export interface Initializer {
  readonly tensor: Tensor;
  readonly value: ConstantValue;
}

/** Shared by a root graph and all its subgraphs so names stay unique model-wide. */
class NameTable {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  reserve(name: string): void {
    if (this.used.has(name)) throw new Error(`duplicate tensor name '${name}'`);
    this.used.add(name);
  }

  fresh(base: string): string {
    let n = this.counters.get(base) ?? 0;
    let candidate = `${base}_${n}`;
    while (this.used.has(candidate)) candidate = `${base}_${++n}`;
    this.counters.set(base, n + 1);
    this.used.add(candidate);
    return candidate;
  }
}

export class Graph {
  readonly nodes: GraphNode[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: Tensor[] = [];
  readonly initializers: Initializer[] = [];
  readonly depth: number;
  private readonly names: NameTable;
  private readonly scopes: string[] = [];
  private readonly constantCache = new Map<string, Tensor>();

  constructor(
    readonly name: string,
    readonly parent: Graph | null = null,
  ) {
    this.depth = parent ? parent.depth + 1 : 0;
    this.names = parent ? parent.names : new NameTable();
  }

  get root(): Graph {
    return this.parent ? this.parent.root : this;
  }

  /** A child graph (a Loop or If body) sharing this model's name table. */
  subgraph(name: string): Graph {
    return new Graph(name, this);
  }

  /** True if `t` is visible here: defined in this graph or an enclosing one. */
  canSee(t: Tensor): boolean {
    return t.graph === this || (this.parent !== null && this.parent.canSee(t));
  }

  /** Runs `fn` with names prefixed by `scope` (joined with '.'). */
  scope<T>(scope: string, fn: () => T): T {
    this.scopes.push(scope);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  get scopePath(): string {
    const own = this.scopes.join('.');
    return own;
  }

  /** A graph input with an exact name (parameters keep their HF names). */
  input(name: string, dtype: DType, shape: Shape): Tensor {
    this.names.reserve(name);
    const t = new Tensor(this, name, dtype, shape, 'input', null);
    this.inputs.push(t);
    return t;
  }

  /** A named constant tensor stored in the model (weights of inference graphs). */
  initializer(name: string, value: ConstantValue): Tensor {
    this.names.reserve(name);
    return this.addInitializer(name, value);
  }

  private addInitializer(name: string, value: ConstantValue): Tensor {
    checkConstant(value, name);
    const t = new Tensor(this, name, value.dtype, value.shape, 'initializer', null);
    this.initializers.push({ tensor: t, value });
    return t;
  }

  /**
   * An anonymous constant, stored once per model in the root graph (small constants with
   * equal contents share one initializer).
   */
  constant(value: ConstantValue): Tensor {
    const root = this.root;
    if (root !== this) return root.constant(value);
    checkConstant(value, 'constant');
    const key = value.data.length <= 16 ? constantKey(value) : null;
    const cached = key ? this.constantCache.get(key) : undefined;
    if (cached) return cached;
    const t = this.addInitializer(this.names.fresh('const'), value);
    if (key) this.constantCache.set(key, t);
    return t;
  }

  /**
   * Appends a node. Inputs must be visible from this graph; output names are derived from the
   * scoped node name. Shape inference is the caller's (the op helpers in ops/).
   */
  addNode(
    opType: string,
    inputs: readonly (Tensor | null)[],
    outputSpecs: readonly OutputSpec[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    domain = '',
  ): Tensor[] {
    for (const t of inputs) {
      if (t && !this.canSee(t)) {
        throw new Error(
          `${opType}: input ${t.name} belongs to graph '${t.graph.name}', not visible from '${this.name}'`,
        );
      }
    }
    const prefix = this.scopePath;
    const nodeName = this.names.fresh(prefix ? `${prefix}/${opType}` : opType);
    const outputs: Tensor[] = [];
    const node: GraphNode = { opType, domain, name: nodeName, inputs: [...inputs], outputs, attrs, graph: this };
    outputSpecs.forEach((spec, index) => {
      const outName = outputSpecs.length === 1 ? nodeName : `${nodeName}:${index}`;
      if (outputSpecs.length !== 1) this.names.reserve(outName);
      outputs.push(new Tensor(this, outName, spec.dtype, spec.shape, 'node', { node, index }));
    });
    this.nodes.push(node);
    return outputs;
  }

  /**
   * Runs `build` and moves the nodes it adds to just after the node that makes `anchor` (to the
   * front for an input or initializer) instead of the end; they may read only `anchor`, tensors
   * made before it and each other. Why: onnxruntime's default order (a reverse depth-first walk
   * from the outputs) runs a node's highest-numbered input first, so a backward node that
   * recomputes a value from a forward tensor, appended last, would run at the start of the step
   * and hold its output until the backward; numbered early, it runs right before its reader.
   */
  placedAfter<T>(anchor: Tensor, build: () => T): T {
    const start = this.nodes.length;
    const result = build();
    const added = this.nodes.splice(start);
    const producer = anchor.producer && anchor.graph === this ? this.nodes.indexOf(anchor.producer.node) : -1;
    const before = new Set(this.nodes.slice(0, producer + 1).flatMap((n) => n.outputs));
    const inBlock = new Set(added.flatMap((n) => n.outputs));
    for (const n of added) {
      const late = n.inputs.find(
        (t) => t && t.graph === this && t.origin === 'node' && !before.has(t) && !inBlock.has(t),
      );
      if (late) throw new Error(`placedAfter(${anchor.name}): ${n.name} reads ${late.name}, made after it`);
    }
    this.nodes.splice(producer + 1, 0, ...added);
    return result;
  }

  /**
   * Marks `t` as a graph output and returns it. A name renames a tensor a node of this graph
   * made, in place (every node that reads it holds the same object). An Identity node gives the
   * output its own tensor when `t` is not made inside this graph (an input or an outer value)
   * or is already an output (a second name).
   */
  output(t: Tensor, name?: string): Tensor {
    const isOwnNodeOutput = t.graph === this && t.origin === 'node';
    if (name !== undefined) this.names.reserve(name);
    let out = t;
    if (!isOwnNodeOutput || (name !== undefined && this.outputs.includes(t))) {
      [out] = this.addNode('Identity', [t], [{ dtype: t.dtype, shape: t.shape }]);
    }
    if (name !== undefined) {
      // Renamed where it is made, not through an Identity: that would be a copy (a dispatch on
      // a GPU) of a tensor other nodes also read, which ORT keeps (a decoder step's caches).
      out.setName(name);
    }
    this.outputs.push(out);
    return out;
  }

  /** Total bytes of initializer data (to decide on external data). */
  initializerBytes(): number {
    return this.initializers.reduce((n, i) => n + i.value.data.length * DTYPE_BYTES[i.value.dtype], 0);
  }
}

function checkConstant(value: ConstantValue, what: string): void {
  assertArrayMatches(value.dtype, value.data, what);
  const n = elementCount(value.shape);
  if (n !== value.data.length) {
    throw new Error(`${what}: shape [${value.shape.join(', ')}] needs ${n} values, got ${value.data.length}`);
  }
}

function constantKey(value: ConstantValue): string {
  return `${value.dtype}|${value.shape.join(',')}|${Array.from(value.data as ArrayLike<number | bigint>, String).join(',')}`;
}
