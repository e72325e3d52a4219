// What hostProgram.ts needs of an optimizer whose update runs on the host (hostAdamW.ts,
// hostAdafactor.ts): memory for the parameters, their gradients and the optimizer state that
// never moves (ONNX Runtime reads the parameters and writes the gradients there, no copy), and
// one step's update in place from the graph's scalars (hostGraph.ts, OUT_UPDATE_SCALARS).

export interface HostUpdater {
  /** Each parameter and optimizer state tensor by its name (fused.ts, namedStateEntries). */
  readonly views: ReadonlyMap<string, Float32Array>;
  /** Where ONNX Runtime writes each parameter's gradient, by parameter name. */
  readonly grads: ReadonlyMap<string, Float32Array>;
  /** Updates the parameters and state from the gradients with the step's scalars, in place. */
  apply(scalars: Float32Array): void;
}
