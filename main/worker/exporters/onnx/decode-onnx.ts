/**
 * Reads back the parts of an .onnx file the studio cares about (opset, input/output signature,
 * metadata such as labels, node types), using the same schema the exporter writes with.
 */
import { onnxModelType, type OnnxDim } from './onnx-schema';

export interface OnnxSignature {
  name: string;
  shape: OnnxDim[];
}

export interface DecodedOnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  inputs: OnnxSignature[];
  outputs: OnnxSignature[];
  metadata: Record<string, string>;
  /** Op type of every node, in graph order. */
  opTypes: string[];
  initializerCount: number;
}

interface DecodedValueInfo {
  name: string;
  type?: { tensorType?: { shape?: { dim?: { dimValue?: number | string; dimParam?: string }[] } } };
}

function signature(info: DecodedValueInfo): OnnxSignature {
  const dims = info.type?.tensorType?.shape?.dim ?? [];
  return {
    name: info.name,
    shape: dims.map((dim) =>
      dim.dimParam !== undefined ? dim.dimParam : Number(dim.dimValue ?? 0),
    ),
  };
}

export function decodeOnnxModel(bytes: Uint8Array): DecodedOnnxModel {
  const type = onnxModelType();
  const message = type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as {
    irVersion?: number;
    producerName?: string;
    opsetImport?: { domain?: string; version?: number }[];
    metadataProps?: { key: string; value: string }[];
    graph?: {
      node?: { opType: string }[];
      input?: DecodedValueInfo[];
      output?: DecodedValueInfo[];
      initializer?: unknown[];
    };
  };
  const opset = message.opsetImport?.find((entry) => !entry.domain)?.version ?? 0;
  return {
    irVersion: message.irVersion ?? 0,
    opset,
    producerName: message.producerName ?? '',
    inputs: (message.graph?.input ?? []).map(signature),
    outputs: (message.graph?.output ?? []).map(signature),
    metadata: Object.fromEntries(
      (message.metadataProps ?? []).map(({ key, value }) => [key, value]),
    ),
    opTypes: (message.graph?.node ?? []).map((node) => node.opType),
    initializerCount: message.graph?.initializer?.length ?? 0,
  };
}
