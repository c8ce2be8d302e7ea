import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { useStudio } from '../../store/store-context';
import { BackendList } from './backend-list';
import { FeatureEngineList } from './feature-engine-list';
import './diagnostics.css';

/**
 * The GPU doctor: which compute backends load on this machine, why the others did not, and
 * what to do about it; reached from the status bar. A native modal <dialog>, so focus stays
 * inside while it is open and Escape closes it.
 */
export function DiagnosticsDialog(props: { open: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [checking, setChecking] = useState(false);
  const s = useStudio(
    useShallow((state) => ({
      report: state.backendReport,
      error: state.backendError,
      runBackend: state.runBackend,
      runActive: state.runStatus === 'running' || state.runStatus === 'starting',
      saved: state.runSummary?.backend ?? null,
      savedRun: state.runSummary?.name ?? null,
      refresh: state.refreshBackends,
    })),
  );

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  async function checkAgain(): Promise<void> {
    setChecking(true);
    try {
      await s.refresh();
    } finally {
      setChecking(false);
    }
  }

  return (
    <dialog
      ref={ref}
      className="dialog diagnostics"
      aria-labelledby="diagnostics-title"
      onClose={props.onClose}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      {props.open ? (
        <div className="dialog-content">
          <header className="dialog-header">
            <div>
              <h2 id="diagnostics-title">GPU doctor</h2>
              <p className="muted">
                Which compute backends load on this machine, and how to get a faster one.
              </p>
            </div>
            <button
              type="button"
              className="dialog-close"
              aria-label="Close"
              onClick={props.onClose}
            >
              ×
            </button>
          </header>
          {s.report ? (
            <div className="doctor-summary" data-testid="doctor-summary">
              <div>
                <span className="stat-label">Training runs on</span>
                <strong>{s.report.description}</strong>
              </div>
              {s.runActive && s.runBackend ? (
                <div>
                  <span className="stat-label">The current run uses</span>
                  <strong>{s.runBackend}</strong>
                </div>
              ) : null}
              {s.saved ? (
                <div>
                  <span className="stat-label">Last run used</span>
                  <strong title={s.savedRun ?? undefined}>{s.saved}</strong>
                </div>
              ) : null}
              <div>
                <span className="stat-label">TensorFlow.js</span>
                <strong>{s.report.tfjsVersion}</strong>
              </div>
            </div>
          ) : null}
          {s.report ? <BackendList report={s.report} /> : null}
          {s.report?.featureEngine ? <FeatureEngineList report={s.report.featureEngine} /> : null}
          {!s.report && !s.error ? <p className="muted">Asking the training worker…</p> : null}
          {s.error ? (
            <Alert title="The training worker could not be asked">
              <p>{s.error}</p>
              <p className="muted">
                Training needs the worker. Check again; if it keeps failing, restart the studio.
              </p>
            </Alert>
          ) : null}
          <footer className="dialog-footer">
            <span className="muted small">
              Each run records its backend, so results stay comparable.
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="btn"
              onClick={() => void checkAgain()}
              disabled={checking}
            >
              {checking ? 'Checking…' : 'Check again'}
            </button>
            <button type="button" className="btn primary" onClick={props.onClose}>
              Close
            </button>
          </footer>
        </div>
      ) : null}
    </dialog>
  );
}
