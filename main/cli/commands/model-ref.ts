import path from 'node:path';
import { findCatalogEntry } from '../../../shared/catalog';
import type { ModelRef } from '../../../shared/domain';

/** A model argument is a catalog id when it names one, otherwise a model folder. */
export function modelRefFromArg(arg: string): ModelRef {
  return findCatalogEntry(arg) ? { catalogId: arg } : { path: path.resolve(arg) };
}
