import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CatalogItem } from '../../../shared/domain';
import { Alert } from '../../components/alert';
import { formatBytes } from '../../components/format';
import { ProgressBar } from '../../components/progress-bar';
import type { DownloadState } from '../../store/model-slice';
import { useStudio } from '../../store/store-context';

function isSelected(item: CatalogItem, ref: unknown): boolean {
  return typeof ref === 'object' && ref !== null && 'catalogId' in ref && ref.catalogId === item.id;
}

/** The zoo: models on this machine first and selectable, the others one click from download. */
export function CatalogPicker() {
  const s = useStudio(
    useShallow((state) => ({
      catalog: state.catalog,
      status: state.catalogStatus,
      error: state.catalogError,
      modelRef: state.modelRef,
      downloads: state.downloads,
    })),
  );
  const [showAll, setShowAll] = useState(false);
  const local = s.catalog.filter((item) => item.localDir);
  const elsewhere = s.catalog.filter((item) => !item.localDir);
  // A model being downloaded (or that failed) stays in view.
  const busy = elsewhere.filter((item) => s.downloads[item.id]);
  const shown = showAll || local.length === 0 ? [...local, ...elsewhere] : [...local, ...busy];
  return (
    <section aria-labelledby="catalog-heading">
      <h2 id="catalog-heading" className="section-title">
        Choose a base model
      </h2>
      {s.error ? <Alert title="The model list could not be loaded">{s.error}</Alert> : null}
      {s.status === 'loading' ? <p className="muted">Looking for models…</p> : null}
      <div className="catalog" role="radiogroup" aria-label="Base models">
        {shown.map((item) => (
          <CatalogCard
            key={item.id}
            item={item}
            selected={isSelected(item, s.modelRef)}
            download={s.downloads[item.id]}
          />
        ))}
      </div>
      {elsewhere.length > busy.length && local.length > 0 ? (
        <button
          type="button"
          className="btn link catalog-more"
          onClick={() => setShowAll(!showAll)}
          aria-expanded={showAll}
        >
          {showAll
            ? 'Show only the models on this machine'
            : `Show ${elsewhere.length - busy.length} more models you can download`}
        </button>
      ) : null}
    </section>
  );
}

function CatalogCard(props: { item: CatalogItem; selected: boolean; download?: DownloadState }) {
  const { item, selected, download } = props;
  const actions = useStudio(
    useShallow((state) => ({
      select: state.selectCatalogModel,
      start: state.downloadModel,
      cancel: state.cancelDownload,
    })),
  );
  const isLocal = Boolean(item.localDir);
  const running = download && (download.phase === 'downloading' || download.phase === 'verifying');
  const fraction =
    download?.totalBytes && download.totalBytes > 0
      ? download.receivedBytes / download.totalBytes
      : null;
  return (
    <div className={selected ? 'catalog-item-wrap selected' : 'catalog-item-wrap'}>
      <button
        type="button"
        role="radio"
        aria-checked={selected}
        className="catalog-item"
        disabled={!isLocal}
        onClick={() => void actions.select(item.id)}
        title={isLocal ? item.localDir : `${item.name} is not on this machine yet: download it.`}
      >
        <span className="catalog-name">{item.name}</span>
        <span className="catalog-meta">
          {formatBytes(item.sizeBytes)} · {item.inputSize}×{item.inputSize} input ·{' '}
          {item.featureLayer}
        </span>
      </button>
      <p className="catalog-license" data-testid="catalog-license">
        License: {item.license}
      </p>
      <div className="catalog-actions">
        {isLocal ? (
          <span className={item.downloaded ? 'badge cached' : 'badge ok'}>
            {item.downloaded ? 'Downloaded' : 'On this machine'}
          </span>
        ) : running ? (
          <>
            <ProgressBar label={`Downloading ${item.name}`} value={fraction} />
            <span className="muted small" aria-live="polite">
              {download.phase === 'verifying'
                ? 'Checking…'
                : `${formatBytes(download.receivedBytes)}${download.totalBytes ? ` of ${formatBytes(download.totalBytes)}` : ''}`}
            </span>
            <button
              type="button"
              className="btn small"
              onClick={() => void actions.cancel(item.id)}
            >
              Cancel
            </button>
          </>
        ) : (
          <button
            type="button"
            className="btn small"
            onClick={() => void actions.start(item.id)}
            aria-label={`Download ${item.name} (${formatBytes(item.sizeBytes)})`}
          >
            {download ? 'Try again' : `Download · ${formatBytes(item.sizeBytes)}`}
          </button>
        )}
      </div>
      {download && !running && download.message ? (
        <p className="catalog-error" role="alert">
          {download.message}
        </p>
      ) : null}
    </div>
  );
}
