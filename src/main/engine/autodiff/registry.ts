// The registry of gradient rules: op type → a small function that, given a forward node's
// inputs I(i), outputs O(i) and output gradients GO(i), returns the input gradients GI(i)
// (null where an input gets none). The walker (gradients.ts) knows no op; rules live in
// grads/, one file per op family. Vocabulary after ORT's gradient builders
// (orttraining/core/graph/gradient_builder.cc); the code here is our own.

import type { AttrValue, ConstantValue, Graph, GraphNode, Tensor } from '../onnx/graph';

/** What a rule sees of one forward node while its gradient is being built. */
export interface GradContext {
  readonly node: GraphNode;
  /** The graph gradient nodes go into (the loss's graph). */
  readonly graph: Graph;
  /** Input i of the forward node; throws if that optional input is absent. */
  I(i: number): Tensor;
  /** True if the forward node has input i (optional inputs may be absent). */
  hasInput(i: number): boolean;
  /** Output i of the forward node. */
  O(i: number): Tensor;
  /** Gradient of the loss w.r.t. output i, or null if output i does not reach the loss. */
  GO(i: number): Tensor | null;
  /** True if input i needs a gradient (it lies on a path from a wrt tensor); rules skip others. */
  needs(i: number): boolean;
  /** An attribute of the forward node, or undefined. */
  attr(name: string): AttrValue | undefined;
  /** An INT attribute, or `fallback` when absent. */
  attrInt(name: string, fallback: number): number;
  /** A FLOAT attribute, or `fallback` when absent. */
  attrFloat(name: string, fallback: number): number;
  /** The value of input i, which must be an initializer (axes, shapes, starts, ratios). */
  constant(i: number): ConstantValue;
}

/**
 * A gradient that is zero except where rows are scatter-added:
 * dense = ScatterND(zeros(shape of the input), indices, updates, reduction=add).
 * Returned by Gather (the embedding gradient) so the walker can add it straight into the
 * other contributions (a tied LM head) instead of materialising zeros and an Add.
 */
export interface ScatterAddGradient {
  readonly kind: 'scatter-add';
  /** int64 (Q..., k): index tuples into the input's first k axes. */
  readonly indices: Tensor;
  /** (Q..., input.shape[k:]) */
  readonly updates: Tensor;
}

export type GradientValue = Tensor | ScatterAddGradient;

export function isScatterAdd(v: GradientValue): v is ScatterAddGradient {
  return 'kind' in v && v.kind === 'scatter-add';
}

/**
 * A gradient rule returns one entry per forward input: the gradient (in the input's dtype;
 * a broadcast of the input's shape is fine, the walker sums it down), a scatter-add
 * gradient of exactly the input's shape, or null.
 */
export type GradientRule = (ctx: GradContext) => readonly (GradientValue | null)[];

type Entry = { readonly kind: 'rule'; readonly rule: GradientRule } | { readonly kind: 'none' };

export class GradientRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Registers (or replaces) the rule of an op type. */
  register(opType: string, rule: GradientRule): void {
    this.entries.set(opType, { kind: 'rule', rule });
  }

  /**
   * Declares an op explicitly non-differentiable (Shape, Equal, ArgMax, Floor...): no
   * gradient flows through it to any input. Distinct from a missing rule, which throws.
   */
  noGradient(opType: string): void {
    this.entries.set(opType, { kind: 'none' });
  }

  /** The rule for `node`, null for a noGradient op; throws naming op, node and registered set. */
  ruleFor(node: GraphNode): GradientRule | null {
    const entry = this.entries.get(node.opType);
    if (!entry) {
      throw new Error(
        `No gradient rule for op '${node.opType}' (node '${node.name}'); registered: ${this.registered().join(', ')}`,
      );
    }
    return entry.kind === 'rule' ? entry.rule : null;
  }

  /** The rule registered for `opType`; undefined for noGradient ops and unknown ones. */
  rule(opType: string): GradientRule | undefined {
    const entry = this.entries.get(opType);
    return entry?.kind === 'rule' ? entry.rule : undefined;
  }

  has(opType: string): boolean {
    return this.entries.has(opType);
  }

  /** Registered op types (rules and noGradient), sorted. */
  registered(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Op types that have a rule (differentiable ops), sorted. */
  differentiable(): string[] {
    return [...this.entries].flatMap(([op, e]) => (e.kind === 'rule' ? [op] : [])).sort();
  }

  /** A copy to change locally (tests, experiments) without touching the default registry. */
  clone(): GradientRegistry {
    const copy = new GradientRegistry();
    for (const [op, entry] of this.entries) copy.entries.set(op, entry);
    return copy;
  }
}

/** The registry used by `gradients()` unless another is passed; grads/ fill it on import. */
export const defaultRegistry = new GradientRegistry();

/** Registers a rule in the default registry. */
export function registerGradient(opType: string, rule: GradientRule): void {
  defaultRegistry.register(opType, rule);
}

/** Declares an op non-differentiable in the default registry. */
export function noGradient(opType: string): void {
  defaultRegistry.noGradient(opType);
}
