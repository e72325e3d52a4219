// The reverse-mode walker: given a loss tensor and the tensors to differentiate with respect
// to, appends gradient nodes to the loss's graph and returns one gradient per wrt tensor.
// It knows no op: each node's rule comes from a GradientRegistry (registry.ts, grads/).
// Only float tensors carry gradients; tensors of enclosing graphs are constants here, which
// is what lets a Loop body differentiate its own loss. Reference: Griewank & Walther,
// "Evaluating Derivatives" ch. 3 (reverse mode); ORT orttraining gradient_graph_builder.cc.

import { isFloat } from '../onnx/dtype';
import type { Graph, GraphNode, Tensor } from '../onnx/graph';
import { constantValue, filled, shapeText, staticShape, sumToShape } from './helpers';
import type { GradContext, GradientRegistry } from './registry';
import { defaultRegistry, isScatterAdd } from './registry';
import { GradientSums } from './sums';
import './grads';
import { elementCount } from '../shape';

export interface GradientOptions {
  /** dLoss/dLoss; defaults to ones for a one-element loss (required otherwise). */
  readonly seed?: Tensor;
  /** Rules to use; defaults to the registry that grads/ fill. */
  readonly registry?: GradientRegistry;
  /** Return zeros (of the wrt shape) instead of null for a wrt tensor the loss does not depend on. */
  readonly zerosForUnused?: boolean;
  /** Naming scope of the gradient nodes; default 'grad'. */
  readonly scope?: string;
}

/**
 * Gradients of `loss` w.r.t. each tensor of `wrt`, built as nodes in `loss.graph`.
 * Returns null for a wrt tensor that does not influence the loss (no float path from it to
 * the loss), unless `zerosForUnused`. Only nodes on a path from some wrt tensor to the loss
 * get gradient nodes; fan-in is summed with Add; rule results that are broadcasts of their
 * input's shape are summed down (sumToShape).
 *
 * NOTE: a rule's node whose inputs all come from enclosing graphs (say Wᵀ of a parameter
 * captured by a Loop body) lands in that enclosing graph, before the Loop node: still valid
 * ONNX, computed once per call instead of once per iteration, but outside the 'grad' scope.
 */
export function gradients(loss: Tensor, wrt: readonly Tensor[], options: GradientOptions = {}): (Tensor | null)[] {
  const g = loss.graph;
  const registry = options.registry ?? defaultRegistry;
  for (const w of wrt) {
    if (!isFloat(w.dtype))
      throw new Error(`gradients: cannot differentiate w.r.t. ${w.name}: it is ${w.dtype}, not a float tensor`);
    if (!g.canSee(w))
      throw new Error(
        `gradients: ${w.name} (graph '${w.graph.name}') is not visible from the loss's graph '${g.name}'`,
      );
  }
  if (!isFloat(loss.dtype)) throw new Error(`gradients: loss ${loss.name} is ${loss.dtype}, not a float tensor`);
  const reach = forwardReach(g, wrt);
  const active = reach.has(loss.name) ? activeNodes(g, loss, reach) : [];
  const grads = new GradientSums(g);
  const scope = options.scope ?? 'grad';
  return g.scope(scope, () => {
    if (reach.has(loss.name)) grads.add(loss.name, seedFor(g, loss, options.seed));
    for (const node of active) backwardNode(g, node, registry, reach, grads);
    return wrt.map(
      (w) => grads.total(w) ?? (options.zerosForUnused ? filled(g, 0, w.dtype, staticShape(w, 'gradients')) : null),
    );
  });
}

/** Names of float tensors that depend on some wrt tensor through nodes of `g`. */
function forwardReach(g: Graph, wrt: readonly Tensor[]): Set<string> {
  const reach = new Set(wrt.map((w) => w.name));
  for (const node of g.nodes) {
    if (!node.inputs.some((t) => t && reach.has(t.name))) continue;
    for (const o of node.outputs) if (isFloat(o.dtype)) reach.add(o.name);
  }
  return reach;
}

/** Nodes on a path from a wrt tensor to the loss, in reverse topological order. */
function activeNodes(g: Graph, loss: Tensor, reach: Set<string>): GraphNode[] {
  const live = new Set([loss.name]);
  const active: GraphNode[] = [];
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const node = g.nodes[k];
    if (!node.outputs.some((o) => live.has(o.name))) continue;
    if (!node.inputs.some((t) => t && reach.has(t.name))) continue;
    active.push(node);
    for (const t of node.inputs) if (t && reach.has(t.name)) live.add(t.name);
  }
  return active;
}

function seedFor(g: Graph, loss: Tensor, seed: Tensor | undefined): Tensor {
  if (seed) {
    if (seed.dtype !== loss.dtype || shapeText(seed.shape) !== shapeText(loss.shape)) {
      throw new Error(
        `gradients: seed ${seed.name} ${seed.dtype}${shapeText(seed.shape)} must match loss ${loss.name} ${loss.dtype}${shapeText(loss.shape)}`,
      );
    }
    return seed;
  }
  const shape = staticShape(loss, 'gradients');
  if (elementCount(shape) !== 1) {
    throw new Error(`gradients: loss ${loss.name} ${shapeText(loss.shape)} is not a scalar; pass options.seed`);
  }
  return filled(g, 1, loss.dtype, shape);
}

function backwardNode(
  g: Graph,
  node: GraphNode,
  registry: GradientRegistry,
  reach: Set<string>,
  grads: GradientSums,
): void {
  const outGrads = node.outputs.map((o) => grads.total(o));
  if (outGrads.every((t) => t === null)) return;
  const rule = registry.ruleFor(node);
  if (!rule) return;
  const ctx = makeContext(g, node, outGrads, reach);
  const inGrads = rule(ctx);
  // Rules may list optional inputs the node lacks, as long as those entries are null.
  if (inGrads.slice(node.inputs.length).some((t) => t !== null)) {
    throw new Error(
      `gradient rule of ${node.opType} (node '${node.name}') returned ${inGrads.length} gradients for ${node.inputs.length} inputs`,
    );
  }
  inGrads.forEach((gi, i) => {
    const input = node.inputs[i];
    if (!gi || !input || !reach.has(input.name)) return;
    const what = `gradient of ${node.opType} (node '${node.name}') input ${i}`;
    const dtype = isScatterAdd(gi) ? gi.updates.dtype : gi.dtype;
    if (dtype !== input.dtype) throw new Error(`${what}: dtype ${dtype} but input ${input.name} is ${input.dtype}`);
    if (isScatterAdd(gi)) grads.addScatter(input.name, gi);
    else grads.add(input.name, sumToShape(gi, input.shape, what));
  });
}

function makeContext(g: Graph, node: GraphNode, outGrads: readonly (Tensor | null)[], reach: Set<string>): GradContext {
  const where = `${node.opType} (node '${node.name}')`;
  return {
    node,
    graph: g,
    I(i) {
      const t = node.inputs[i];
      if (!t) throw new Error(`${where}: input ${i} is absent`);
      return t;
    },
    hasInput: (i) => Boolean(node.inputs[i]),
    O(i) {
      const t = node.outputs[i];
      if (!t) throw new Error(`${where}: has no output ${i}`);
      return t;
    },
    GO: (i) => outGrads[i] ?? null,
    needs(i) {
      const t = node.inputs[i];
      return Boolean(t && reach.has(t.name));
    },
    attr: (name) => node.attrs[name],
    attrInt(name, fallback) {
      const v = node.attrs[name];
      if (v === undefined) return fallback;
      if (typeof v !== 'number') throw new Error(`${where}: attribute ${name} is not an INT`);
      return v;
    },
    attrFloat(name, fallback) {
      const v = node.attrs[name];
      if (v === undefined) return fallback;
      if (typeof v === 'object' && v !== null && 'float' in v) return v.float;
      if (typeof v === 'number') return v;
      throw new Error(`${where}: attribute ${name} is not a FLOAT`);
    },
    constant(i) {
      const t = node.inputs[i];
      const value = t ? constantValue(t) : null;
      if (!value) throw new Error(`${where}: input ${i} must be a constant (initializer) to differentiate this node`);
      return value;
    },
  };
}
