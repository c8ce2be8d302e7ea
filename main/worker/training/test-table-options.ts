/** Test helper: feature-table options for the fixture bases (224 px, x/127.5 - 1, pooled). */
import { noAugmentation } from '../../../shared/domain';
import { CancelSignal } from './cancel-signal';
import type { FeatureTableOptions } from './feature-cache';
import { TfjsFeatureEngine, type FeatureEngine } from './feature-engine';
import type { InferenceGraph } from './inference-graph';

export function testTableOptions(extra: Partial<FeatureTableOptions> = {}): FeatureTableOptions {
  return {
    identity: {},
    memoryBudgetBytes: 64 * 1024 * 1024,
    size: [224, 224],
    preprocessing: { scale: 1 / 127.5, offset: -1 },
    batchSize: 8,
    views: 1,
    augmentation: noAugmentation,
    seed: 1,
    pool: true,
    cancel: new CancelSignal(),
    onSkip: () => {},
    onProgress: () => {},
    ...extra,
  };
}

/** Test helper: the TF.js feature engine for `graph` at the size and pooling of `options`. */
export function tableEngine(graph: InferenceGraph, options: FeatureTableOptions): FeatureEngine {
  return new TfjsFeatureEngine(graph, { size: options.size, pool: options.pool });
}
