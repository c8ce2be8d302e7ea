import { useShallow } from 'zustand/react/shallow';
import { describePlan } from '../../../shared/freeze-plan';
import { plural } from '../../components/format';
import { useStudio } from '../../store/store-context';
import { EpochTable } from './epoch-table';
import { MetricsChart } from './metrics-chart';
import { TrainForm } from './train-form';
import { TrainingProgress } from './training-progress';
import './train.css';

function TrainingPlan() {
  const s = useStudio(
    useShallow((state) => ({
      dataset: state.dataset,
      model: state.modelInfo,
      plan: state.modelInfo ? describePlan(state.modelInfo, state.freezePlan()) : '',
    })),
  );
  if (!s.dataset || !s.model) return null;
  return (
    <p className="plan muted" data-testid="training-plan">
      {plural(s.dataset.classes.length, 'class', 'classes')} ·{' '}
      {plural(s.dataset.split.train, 'training image')} ·{' '}
      {plural(s.dataset.split.val, 'validation image')} · base <strong>{s.model.name}</strong>:{' '}
      {s.plan}
    </p>
  );
}

export function TrainScreen() {
  return (
    <>
      <header className="screen-header">
        <h1>Train</h1>
        <p>Trains a new classification head on top of the base model, on this computer.</p>
      </header>
      <TrainingPlan />
      <TrainForm />
      <TrainingProgress />
      <section aria-labelledby="charts-heading">
        <h2 id="charts-heading" className="section-title">
          Loss and accuracy
        </h2>
        <MetricsChart />
      </section>
      <EpochTable />
    </>
  );
}
