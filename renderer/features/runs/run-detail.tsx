import { useShallow } from 'zustand/react/shallow';
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
  'Backend',
  "Saved model's val. accuracy",
  "Best epoch's val. accuracy",
  'Epochs done',
  'Duration',
]);

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
      <div className="stats compact">
        <Stat label="saved model's val. accuracy" value={formatPercent(summary.finalValAccuracy)} />
        <Stat label="best epoch's val. accuracy" value={formatPercent(summary.bestValAccuracy)} />
        <Stat label="epochs" value={`${summary.epochsDone} of ${summary.epochsPlanned}`} />
        <Stat
          label="duration"
          value={summary.durationMs === undefined ? '—' : formatDuration(summary.durationMs)}
        />
        <Stat label="base model" value={summary.baseModel} />
        <Stat label="backend" value={summary.backend ?? '—'} />
      </div>
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
