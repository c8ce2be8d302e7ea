/** Layer classes the ONNX exporter can express, for error messages and docs. */
export const supportedLayerClasses = [
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'BatchNormalization',
  'ReLU',
  'Activation',
  'Softmax',
  'Add',
  'ZeroPadding2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Reshape',
  'Flatten',
  'Dense',
  'Dropout',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
] as const;

/**
 * A model holds a layer (or a layer setting) the ONNX exporter cannot express. Carries the
 * layer's name and class so the UI can point at it.
 */
export class UnsupportedLayerError extends Error {
  readonly layerName: string;
  readonly className: string;
  readonly reason: string;

  constructor(layerName: string, className: string, reason?: string) {
    const why = reason ?? `the ONNX exporter has no translation for ${className} layers`;
    super(
      `Cannot export to ONNX: layer "${layerName}" (${className}): ${why}. ` +
        `Layers the exporter supports: ${supportedLayerClasses.join(', ')}. ` +
        'Export this model as TF.js instead, or train it without that layer.',
    );
    this.name = 'UnsupportedLayerError';
    this.layerName = layerName;
    this.className = className;
    this.reason = why;
  }
}

/** The model as a whole cannot be exported (its inputs or outputs, not one layer). */
export class UnsupportedModelError extends Error {
  constructor(message: string) {
    super(`Cannot export to ONNX: ${message}`);
    this.name = 'UnsupportedModelError';
  }
}
