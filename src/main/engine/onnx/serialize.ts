// Graph → ONNX ModelProto bytes (opset 17, IR version 8). Initializers are written as
// raw little-endian data; very large ones can go to an external-data file beside the model.
// Reference: ONNX IR.md (graphs, external data), onnx.proto.

import { ONNX_DTYPE_CODE, DTYPE_BYTES } from './dtype';
import type { AttrValue, ConstantValue, Graph, Shape, Tensor } from './graph';
import { CONTRIB_DOMAIN, Graph as GraphClass } from './graph';
import { ATTR_TYPE, encodeModelProto } from './proto';

export const OPSET_VERSION = 17;
export const IR_VERSION = 8;

type Obj = Record<string, unknown>;

function bytesOf(value: ConstantValue): Uint8Array {
  const d = value.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.length * DTYPE_BYTES[value.dtype]);
}

function tensorProto(name: string, value: ConstantValue): Obj {
  return { name, dims: [...value.shape], data_type: ONNX_DTYPE_CODE[value.dtype], raw_data: bytesOf(value) };
}

/** Where initializers go: inline (raw_data), or some into an external-data file. */
interface InitializerSink {
  tensor(name: string, value: ConstantValue): Obj;
}

const INLINE: InitializerSink = { tensor: tensorProto };

/** External data alignment: ORT memory-maps the file; 4 KiB keeps every tensor page-aligned. */
const EXTERNAL_ALIGN = 4096;

/**
 * Collects initializers of at least `minBytes` into one external-data file named `location`
 * (relative to the model file), as ONNX IR.md "External Tensor Data" describes.
 */
class ExternalSink implements InitializerSink {
  readonly chunks: Uint8Array[] = [];
  private offset = 0;

  constructor(
    private readonly location: string,
    private readonly minBytes: number,
  ) {}

  tensor(name: string, value: ConstantValue): Obj {
    const bytes = bytesOf(value);
    if (bytes.length < this.minBytes) return tensorProto(name, value);
    const pad = (EXTERNAL_ALIGN - (this.offset % EXTERNAL_ALIGN)) % EXTERNAL_ALIGN;
    if (pad) this.chunks.push(new Uint8Array(pad));
    this.offset += pad;
    const entry = { key: 'offset', value: String(this.offset) };
    this.chunks.push(bytes);
    this.offset += bytes.length;
    return {
      name,
      dims: [...value.shape],
      data_type: ONNX_DTYPE_CODE[value.dtype],
      data_location: 1, // EXTERNAL
      external_data: [{ key: 'location', value: this.location }, entry, { key: 'length', value: String(bytes.length) }],
    };
  }
}

function valueInfo(t: Tensor): Obj {
  return {
    name: t.name,
    type: { tensor_type: { elem_type: ONNX_DTYPE_CODE[t.dtype], shape: shapeProto(t.shape) } },
  };
}

function shapeProto(shape: Shape): Obj {
  return { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) };
}

function isGraph(v: AttrValue): v is Graph {
  return v instanceof GraphClass;
}

function attributeProto(name: string, v: AttrValue, sink: InitializerSink): Obj {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; wrap floats as { float }`);
    return { name, type: ATTR_TYPE.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: ATTR_TYPE.STRING, s: new TextEncoder().encode(v) };
  if (isGraph(v)) return { name, type: ATTR_TYPE.GRAPH, g: graphProto(v, sink) };
  if (Array.isArray(v)) return { name, type: ATTR_TYPE.INTS, ints: v };
  if ('float' in v) return { name, type: ATTR_TYPE.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: ATTR_TYPE.FLOATS, floats: [...v.floats] };
  if ('tensor' in v) return { name, type: ATTR_TYPE.TENSOR, t: tensorProto('', v.tensor) };
  throw new Error(`attribute ${name}: unsupported value`);
}

function graphProto(g: Graph, sink: InitializerSink): Obj {
  return {
    name: g.name,
    node: g.nodes.map((n) => ({
      name: n.name,
      op_type: n.opType,
      domain: n.domain,
      input: n.inputs.map((t) => (t ? t.name : '')),
      output: n.outputs.map((t) => t.name),
      attribute: Object.entries(n.attrs).map(([k, v]) => attributeProto(k, v, sink)),
    })),
    initializer: g.initializers.map((i) => sink.tensor(i.tensor.name, i.value)),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
  };
}

function checkRoot(g: Graph): void {
  if (g.parent) throw new Error(`serializeModel: '${g.name}' is a subgraph; serialize its root`);
  if (g.outputs.length === 0) throw new Error(`serializeModel: graph '${g.name}' has no outputs`);
}

/** The domains of the nodes of `g` and of its subgraphs (attributes). */
function nodeDomains(g: Graph, into = new Set<string>()): Set<string> {
  for (const n of g.nodes) {
    into.add(n.domain);
    for (const v of Object.values(n.attrs)) if (isGraph(v)) nodeDomains(v, into);
  }
  return into;
}

function modelProto(g: Graph, docString: string, sink: InitializerSink): Uint8Array {
  const opsets = [{ domain: '', version: OPSET_VERSION }];
  // ONNX Runtime's contrib operators are version 1 of their domain.
  if (nodeDomains(g).has(CONTRIB_DOMAIN)) opsets.push({ domain: CONTRIB_DOMAIN, version: 1 });
  return encodeModelProto({
    ir_version: IR_VERSION,
    producer_name: 'spanfill',
    producer_version: '0.1.0',
    doc_string: docString,
    opset_import: opsets,
    graph: graphProto(g, sink),
  });
}

/** Serializes a root graph. Protobuf limits one message to 2 GiB of data. */
export function serializeModel(g: Graph, docString = ''): Uint8Array {
  checkRoot(g);
  const bytes = g.initializerBytes();
  if (bytes > 1.9 * 2 ** 30) {
    throw new Error(
      `serializeModel: ${(bytes / 2 ** 30).toFixed(2)} GiB of initializers exceed protobuf's 2 GiB limit; pass weights as inputs instead`,
    );
  }
  return modelProto(g, docString, INLINE);
}

/**
 * Serializes a root graph with every initializer of at least `minBytes` in an external-data
 * file (`location`, written by the caller beside the model file as `data` in order).
 */
export function serializeModelExternal(
  g: Graph,
  location: string,
  minBytes = 1024,
  docString = '',
): { model: Uint8Array; data: Uint8Array[] } {
  checkRoot(g);
  const sink = new ExternalSink(location, minBytes);
  const model = modelProto(g, docString, sink);
  return { model, data: sink.chunks };
}
