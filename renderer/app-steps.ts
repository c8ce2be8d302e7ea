import type { StudioState } from './store/studio-state';

/** The store fields the step ticks read. */
export type StepState = Pick<
  StudioState,
  | 'dataset'
  | 'modelInfo'
  | 'modelScreenSeen'
  | 'runStatus'
  | 'evaluationStatus'
  | 'previewItems'
  | 'exportResult'
>;

/** Which steps of the tab bar show a tick: each one only once its work really succeeded. */
export function stepTicks(state: StepState) {
  const trainDone = state.runStatus === 'completed';
  return {
    datasetDone: Boolean(state.dataset?.trainable),
    // The recommended model is loaded before anyone chose it: the step is done once the user
    // has seen the Model screen (or their saved project or a finished run chose it).
    modelDone: state.modelInfo !== null && (state.modelScreenSeen || trainDone),
    trainDone,
    evaluateDone: state.evaluationStatus === 'ready',
    previewDone: state.previewItems.some((item) => item.status === 'done'),
    // An export whose proof failed is a result too (its files lie in <folder>.failed): no tick.
    exportDone: state.exportResult?.passed === true,
  };
}
