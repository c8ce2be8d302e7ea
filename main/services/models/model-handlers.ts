/**
 * The 'models:*' request handlers (catalog, inspection, downloads, speed calibration) and the
 * freeze-plan check that training runs before it starts, wired once by the studio services.
 */
import path from 'node:path';
import type { EventSink, RequestHandlers } from '../../../shared/contract';
import type { FreezePlan } from '../../../shared/domain';
import { checkFreezePlan, describePlan, fineTuneTopPlan } from '../../../shared/freeze-plan';
import { midCalibrationPlan } from '../../../shared/training-estimate';
import type { StudioPaths } from '../paths';
import { ServiceError } from '../service-error';
import type { WorkerLauncher } from '../training/worker-launcher';
import { ModelDownloads } from './download/model-downloads';
import { readModelJson } from './model-files';
import { inspectModel, listCatalog, resolveModel } from './model-store';
import type { ResolvedModel } from './model-types';
import { sampleImages, SpeedCalibrations } from './speed-calibration';
import { findLayerPathInTopology } from './topology';

/** The head the calibration measures with; the estimate's plan points only need its shape. */
const TWO_CLASS_HEAD = { hiddenUnits: 0, dropout: 0.2, classes: 2 };

type ModelChannel =
  | 'models:list'
  | 'models:inspect'
  | 'models:download'
  | 'models:cancel-download'
  | 'models:calibrate';

export interface ModelServices {
  handlers: Pick<RequestHandlers, ModelChannel>;
  downloads: ModelDownloads;
  /**
   * Checks a freeze plan against the base it will train (cut at `featureLayer`) and returns it
   * normalised (layers in model order) with its description (describePlan); a plan that cannot
   * run is refused with the reasons.
   */
  checkPlan(
    model: ResolvedModel,
    featureLayer: string,
    plan: FreezePlan,
  ): Promise<{ plan: FreezePlan; label: string }>;
}

export function createModelServices(options: {
  paths: StudioPaths;
  emit: EventSink;
  launchWorker: WorkerLauncher;
  env?: NodeJS.ProcessEnv;
}): ModelServices {
  const { paths } = options;
  const env = options.env ?? process.env;
  const downloadsDir = path.join(paths.dataDir, 'models');
  const mirror = env.TRANSFER_STUDIO_MODEL_MIRROR?.trim();
  const downloads = new ModelDownloads({
    modelsDirs: paths.modelsDirs,
    downloadsDir,
    emit: options.emit,
    ...(mirror ? { mirror } : {}),
  });
  const calibrations = new SpeedCalibrations({ launchWorker: options.launchWorker, env });
  const resolve = (ref: Parameters<typeof resolveModel>[0]) => resolveModel(ref, paths.modelsDirs);

  return {
    downloads,
    handlers: {
      'models:list': async () => listCatalog(paths.modelsDirs, downloadsDir),
      'models:inspect': async ({ ref, featureLayer }) =>
        inspectModel(await resolve(ref), featureLayer),
      'models:download': async ({ catalogId }) => downloads.download(catalogId),
      'models:cancel-download': async ({ catalogId }) => ({
        cancelled: downloads.cancel(catalogId),
      }),
      'models:calibrate': async (request) => {
        const model = await resolve(request.ref);
        const featureLayer = request.featureLayer ?? model.featureLayer;
        // Validates the layer; the top block is timed on its own as a second training point.
        const info = await inspectModel(model, featureLayer);
        const json = await readModelJson(model.dir);
        const nestedBase =
          findLayerPathInTopology(json.modelTopology, featureLayer) ?? model.nestedBase;
        return calibrations.calibrate(
          {
            modelDir: model.dir,
            nestedBase,
            featureLayer,
            inputSize: model.inputSize,
            preprocessing: model.preprocessing,
            backend: request.backend ?? 'auto',
            batchSize: Math.min(request.batchSize ?? 16, 32),
            images: request.datasetRoots ? await sampleImages(request.datasetRoots) : [],
            repeats: 3,
            trainBatchSize: 16,
            topLayers: fineTuneTopPlan(info, 1).trainableLayers,
            midLayers: midCalibrationPlan(info, TWO_CLASS_HEAD).trainableLayers,
          },
          request.fresh ?? false,
        );
      },
    },
    async checkPlan(model, featureLayer, plan) {
      const info = await inspectModel(model, featureLayer);
      const checked = checkFreezePlan(info, plan);
      if (checked.errors.length) {
        throw new ServiceError(
          'invalid-request',
          `The freeze plan cannot run on ${info.name}: ${checked.errors.join(' ')}`,
          checked.errors,
        );
      }
      return { plan: checked.plan, label: describePlan(info, checked.plan) };
    },
  };
}
