// The subset of the ONNX protobuf schema that Spanfill writes (ModelProto and what it
// contains), encoded with protobufjs. Field numbers follow onnx/onnx.proto (IR version 8).
// Not a reader of arbitrary ONNX files.

import protobuf from 'protobufjs';

const ONNX_SUBSET_PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  optional string doc_string = 13;
  optional int32 type = 20;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  optional string doc_string = 12;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
}
message TensorShapeProto {
  message Dimension {
    optional int64 dim_value = 1;
    optional string dim_param = 2;
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  optional Tensor tensor_type = 1;
}
`;

/** ONNX AttributeProto.AttributeType codes. */
export const ATTR_TYPE = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

let modelType: protobuf.Type | undefined;

function getModelType(): protobuf.Type {
  if (!modelType) {
    const root = protobuf.parse(ONNX_SUBSET_PROTO, { keepCase: true }).root;
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Encodes a plain ModelProto object (keepCase field names) to bytes. */
export function encodeModelProto(model: Record<string, unknown>): Uint8Array {
  const type = getModelType();
  const message = type.fromObject(model);
  return type.encode(message).finish();
}

/** Decodes bytes written by encodeModelProto; used by tests and debugging tools. */
export function decodeModelProto(bytes: Uint8Array): Record<string, unknown> {
  const type = getModelType();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array, defaults: false }) as Record<
    string,
    unknown
  >;
}
