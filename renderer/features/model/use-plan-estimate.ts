import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelInfo, SpeedCalibration } from '../../../shared/domain';
import {
  estimateEpoch,
  estimateMemory,
  headLayers,
  planTotals,
  type EpochEstimate,
  type HeadConfig,
  type HeadLayer,
  type PlanTotals,
} from '../../../shared/training-estimate';
import { chooseImageSize, scaleCalibrationToSize } from '../../../shared/image-size';
import { viewsForDataset } from '../../../shared/recipe';
import { useStudio } from '../../store/store-context';
import { readImageSize } from '../../store/training-settings';
import { diagramModel, type DiagramModel } from './diagram-model';

/** Images assumed for the per-epoch estimate before a dataset is added. */
const ASSUMED = { train: 100, val: 25 };

export interface PlanEstimate {
  diagram: DiagramModel;
  head: HeadLayer[];
  headConfig: HeadConfig;
  totals: PlanTotals;
  /** Undefined until the calibration has measured this machine. */
  epoch?: EpochEstimate;
  memoryBytes: number;
  counts: { train: number; val: number; assumed: boolean };
  batchSize: number;
  /** Pixels square the run will give the base (the Image size setting, decided). */
  imageSize: number;
  /** Why that size, in words (chooseImageSize's reason). */
  imageSizeReason: string;
  calibration: SpeedCalibration | null;
}

const numberOr = (text: string, fallback: number) => {
  const value = Number(text);
  return Number.isFinite(value) ? value : fallback;
};

/** Everything the diagram and the totals show, recomputed on every toggle (pure arithmetic). */
export function usePlanEstimate(info: ModelInfo): PlanEstimate {
  const s = useStudio(
    useShallow((state) => ({
      freeze: state.freeze,
      dropout: state.trainParams.dropout,
      hiddenUnits: state.trainParams.hiddenUnits,
      batchSize: state.trainParams.batchSize,
      dataset: state.dataset,
      views: state.augmentation.viewsPerImage,
      augmented: Object.values(state.augmentation).some(
        (option) => typeof option === 'object' && option.enabled,
      ),
      calibration: state.calibration,
      imageSize: state.trainParams.imageSize,
    })),
  );
  return useMemo(() => {
    const classes = s.dataset?.classes.filter((c) => c.count > 0).length ?? 0;
    const headConfig: HeadConfig = {
      hiddenUnits: Math.max(0, Math.round(numberOr(s.hiddenUnits, 0))),
      dropout: numberOr(s.dropout, 0.2),
      classes: Math.max(2, classes),
    };
    const counts = s.dataset
      ? { train: s.dataset.split.train, val: s.dataset.split.val, assumed: false }
      : { ...ASSUMED, assumed: true };
    // The run computes fewer views than the setting on large classes (the recipe's rule).
    const views = viewsForDataset(s.views, counts.train, Math.max(2, classes)).views;
    const withViews = { ...counts, viewsPerImage: s.augmented ? views : 1 };
    const batchSize = Math.max(1, Math.round(numberOr(s.batchSize, 16)));
    // The calibration ran at the base's own size; the run may see the images larger.
    const native = info.inputSize[0];
    const invalid: string[] = [];
    const choice = readImageSize(s.imageSize, invalid);
    const size = chooseImageSize(
      invalid.length === 0 ? choice : 'native',
      native,
      s.dataset?.medianShorterSide,
    );
    const imageSize = size.size;
    const epoch = s.calibration
      ? estimateEpoch(
          info,
          s.freeze,
          headConfig,
          scaleCalibrationToSize(s.calibration, imageSize, native),
          withViews,
          batchSize,
        )
      : undefined;
    return {
      diagram: diagramModel(info, s.freeze),
      head: headLayers(info.featureShape, headConfig),
      headConfig,
      totals: planTotals(info, s.freeze, headConfig),
      ...(epoch ? { epoch } : {}),
      memoryBytes:
        epoch?.memoryBytes ?? estimateMemory(info, s.freeze, headConfig, withViews, batchSize),
      counts,
      batchSize,
      imageSize,
      imageSizeReason: size.reason,
      calibration: s.calibration,
    };
  }, [info, s]);
}
