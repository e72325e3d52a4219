// Element types the graph builder knows, their ONNX TensorProto.DataType codes and the
// typed arrays that hold them in JavaScript. Not a general tensor library.
// Reference: onnx/onnx.proto, TensorProto.DataType.

export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

export const ONNX_DTYPE_CODE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export type TypedArrayOf<T extends DType> = T extends 'float32'
  ? Float32Array
  : T extends 'float64'
    ? Float64Array
    : T extends 'float16'
      ? Uint16Array
      : T extends 'int64'
        ? BigInt64Array
        : T extends 'int32'
          ? Int32Array
          : T extends 'int8'
            ? Int8Array
            : Uint8Array;

export type AnyTypedArray =
  Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/** A typed array of the right kind holding `values` (numbers or bigints) for `dtype`. */
export function typedArrayFrom(dtype: DType, values: ArrayLike<number> | readonly number[]): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    case 'int32':
      return Int32Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values);
    case 'float16':
      throw new Error('float16 constants must be given as raw Uint16Array bits');
  }
}

/** Checks that a typed array matches a dtype, naming both when it does not. */
export function assertArrayMatches(dtype: DType, data: AnyTypedArray, what: string): void {
  const ok =
    (dtype === 'float32' && data instanceof Float32Array) ||
    (dtype === 'float64' && data instanceof Float64Array) ||
    (dtype === 'float16' && data instanceof Uint16Array) ||
    (dtype === 'int64' && data instanceof BigInt64Array) ||
    (dtype === 'int32' && data instanceof Int32Array) ||
    (dtype === 'int8' && data instanceof Int8Array) ||
    ((dtype === 'uint8' || dtype === 'bool') && data instanceof Uint8Array);
  if (!ok) throw new Error(`${what}: dtype ${dtype} cannot be held in a ${data.constructor.name}`);
}
