// Which onnxruntime execution providers load on this machine. Kept tiny and separate from
// session.ts: it builds a one-node Identity model by hand (a few protobuf bytes) and tries
// to open it on each provider. Runs inside the engine host, never in main (a driver fault
// must only take the host down). Only engine/onnx/ may import onnxruntime-node.

export interface ProviderProbe {
  name: string;
  available: boolean;
  reason?: string;
}

export interface ProbeResult {
  ortVersion: string;
  providers: ProviderProbe[];
}

/** Providers worth reporting on any platform, in the order the UI lists them. */
const probedProviders = ['cpu', 'webgpu', 'cuda', 'dml'] as const;

export async function probeProviders(): Promise<ProbeResult> {
  const ort = await import('onnxruntime-node');
  const supported = new Map(ort.listSupportedBackends().map((backend) => [backend.name, backend.bundled]));
  const model = identityModel();
  const providers: ProviderProbe[] = [];
  for (const name of probedProviders) {
    if (!supported.has(name)) {
      providers.push({ name, available: false, reason: `not built into onnxruntime-node for ${process.platform}-${process.arch}` });
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model, { executionProviders: [name] });
      await session.release();
      providers.push({ name, available: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      providers.push({ name, available: false, reason: conciseReason(message) + (hints[name] ?? '') });
    }
  }
  return { ortVersion: ort.env.versions.common ?? 'unknown', providers };
}

const hints: Record<string, string> = {
  cuda: ' (run `npm run setup:cuda` to install the CUDA provider)',
  webgpu: process.platform === 'linux' ? ' (WebGPU on Linux needs a Vulkan driver)' : '',
};

/** ORT messages start with a C++ source location; keep the human part. */
function conciseReason(text: string): string {
  const firstLine = text.split('\n').find((part) => part.trim() !== '') ?? text;
  const failedAt = firstLine.lastIndexOf('Failed to');
  const line = failedAt > 0 ? firstLine.slice(failedAt) : firstLine;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

// --- a minimal ONNX ModelProto: Y = Identity(X), X: float[1], opset 17 ---

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

/** Field with wire type 0 (varint). */
function vField(field: number, value: number): number[] {
  return [...varint(field << 3), ...varint(value)];
}

/** Field with wire type 2 (length-delimited: bytes, strings, sub-messages). */
function lField(field: number, body: number[] | string): number[] {
  const bytes = typeof body === 'string' ? [...new TextEncoder().encode(body)] : body;
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

function identityModel(): Uint8Array {
  // TypeProto.tensor_type { elem_type FLOAT(1), shape { dim { dim_value 1 } } }
  const tensorType = lField(1, [...vField(1, 1), ...lField(2, lField(1, vField(1, 1)))]);
  const valueInfo = (name: string): number[] => [...lField(1, name), ...lField(2, tensorType)];
  const node = [...lField(1, 'X'), ...lField(2, 'Y'), ...lField(4, 'Identity')];
  const graph = [...lField(1, node), ...lField(2, 'probe'), ...lField(11, valueInfo('X')), ...lField(12, valueInfo('Y'))];
  return new Uint8Array([...vField(1, 8), ...lField(8, vField(2, 17)), ...lField(7, graph)]);
}
