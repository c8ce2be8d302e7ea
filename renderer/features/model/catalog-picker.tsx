import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CatalogItem } from '../../../shared/domain';
import { Alert } from '../../components/alert';
import { formatBytes } from '../../components/format';
import { useStudio } from '../../store/store-context';

function isSelected(item: CatalogItem, ref: unknown): boolean {
  return typeof ref === 'object' && ref !== null && 'catalogId' in ref && ref.catalogId === item.id;
}

/** The zoo, with the models present on this machine first and selectable. */
export function CatalogPicker() {
  const s = useStudio(
    useShallow((state) => ({
      catalog: state.catalog,
      status: state.catalogStatus,
      error: state.catalogError,
      modelRef: state.modelRef,
      modelsDirs: state.appInfo?.modelsDirs ?? [],
      select: state.selectCatalogModel,
    })),
  );
  const [showAll, setShowAll] = useState(false);
  const local = s.catalog.filter((item) => item.localDir);
  const elsewhere = s.catalog.filter((item) => !item.localDir);
  const modelsDir = s.modelsDirs[0] ?? 'the models folder';
  const shown = showAll || local.length === 0 ? [...local, ...elsewhere] : local;
  return (
    <section aria-labelledby="catalog-heading">
      <h2 id="catalog-heading" className="section-title">
        Choose a base model
      </h2>
      {s.error ? <Alert title="The model list could not be loaded">{s.error}</Alert> : null}
      {s.status === 'loading' ? <p className="muted">Looking for models…</p> : null}
      <div className="catalog" role="radiogroup" aria-label="Base models">
        {shown.map((item) => {
          const isLocal = Boolean(item.localDir);
          const selected = isSelected(item, s.modelRef);
          return (
            <button
              key={item.id}
              type="button"
              role="radio"
              aria-checked={selected}
              className={selected ? 'catalog-item selected' : 'catalog-item'}
              disabled={!isLocal}
              onClick={() => void s.select(item.id)}
              title={
                isLocal
                  ? item.localDir
                  : `Not on this machine: put it in ${modelsDir}/${item.localDirNames[0]}`
              }
            >
              <span className="catalog-name">{item.name}</span>
              <span className="catalog-meta">
                {formatBytes(item.sizeBytes)} · {item.inputSize}×{item.inputSize} input
              </span>
              <span className={isLocal ? 'badge ok' : 'badge'}>
                {isLocal ? 'On this machine' : 'Not downloaded'}
              </span>
            </button>
          );
        })}
      </div>
      {elsewhere.length > 0 && local.length > 0 ? (
        <button
          type="button"
          className="btn link catalog-more"
          onClick={() => setShowAll(!showAll)}
          aria-expanded={showAll}
        >
          {showAll
            ? 'Show only the models on this machine'
            : `Show ${elsewhere.length} more models (not on this machine)`}
        </button>
      ) : null}
      {showAll || local.length === 0 ? (
        <p className="field-hint">
          To use another model, download its folder (model.json and weights) into{' '}
          <code>{modelsDir}</code>.
        </p>
      ) : null}
    </section>
  );
}
