import { useShallow } from 'zustand/react/shallow';
import { stepTicks } from './app-steps';
import { StatusBar } from './components/status-bar';
import { Tabs, type TabItem } from './components/tabs';
import { DatasetScreen } from './features/dataset/dataset-screen';
import { EvaluateScreen } from './features/evaluate/evaluate-screen';
import { ExportScreen } from './features/export/export-screen';
import { ModelScreen } from './features/model/model-screen';
import { PreviewScreen } from './features/preview/preview-screen';
import { RunsButton } from './features/runs/runs-button';
import { RunsScreen } from './features/runs/runs-screen';
import { TrainScreen } from './features/train/train-screen';
import type { TabId } from './store/app-slice';
import { useStudio } from './store/store-context';

const screens: Record<TabId, () => React.JSX.Element> = {
  dataset: DatasetScreen,
  model: ModelScreen,
  train: TrainScreen,
  evaluate: EvaluateScreen,
  preview: PreviewScreen,
  export: ExportScreen,
  runs: RunsScreen,
};

export function App() {
  const s = useStudio(
    useShallow((state) => ({
      active: state.activeTab,
      select: state.setActiveTab,
      ...stepTicks(state),
    })),
  );
  const tabs: TabItem<TabId>[] = [
    { id: 'dataset', label: 'Dataset', done: s.datasetDone },
    { id: 'model', label: 'Model', done: s.modelDone },
    { id: 'train', label: 'Train', done: s.trainDone },
    { id: 'evaluate', label: 'Evaluate', done: s.evaluateDone },
    { id: 'preview', label: 'Try it', done: s.previewDone },
    { id: 'export', label: 'Export', done: s.exportDone },
  ];
  const Screen = screens[s.active];
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Transfer Studio</span>
        </div>
        <Tabs items={tabs} active={s.active} onSelect={s.select} label="Steps" />
        <RunsButton />
      </header>
      {/* Only the active panel is mounted; the state lives in the store, so nothing is lost. */}
      <main className="app-body">
        <div
          className="screen"
          id={`panel-${s.active}`}
          // The run history is opened from its header button, not a tab.
          {...(s.active === 'runs'
            ? { role: 'region', 'aria-label': 'Runs' }
            : { role: 'tabpanel', 'aria-labelledby': `tab-${s.active}` })}
          tabIndex={0}
        >
          <Screen />
        </div>
      </main>
      <StatusBar />
    </div>
  );
}
