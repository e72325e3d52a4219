// Graph → ONNX ModelProto bytes (opset 17, IR version 8). Initializers are written as
// raw little-endian data; very large ones can go to an external-data file beside the model.
// Reference: ONNX IR.md (graphs, external data), onnx.proto.

import { ONNX_DTYPE_CODE, DTYPE_BYTES } from './dtype';
import type { AttrValue, ConstantValue, Graph, Shape, Tensor } from './graph';
import { Graph as GraphClass } from './graph';
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

function attributeProto(name: string, v: AttrValue): Obj {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; wrap floats as { float }`);
    return { name, type: ATTR_TYPE.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: ATTR_TYPE.STRING, s: new TextEncoder().encode(v) };
  if (isGraph(v)) return { name, type: ATTR_TYPE.GRAPH, g: graphProto(v) };
  if (Array.isArray(v)) return { name, type: ATTR_TYPE.INTS, ints: v };
  if ('float' in v) return { name, type: ATTR_TYPE.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: ATTR_TYPE.FLOATS, floats: [...v.floats] };
  if ('tensor' in v) return { name, type: ATTR_TYPE.TENSOR, t: tensorProto('', v.tensor) };
  throw new Error(`attribute ${name}: unsupported value`);
}

function graphProto(g: Graph): Obj {
  return {
    name: g.name,
    node: g.nodes.map((n) => ({
      name: n.name,
      op_type: n.opType,
      domain: n.domain,
      input: n.inputs.map((t) => (t ? t.name : '')),
      output: n.outputs.map((t) => t.name),
      attribute: Object.entries(n.attrs).map(([k, v]) => attributeProto(k, v)),
    })),
    initializer: g.initializers.map((i) => tensorProto(i.tensor.name, i.value)),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
  };
}

/** Serializes a root graph. Protobuf limits one message to 2 GiB of data. */
export function serializeModel(g: Graph, docString = ''): Uint8Array {
  if (g.parent) throw new Error(`serializeModel: '${g.name}' is a subgraph; serialize its root`);
  if (g.outputs.length === 0) throw new Error(`serializeModel: graph '${g.name}' has no outputs`);
  const bytes = g.initializerBytes();
  if (bytes > 1.9 * 2 ** 30) {
    throw new Error(
      `serializeModel: ${(bytes / 2 ** 30).toFixed(2)} GiB of initializers exceed protobuf's 2 GiB limit; pass weights as inputs instead`,
    );
  }
  return encodeModelProto({
    ir_version: IR_VERSION,
    producer_name: 'spanfill',
    producer_version: '0.1.0',
    doc_string: docString,
    opset_import: [{ domain: '', version: OPSET_VERSION }],
    graph: graphProto(g),
  });
}
