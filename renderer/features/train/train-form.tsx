import { useShallow } from 'zustand/react/shallow';
import type { FormEvent } from 'react';
import type { TrainParams } from '../../store/training-slice';
import { useStudio } from '../../store/store-context';

const fields: { key: keyof TrainParams; label: string; hint: string; step: string; min: string }[] =
  [
    {
      key: 'epochs',
      label: 'Epochs',
      hint: 'Passes over the training images.',
      step: '1',
      min: '1',
    },
    {
      key: 'learningRate',
      label: 'Learning rate',
      hint: 'Step size; 0.001 suits a frozen base.',
      step: 'any',
      min: '0',
    },
    { key: 'batchSize', label: 'Batch size', hint: 'Images per update.', step: '1', min: '1' },
  ];

export function TrainForm() {
  const s = useStudio(
    useShallow((state) => ({
      params: state.trainParams,
      status: state.runStatus,
      // A string, not an array: the selector must return equal values for equal state.
      blockers: state.trainBlockers().join('\n'),
      setParam: state.setTrainParam,
      start: state.startTraining,
      cancel: state.cancelTraining,
      runId: state.runId,
    })),
  );
  const active = s.status === 'starting' || s.status === 'running';
  const blockers = s.blockers ? s.blockers.split('\n') : [];
  function submit(event: FormEvent): void {
    event.preventDefault();
    void s.start();
  }
  return (
    <form className="card train-form" onSubmit={submit} aria-label="Training settings">
      <div className="form-grid">
        {fields.map((field) => (
          <label key={field.key} className="field">
            <span className="field-label">{field.label}</span>
            <input
              className="input"
              type="number"
              inputMode="decimal"
              name={field.key}
              step={field.step}
              min={field.min}
              value={s.params[field.key]}
              disabled={active}
              onChange={(event) => s.setParam(field.key, event.target.value)}
            />
            <span className="field-hint">{field.hint}</span>
          </label>
        ))}
      </div>
      <div className="form-actions">
        {active ? (
          <button
            type="button"
            className="btn danger"
            onClick={() => void s.cancel()}
            disabled={!s.runId}
          >
            Cancel training
          </button>
        ) : (
          <button type="submit" className="btn primary" disabled={blockers.length > 0}>
            Start training
          </button>
        )}
        {!active && blockers.length > 0 ? (
          <ul className="blockers" aria-label="Before you can train">
            {blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </form>
  );
}
