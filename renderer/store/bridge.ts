import type { StudioApi, Unsubscribe } from '../../shared/studio-api';
import type { StudioStore } from './studio-store';

/**
 * The single place where contract events become store actions. Components never subscribe to
 * the API themselves; they read the state these actions produce.
 */
export function connectBridge(api: StudioApi, store: StudioStore): Unsubscribe {
  const actions = () => store.getState();
  const subscriptions = [
    api.subscribe('datasets:scan-progress', (event) => actions().onScanProgress(event)),
    api.subscribe('app:folders-chosen', (event) => {
      actions().setActiveTab('dataset');
      void actions().addDatasetFolders(event.paths);
    }),
    api.subscribe('training:status', (event) => actions().onTrainingStatus(event)),
    api.subscribe('training:progress', (event) => actions().onTrainingProgress(event)),
    api.subscribe('training:epoch', (event) => actions().onTrainingEpoch(event)),
    api.subscribe('training:done', (event) => actions().onTrainingDone(event)),
    api.subscribe('training:done', (event) => actions().onRunFinished(event.summary)),
    api.subscribe('evaluation:progress', (event) => actions().onEvaluationProgress(event)),
    api.subscribe('exports:progress', (event) => actions().onExportProgress(event)),
    api.subscribe('models:download-progress', (event) => actions().onDownloadProgress(event)),
  ];
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}
