/**
 * The work in progress the studio keeps between sessions (project.json in the data folder), so
 * a reload or a restart brings back the dataset, the base model, the freeze plan and the
 * training settings. Kept by main for both shells: the Electron app and the web shell (any
 * browser, any tab) see the same project.
 */
import { z } from 'zod';
import { Augmentation, FreezePlan, ModelRef } from './domain';

export const Project = z.object({
  version: z.literal(1),
  /** The dataset's folders, in the order they were added. */
  datasetRoots: z.array(z.string().min(1)).max(100),
  model: ModelRef.nullable(),
  featureLayer: z.string().nullable(),
  freeze: FreezePlan,
  advancedLayers: z.boolean(),
  /** The Train form as typed (numbers as text, so a half-typed value comes back as it was). */
  trainParams: z.record(z.string(), z.union([z.string(), z.boolean()])),
  augmentation: Augmentation,
});
export type Project = z.infer<typeof Project>;

/** The saved project, with what could not be restored as it was, in words. */
export const ProjectLoad = z.object({
  project: Project.nullable(),
  /** Dataset folders of the project that no longer exist (moved, renamed, deleted). */
  missingRoots: z.array(z.string()),
  /** Why the saved project could not be read at all, when it could not. */
  problem: z.string().nullable(),
});
export type ProjectLoad = z.infer<typeof ProjectLoad>;
