import type { CatalogEntry, ModelRef } from '../../../shared/domain';

/** A base model found on disk and what the studio needs to use it. */
export interface ResolvedModel {
  ref: ModelRef;
  name: string;
  /** Folder holding model.json. */
  dir: string;
  entry?: CatalogEntry;
  inputSize: [number, number];
  preprocessing: { scale: number; offset: number };
  /** Recommended feature layer (catalog entry, or proposed from the model). */
  featureLayer: string;
  /** Index path to a nested base model (Teachable Machine exports); empty when flat. */
  nestedBase: number[];
}
