// The registry of gradient rules: op type → a small function that, given a forward node's
// inputs I(i), outputs O(i) and output gradients GO(i), returns the input gradients GI(i)
// (null where an input gets none). The walker (gradients.ts) knows no op; rules live in
// grads/, one op family per file, registered by grads/index.ts. Vocabulary after ORT's
// gradient builders (orttraining/core/graph/gradient_builder.cc); the code here is our own.

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
  /**
   * int32 or int64 (Q..., k): index tuples into the input's first k axes. Cast to ScatterND's
   * int64 only when applied (sums.ts), so the merging Reshape/Concat run on WebGPU too.
   */
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

/**
 * One op family's gradient knowledge, declared in grads/<family>.ts (the family names match
 * onnx/ops/ and the gradient tests). Two kinds of "no gradient" are kept apart:
 * `noGradient` ops are not differentiable by nature (integer or bool outputs, zero derivative
 * almost everywhere: Shape, Equal, Sign) and silently stop the flow; `neverDifferentiate`
 * ops must not lie on a gradient path at all, and reaching one is an error that says why.
 */
export interface GradientFamily {
  /** The family's file name in onnx/ops/, autodiff/grads/ and test/.../autodiff/grads/. */
  readonly name: string;
  /** Op type → its rule, with the math in the rule's doc comment. */
  readonly rules: Readonly<Record<string, GradientRule>>;
  /** Ops not differentiable by nature: no gradient flows through them. */
  readonly noGradient?: readonly string[];
  /** Op type → why it must never be differentiated (named in the error). */
  readonly neverDifferentiate?: Readonly<Record<string, string>>;
}

type Entry =
  | { readonly kind: 'rule'; readonly rule: GradientRule }
  | { readonly kind: 'none' }
  | { readonly kind: 'never'; readonly reason: string };

export class GradientRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Registers (or replaces) the rule of an op type. */
  register(opType: string, rule: GradientRule): void {
    this.entries.set(opType, { kind: 'rule', rule });
  }

  /**
   * Declares an op not differentiable by nature (Shape, Equal, ArgMax, Floor...): no
   * gradient flows through it to any input. Distinct from a missing rule, which throws.
   */
  noGradient(opType: string): void {
    this.entries.set(opType, { kind: 'none' });
  }

  /**
   * Declares an op that must never be differentiated (a Loop node: gradients are taken inside
   * its body): a gradient reaching it throws, naming op, node, `reason` and the registered set.
   */
  neverDifferentiate(opType: string, reason: string): void {
    this.entries.set(opType, { kind: 'never', reason });
  }

  /** Registers every entry of a family; an op already registered (by another family) throws. */
  registerFamily(family: GradientFamily): void {
    const ops = [
      ...Object.keys(family.rules),
      ...(family.noGradient ?? []),
      ...Object.keys(family.neverDifferentiate ?? {}),
    ];
    const taken = ops.filter((opType, i) => this.entries.has(opType) || ops.indexOf(opType) !== i);
    if (taken.length > 0) {
      throw new Error(`gradient family '${family.name}' registers ${taken.join(', ')} a second time`);
    }
    for (const [opType, rule] of Object.entries(family.rules)) this.register(opType, rule);
    for (const opType of family.noGradient ?? []) this.noGradient(opType);
    for (const [opType, reason] of Object.entries(family.neverDifferentiate ?? {})) {
      this.neverDifferentiate(opType, reason);
    }
  }

  /**
   * The rule for `node`, null for a noGradient op. Throws naming the op, the node and the
   * registered set for an op without an entry and for one that must never be differentiated.
   */
  ruleFor(node: GraphNode): GradientRule | null {
    const entry = this.entries.get(node.opType);
    const where = `op '${node.opType}' (node '${node.name}')`;
    const registered = `registered: ${this.registered().join(', ')}`;
    if (!entry) throw new Error(`No gradient rule for ${where}; ${registered}`);
    if (entry.kind === 'never') {
      throw new Error(`Gradient reached ${where}, which must never be differentiated: ${entry.reason}; ${registered}`);
    }
    return entry.kind === 'rule' ? entry.rule : null;
  }

  /** The rule registered for `opType`; undefined for noGradient, never and unknown ops. */
  rule(opType: string): GradientRule | undefined {
    const entry = this.entries.get(opType);
    return entry?.kind === 'rule' ? entry.rule : undefined;
  }

  has(opType: string): boolean {
    return this.entries.has(opType);
  }

  /** Registered op types (rules, noGradient and never), sorted. */
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

/** The registry used by `gradients()` unless another is passed; grads/index.ts fills it. */
export const defaultRegistry = new GradientRegistry();
