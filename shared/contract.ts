/**
 * The one contract between the UI and the services: every request channel (`domain:verb`)
 * with its request and response schema, and every event with its payload schema (written in
 * contract-events.ts, re-exported here). Both transports (Electron IPC and the web shell's
 * WebSocket) carry exactly these.
 */
import { z } from 'zod';
import { eventSchemas } from './contract-events';
import {
  AbsolutePath,
  EpochMetrics,
  MAX_DATASET_ROOTS,
  RunSummary,
  BackendReport,
  DatasetSummary,
  ExportResult,
  ModelInfo,
  CatalogItem,
  SpeedCalibration,
  DatasetImage,
  TrainConfig,
  Augmentation,
  BackendChoice,
  ExportFormat,
  ModelRef,
} from './domain';
import {
  EvaluationId,
  EvaluationImage,
  EvaluationReport,
  EvaluationSource,
  ImageFilter,
  ImageSort,
  Prediction,
  PreviewInput,
  RunDetails,
  SettingRow,
} from './evaluation';

import { Project, ProjectLoad } from './project';

export { eventSchemas };

const Empty = z.object({}).strict();

export const requestSchemas = {
  'app:info': {
    request: Empty,
    response: z.object({
      version: z.string(),
      shell: z.enum(['electron', 'web']),
      dataDir: z.string(),
      runsDir: z.string(),
      modelsDirs: z.array(z.string()),
    }),
  },
  /** The project kept from the last session (project.json), its vanished folders reported. */
  'project:get': {
    request: Empty,
    response: ProjectLoad,
  },
  /** Keeps the current project (dataset folders, model, plan, settings) for the next session. */
  'project:save': {
    request: Project,
    response: Empty,
  },
  'diagnostics:backends': {
    request: Empty,
    response: BackendReport,
  },
  'datasets:scan': {
    request: z.object({ paths: z.array(AbsolutePath).min(1).max(MAX_DATASET_ROOTS) }).strict(),
    response: DatasetSummary,
  },
  'datasets:set-excluded': {
    request: z
      .object({
        roots: z.array(AbsolutePath).min(1).max(MAX_DATASET_ROOTS),
        path: AbsolutePath,
        excluded: z.boolean(),
      })
      .strict(),
    /** The dataset's excluded paths after the change. */
    response: z.object({ excluded: z.array(z.string()) }),
  },
  /** Stops the scan in progress; the scan's request then fails with "Scan cancelled". */
  'datasets:cancel-scan': {
    request: Empty,
    response: z.object({ cancelled: z.boolean() }),
  },
  /**
   * One page of a class's files from the last scan of these roots (usable, problem and
   * excluded files alike), in the scan's stable order; thumbnail ids are issued per page.
   */
  'datasets:images': {
    request: z
      .object({
        roots: z.array(AbsolutePath).min(1).max(MAX_DATASET_ROOTS),
        className: z.string().min(1),
        offset: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(500),
      })
      .strict(),
    response: z.object({
      total: z.number().int().nonnegative(),
      items: z.array(DatasetImage),
    }),
  },
  'models:list': {
    request: Empty,
    response: z.array(CatalogItem),
  },
  'models:inspect': {
    request: z.object({ ref: ModelRef, featureLayer: z.string().optional() }).strict(),
    response: ModelInfo,
  },
  /**
   * Downloads a catalog model into the studio's models folder (temp folder, integrity check,
   * rename); answers at once with the entry when it is already on this machine.
   */
  'models:download': {
    request: z.object({ catalogId: z.string().min(1) }).strict(),
    response: CatalogItem,
  },
  'models:cancel-download': {
    request: z.object({ catalogId: z.string().min(1) }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  /** Times a few forward and training steps of the base on this machine's training backend. */
  'models:calibrate': {
    request: z
      .object({
        ref: ModelRef,
        featureLayer: z.string().optional(),
        batchSize: z.number().int().min(1).max(1024).optional(),
        backend: BackendChoice.optional(),
        /** Dataset folders to take a few images from, to time decoding too. */
        datasetRoots: z.array(z.string().min(1)).max(MAX_DATASET_ROOTS).optional(),
        /** Measure again instead of answering with the remembered measurement. */
        fresh: z.boolean().optional(),
      })
      .strict(),
    response: SpeedCalibration,
  },
  'training:start': {
    request: TrainConfig,
    response: z.object({ runId: z.string(), dir: z.string() }),
  },
  'training:cancel': {
    request: z.object({ runId: z.string().min(1) }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  'training:pause': {
    request: z.object({ runId: z.string().min(1) }).strict(),
    response: z.object({ paused: z.boolean() }),
  },
  'training:resume': {
    request: z.object({ runId: z.string().min(1) }).strict(),
    response: z.object({ resumed: z.boolean() }),
  },
  /** Adds epochs to a running run, or continues a finished one from its saved model. */
  'training:extend': {
    request: z
      .object({ runId: z.string().min(1), epochs: z.number().int().min(1).max(1000) })
      .strict(),
    response: z.object({ runId: z.string(), epochsPlanned: z.number().int() }),
  },
  /** fastai's lr_find: loss against an exponentially growing learning rate, and a suggestion. */
  'training:lr-find': {
    request: TrainConfig,
    response: z.object({
      points: z.array(z.object({ learningRate: z.number(), loss: z.number() })),
      suggested: z.number().positive(),
    }),
  },
  /** A few augmented views of one dataset image, exactly as training would produce them. */
  'training:augment-preview': {
    request: z
      .object({
        thumbnailId: z.string().min(1),
        augmentation: Augmentation,
        count: z.number().int().min(1).max(12).default(6),
        seed: z.number().int().nonnegative().default(1),
      })
      .strict(),
    /** JPEG data URLs. */
    response: z.object({ images: z.array(z.string()) }),
  },
  'runs:list': {
    request: Empty,
    response: z.array(RunSummary),
  },
  'runs:get': {
    request: z.object({ runId: z.string().min(1) }).strict(),
    response: z.object({ summary: RunSummary, epochs: z.array(EpochMetrics) }),
  },
  'runs:rename': {
    request: z
      .object({ runId: z.string().min(1), name: z.string().trim().min(1).max(200) })
      .strict(),
    response: RunSummary,
  },
  /** Deletes the run folder; refused while the run trains. */
  'runs:delete': {
    request: z.object({ runId: z.string().min(1) }).strict(),
    response: z.object({ deleted: z.boolean() }),
  },
  /** Details of several runs (settings, dataset, epochs) and their settings side by side. */
  'runs:compare': {
    request: z.object({ runIds: z.array(z.string().min(1)).min(1).max(8) }).strict(),
    response: z.object({ runs: z.array(RunDetails), settings: z.array(SettingRow) }),
  },
  /** A new run with an earlier run's settings, on a fresh scan (exclusions and moves count). */
  'runs:retrain': {
    request: z.object({ runId: z.string().min(1) }).strict(),
    response: z.object({ runId: z.string(), dir: z.string() }),
  },
  /** Metrics of a run's evaluation: its validation split, or a folder evaluated later. */
  'evaluation:get': {
    request: z
      .object({ runId: z.string().min(1), evaluationId: EvaluationId.default('validation') })
      .strict(),
    response: EvaluationReport,
  },
  /** The folder evaluations saved in a run. */
  'evaluation:list': {
    request: z.object({ runId: z.string().min(1) }).strict(),
    response: z.array(
      z.object({
        evaluationId: z.string(),
        source: EvaluationSource,
        createdAt: z.string().optional(),
        count: z.number().int().nonnegative(),
        accuracy: z.number(),
      }),
    ),
  },
  /** Evaluated images page by page: one confusion cell, the misclassified by loss, or all. */
  'evaluation:images': {
    request: z
      .object({
        runId: z.string().min(1),
        evaluationId: EvaluationId.default('validation'),
        /** True class index (a confusion row). */
        actual: z.number().int().nonnegative().optional(),
        /** Predicted class index (a confusion column). */
        predicted: z.number().int().nonnegative().optional(),
        filter: ImageFilter.default('all'),
        sort: ImageSort.default('loss'),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(500).default(60),
      })
      .strict(),
    response: z.object({ total: z.number().int().nonnegative(), images: z.array(EvaluationImage) }),
  },
  /** Evaluates a run's model on other labelled folders (in a worker) and saves the result. */
  'evaluation:folder': {
    request: z
      .object({
        runId: z.string().min(1),
        paths: z.array(AbsolutePath).min(1).max(MAX_DATASET_ROOTS),
      })
      .strict(),
    response: z.object({
      report: EvaluationReport,
      /** Classes of the folder the model does not know (their images were left out). */
      unknownClasses: z.array(z.object({ name: z.string(), count: z.number().int() })),
    }),
  },
  /** "Try it": top-k predictions of a run's model for a few images. */
  'preview:predict': {
    request: z
      .object({
        runId: z.string().min(1),
        images: z.array(PreviewInput).min(1).max(16),
        topK: z.number().int().min(1).max(10).default(3),
      })
      .strict(),
    response: z.object({ predictions: z.array(Prediction) }),
  },
  /** Shows a file in the system's file manager (Electron); the web shell returns the folder. */
  'files:show-in-folder': {
    request: z.object({ path: AbsolutePath }).strict(),
    response: z.object({ folder: z.string(), revealed: z.boolean() }),
  },
  /** Moves an evaluated image to another class folder of its dataset (undo with files:undo). */
  'files:move-to-class': {
    request: z
      .object({
        runId: z.string().min(1),
        evaluationId: EvaluationId.default('validation'),
        path: AbsolutePath,
        className: z.string().min(1),
      })
      .strict(),
    response: z.object({ moveId: z.string(), from: z.string(), to: z.string() }),
  },
  /** Undoes a move of this session. */
  'files:undo': {
    request: z.object({ moveId: z.string().min(1) }).strict(),
    response: z.object({ restored: z.string() }),
  },
  /**
   * Whether an export may go to outDir before starting it: 'free' (new or empty folder),
   * 'export' (an earlier export, replaced only when the user agrees), 'blocked' (a file, a
   * folder of other files, a path through a file); `message` says which and what to do.
   */
  'exports:check-target': {
    request: z.object({ outDir: AbsolutePath, zip: z.boolean().default(false) }).strict(),
    response: z.object({
      status: z.enum(['free', 'export', 'blocked']),
      outDir: z.string(),
      message: z.string().optional(),
    }),
  },
  'exports:run': {
    request: z
      .object({
        runId: z.string().min(1),
        format: ExportFormat,
        outDir: AbsolutePath,
        /** Replace an existing export at outDir (never a folder holding other files). */
        overwrite: z.boolean().default(false),
        /** Also write `<outDir>.zip` with the export's files (only when the proof passes). */
        zip: z.boolean().default(false),
      })
      .strict(),
    response: ExportResult,
  },
} as const;

export type RequestChannel = keyof typeof requestSchemas;
export type EventName = keyof typeof eventSchemas;

/** What the caller sends (defaults not yet applied). */
export type RequestOf<C extends RequestChannel> = z.input<(typeof requestSchemas)[C]['request']>;
/** What the handler receives (after validation, defaults applied). */
export type ParsedRequestOf<C extends RequestChannel> = z.output<
  (typeof requestSchemas)[C]['request']
>;
export type ResponseOf<C extends RequestChannel> = z.output<(typeof requestSchemas)[C]['response']>;
export type EventOf<E extends EventName> = z.output<(typeof eventSchemas)[E]>;

export const requestChannels = Object.keys(requestSchemas) as RequestChannel[];
export const eventNames = Object.keys(eventSchemas) as EventName[];

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, value);
}

/** Handlers of every request channel: what the services implement. */
export type RequestHandlers = {
  [C in RequestChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

/** A typed event sink, implemented by each transport. */
export type EventSink = <E extends EventName>(event: E, payload: EventOf<E>) => void;

/** Error carried back to the caller: a code and a message that says what to do. */
export const ErrorPayload = z.object({
  code: z.enum(['invalid-request', 'not-found', 'conflict', 'failed', 'unauthorized']),
  message: z.string(),
  /** For invalid requests: which fields failed and why. */
  issues: z.array(z.string()).optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/** Formats a zod error as short "path: message" lines for an invalid-request reply. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(payload)';
    return `${where}: ${issue.message}`;
  });
}
