import { useRef, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { ChartIcon } from '../../components/icons';
import { errorMessage } from '../../api/request-error';
import { useStudio } from '../../store/store-context';
import { RunSelect } from '../runs/run-select';
import { PredictionCard } from './prediction-card';
import { imageFiles, prepareImage } from './prepare-image';
import { WebcamCapture } from './webcam-capture';
import './preview.css';

/** "Try it": drop or choose images (or use the webcam in the desktop app) and see top-k. */
export function PreviewScreen() {
  const s = useStudio(
    useShallow((state) => ({
      shell: state.shell,
      ready: state.currentRun()?.status === 'completed',
      items: state.previewItems,
      error: state.previewError,
      topK: state.previewTopK,
      predict: state.predictImages,
      clear: state.clearPreview,
      setError: state.setPreviewError,
      setTopK: state.setPreviewTopK,
    })),
  );
  const pathForFile = useStudio((state) => state.previewPathOf);
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const busy = s.items.some((item) => item.status === 'pending');

  async function take(files: Iterable<File>): Promise<void> {
    const images = imageFiles(files);
    if (images.length === 0) {
      s.setError('None of those files is an image. Choose JPEG, PNG, WebP, GIF or TIFF files.');
      return;
    }
    try {
      const prepared = await Promise.all(
        images.map((file) => prepareImage(file, file.name, pathForFile(file))),
      );
      await s.predict(prepared);
    } catch (error) {
      s.setError(errorMessage(error));
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>): void {
    event.preventDefault();
    setDragging(false);
    void take(event.dataTransfer.files);
  }

  const header = (
    <header className="screen-header with-aside">
      <div>
        <h1>Try it</h1>
        <p>Give the trained model new pictures and see what it thinks they are.</p>
      </div>
      <RunSelect />
    </header>
  );
  if (!s.ready) {
    return (
      <>
        {header}
        <EmptyState icon={<ChartIcon />} title="No trained model yet">
          <p>Train a model on the Train tab first; then try it on any picture here.</p>
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {header}
      <div
        className={dragging ? 'preview-drop dragging' : 'preview-drop'}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="preview-drop"
      >
        <p className="preview-drop-title">Drop images here</p>
        <p className="muted small">One or many; they are not added to the dataset.</p>
        <div className="button-row">
          <button type="button" className="btn primary" onClick={() => inputRef.current?.click()}>
            Choose images…
          </button>
          <input
            ref={inputRef}
            type="file"
            accept="image/*,.tif,.tiff,.heic"
            multiple
            hidden
            data-testid="preview-file-input"
            onChange={(event) => {
              const files = event.target.files ? [...event.target.files] : [];
              event.target.value = '';
              void take(files);
            }}
          />
          <label className="topk-field">
            Show top
            <select
              className="input"
              value={s.topK}
              onChange={(event) => s.setTopK(Number(event.target.value))}
            >
              {[1, 2, 3, 5, 10].map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          {s.items.length ? (
            <button type="button" className="btn" onClick={s.clear}>
              Clear
            </button>
          ) : null}
        </div>
        {s.shell === 'electron' ? (
          <WebcamCapture
            busy={busy}
            onFrame={(frame) =>
              void prepareImage(frame, `webcam ${new Date().toLocaleTimeString()}`, null).then(
                (image) => s.predict([image]),
                (error: unknown) => s.setError(errorMessage(error)),
              )
            }
          />
        ) : null}
      </div>
      {s.error ? <Alert title="Those images could not be tried">{s.error}</Alert> : null}
      {s.items.length ? (
        <ul className="prediction-grid" aria-label="Predictions">
          {s.items.map((item) => (
            <PredictionCard key={item.key} item={item} />
          ))}
        </ul>
      ) : null}
    </>
  );
}
