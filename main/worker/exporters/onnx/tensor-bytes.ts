/** Raw little-endian tensor bytes, as ONNX's TensorProto.raw_data requires on every platform. */
import { OnnxDataType, type OnnxTensor } from './onnx-schema';

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < values.length; index += 1) {
    view.setFloat32(index * 4, values[index]!, true);
  }
  return { name, dataType: OnnxDataType.FLOAT, dims, rawData: bytes };
}

export function int64Tensor(name: string, values: number[]): OnnxTensor {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setBigInt64(index * 8, BigInt(value), true));
  return { name, dataType: OnnxDataType.INT64, dims: [values.length], rawData: bytes };
}
