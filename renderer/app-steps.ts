import type { StudioState } from './store/studio-state';

/** The store fields the step ticks read. */
export type StepState = Pick<
  StudioState,
  'dataset' | 'modelInfo' | 'runStatus' | 'evaluationStatus' | 'exportResult'
>;

/** Which steps of the tab bar show a tick: each one only once its work really succeeded. */
export function stepTicks(state: StepState) {
  return {
    datasetDone: Boolean(state.dataset?.trainable),
    modelDone: state.modelInfo !== null,
    trainDone: state.runStatus === 'completed',
    evaluateDone: state.evaluationStatus === 'ready',
    // An export whose proof failed is a result too (its files lie in <folder>.failed): no tick.
    exportDone: state.exportResult?.passed === true,
  };
}
