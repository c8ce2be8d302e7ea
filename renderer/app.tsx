import { useShallow } from 'zustand/react/shallow';
import { StatusBar } from './components/status-bar';
import { Tabs, type TabItem } from './components/tabs';
import { DatasetScreen } from './features/dataset/dataset-screen';
import { ExportScreen } from './features/export/export-screen';
import { ModelScreen } from './features/model/model-screen';
import { TrainScreen } from './features/train/train-screen';
import type { TabId } from './store/app-slice';
import { useStudio } from './store/store-context';

const screens: Record<TabId, () => React.JSX.Element> = {
  dataset: DatasetScreen,
  model: ModelScreen,
  train: TrainScreen,
  export: ExportScreen,
};

export function App() {
  const s = useStudio(
    useShallow((state) => ({
      active: state.activeTab,
      select: state.setActiveTab,
      datasetDone: Boolean(state.dataset?.trainable),
      modelDone: state.modelInfo !== null,
      trainDone: state.runStatus === 'completed',
      exportDone: state.exportResult !== null,
    })),
  );
  const tabs: TabItem<TabId>[] = [
    { id: 'dataset', label: 'Dataset', done: s.datasetDone },
    { id: 'model', label: 'Model', done: s.modelDone },
    { id: 'train', label: 'Train', done: s.trainDone },
    { id: 'export', label: 'Export', done: s.exportDone },
  ];
  const Screen = screens[s.active];
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Transfer Studio
        </div>
        <Tabs items={tabs} active={s.active} onSelect={s.select} label="Steps" />
      </header>
      {/* Only the active panel is mounted; the state lives in the store, so nothing is lost. */}
      <div className="app-body">
        <main
          className="screen"
          role="tabpanel"
          id={`panel-${s.active}`}
          aria-labelledby={`tab-${s.active}`}
          tabIndex={0}
        >
          <Screen />
        </main>
      </div>
      <StatusBar />
    </div>
  );
}
