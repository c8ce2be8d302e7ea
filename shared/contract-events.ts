/**
 * Every event the services push to the UI, with its payload schema: part of the one contract
 * (shared/contract.ts re-exports it), kept apart because events and requests change separately.
 */
import { z } from 'zod';
import { BatchMetrics, EpochMetrics, RunStatus, RunSummary } from './domain';

export const eventSchemas = {
  /** Batch loss, at most every 250 ms. */
  'training:progress': z.object({ runId: z.string(), batch: BatchMetrics }),
  /** Metrics of a finished epoch. */
  'training:epoch': z.object({ runId: z.string(), metrics: EpochMetrics }),
  /** Lifecycle changes: started (with backend), decoding, training, and the end states. */
  'training:status': z.object({
    runId: z.string(),
    status: RunStatus,
    phase: z.string(),
    backend: z.string().optional(),
    message: z.string().optional(),
    /** 0..1 progress of the phase, when known. */
    progress: z.number().min(0).max(1).optional(),
    /** Milliseconds left in this phase at its rate so far (e.g. feature extraction). */
    etaMs: z.number().nonnegative().optional(),
  }),
  'training:done': z.object({ runId: z.string(), summary: RunSummary }),
  /** Progress of a folder evaluation (evaluation:folder). */
  'evaluation:progress': z.object({
    runId: z.string(),
    message: z.string().optional(),
    progress: z.number().min(0).max(1).optional(),
  }),
  'models:download-progress': z.object({
    catalogId: z.string(),
    phase: z.enum(['downloading', 'verifying', 'done', 'failed', 'cancelled']),
    receivedBytes: z.number().int().nonnegative(),
    /** Expected bytes of all files, when the server and the catalog say. */
    totalBytes: z.number().int().nonnegative().optional(),
    /** The file being fetched. */
    file: z.string().optional(),
    /** For 'failed': what went wrong and what to do. */
    message: z.string().optional(),
  }),
  'datasets:scan-progress': z.object({
    phase: z.enum(['listing', 'checking']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().optional(),
    /** Files per second in this phase so far (absent until there is something to measure). */
    filesPerSecond: z.number().nonnegative().optional(),
    /** Seconds left in this phase at the current rate (only when the total is known). */
    etaSeconds: z.number().nonnegative().optional(),
  }),
  /**
   * Folders the user chose with the native menu's "Add folder…" (Electron only); the UI
   * adds them exactly like dropped folders.
   */
  'app:folders-chosen': z.object({ paths: z.array(z.string().min(1)).min(1) }),
  /** What a running export does: loading, converting, writing, proving (with progress), zipping. */
  'exports:progress': z.object({
    runId: z.string(),
    phase: z.string(),
    message: z.string().optional(),
    /** 0..1 progress of the phase, when known. */
    progress: z.number().min(0).max(1).optional(),
  }),
} as const;
