import { useShallow } from 'zustand/react/shallow';
import type { EpochMetrics, RunSummary } from '../../../shared/domain';
import { Alert } from '../../components/alert';
import { formatDuration, formatPercent } from '../../components/format';
import { Stat } from '../../components/stat';
import { useStudio } from '../../store/store-context';
import { RunCurves } from './run-curves';
import { SettingsTable } from './settings-table';

/** Rows the figures above the table already show. */
const SHOWN_ABOVE = new Set([
  'Status',
  'Base model',
  'Engine',
  'Dataset',
  'What trained',
  'Val. accuracy (saved model)',
  "Best epoch's val. accuracy",
  'Epochs done',
  'Duration',
]);

/**
 * Why the highest epoch accuracy is not the saved model's, when they differ: the model kept is
 * the epoch with the lowest validation loss, which a single lucky epoch's accuracy can beat.
 */
function AccuracyNote(props: { summary: RunSummary; epochs: EpochMetrics[] }) {
  const { summary, epochs } = props;
  const best = summary.bestValAccuracy;
  if (best === undefined || summary.finalValAccuracy === undefined) return null;
  if (formatPercent(best) === formatPercent(summary.finalValAccuracy)) return null;
  const top = epochs.find((e) => e.valAccuracy === best);
  return (
    <p className="muted small" data-testid="accuracy-note">
      Epoch {top?.epoch ?? '?'} reached {formatPercent(best)}, but the model kept is the epoch with
      the lowest validation loss: loss weighs how sure each answer is, so it predicts new images
      better than one epoch’s count of right answers.
    </p>
  );
}

/** One run reopened from its folder: why it ended, its curves, its settings, what to do next. */
export function RunDetail() {
  const s = useStudio(
    useShallow((state) => ({
      run: state.openedRun,
      settings: state.openedSettings,
      close: state.closeRun,
      setCurrent: state.setCurrentRun,
      go: state.setActiveTab,
      retrain: state.retrainRun,
      showModel: state.showRunModel,
      training: state.runStatus === 'running' || state.runStatus === 'starting',
    })),
  );
  if (!s.run) return null;
  const { summary, epochs } = s.run;
  const open = (tab: 'evaluate' | 'preview' | 'export') => {
    s.setCurrent(summary.id);
    s.go(tab);
  };
  const usable = summary.status === 'completed' && s.run.hasModel;
  return (
    <section
      className="card run-detail"
      aria-labelledby="run-detail-title"
      data-testid="run-detail"
    >
      <div className="section-row">
        <h2 className="section-title" id="run-detail-title">
          {summary.name}
          <span className={`status-pill status-${summary.status}`}>{summary.status}</span>
        </h2>
        <button type="button" className="btn small" onClick={s.close}>
          Close
        </button>
      </div>
      {summary.status === 'failed' ? (
        <Alert title="This run failed">
          <p data-testid="run-failure">{summary.error ?? 'The run ended without a reason.'}</p>
          {s.run.failureLog.length ? (
            <ul className="failure-log">
              {s.run.failureLog.map((line, index) => (
                <li key={index}>{line}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {summary.continuedFrom ? (
        <p className="muted" data-testid="run-detail-lineage">
          Continues the run “{summary.continuedFrom.name}” after its epoch{' '}
          {summary.continuedFrom.epochsDone}; that run is kept as it was.
        </p>
      ) : null}
      <div className="stats compact">
        <Stat label="val. accuracy (saved model)" value={formatPercent(summary.finalValAccuracy)} />
        <Stat label="dataset" value={summary.dataset?.name ?? '—'} />
        <Stat label="what trained" value={summary.plan ?? '—'} />
        <Stat label="epochs" value={`${summary.epochsDone} of ${summary.epochsPlanned}`} />
        <Stat
          label="duration"
          value={summary.durationMs === undefined ? '—' : formatDuration(summary.durationMs)}
        />
        <Stat label="base model" value={summary.baseModel} />
        <Stat label="engine" value={summary.backend ?? '—'} />
      </div>
      <AccuracyNote summary={summary} epochs={epochs} />
      <div className="button-row">
        <button
          type="button"
          className="btn primary"
          disabled={!usable}
          onClick={() => open('evaluate')}
        >
          Evaluation
        </button>
        <button type="button" className="btn" disabled={!usable} onClick={() => open('preview')}>
          Try it
        </button>
        <button type="button" className="btn" disabled={!usable} onClick={() => open('export')}>
          Export
        </button>
        <button
          type="button"
          className="btn"
          disabled={!s.run.config || s.training}
          onClick={() => void s.retrain(summary.id)}
        >
          Retrain with these settings
        </button>
        <button
          type="button"
          className="btn"
          disabled={!s.run.config}
          onClick={() => s.run?.config && void s.showModel(s.run.config)}
        >
          Show its freeze plan
        </button>
        <span className="muted small mono run-dir" title={summary.dir}>
          {summary.dir}
        </span>
      </div>
      <RunCurves epochs={epochs} />
      <SettingsTable
        names={['Value']}
        rows={s.settings.filter((row) => !SHOWN_ABOVE.has(row.setting))}
        label="Settings"
      />
    </section>
  );
}
