/**
 * The downloads in progress, one per catalog model: a second request for the same model joins
 * the first, a model already on this machine (in any models folder) is never fetched again, and
 * every step is announced on 'models:download-progress'.
 */
import path from 'node:path';
import { findCatalogEntry } from '../../../../shared/catalog';
import type { EventSink } from '../../../../shared/contract';
import type { CatalogEntry, CatalogItem } from '../../../../shared/domain';
import { ServiceError, toErrorPayload } from '../../service-error';
import { listCatalog } from '../model-store';
import { downloadModel } from './download-model';

export interface ModelDownloadsOptions {
  /** Folders searched for models (the user's first, the download cache last). */
  modelsDirs: string[];
  /** Where downloads go: `<dataDir>/models`. */
  downloadsDir: string;
  emit: EventSink;
  /**
   * Base URL of a mirror holding `<catalogId>/model.json` (TRANSFER_STUDIO_MODEL_MIRROR), for
   * networks without access to Google's storage and for tests against a local server.
   */
  mirror?: string;
}

export class ModelDownloads {
  private readonly active = new Map<
    string,
    { controller: AbortController; done: Promise<CatalogItem> }
  >();

  constructor(private readonly options: ModelDownloadsOptions) {}

  /** Downloads a catalog model unless it is already here; resolves to its catalog item. */
  async download(catalogId: string): Promise<CatalogItem> {
    const entry = findCatalogEntry(catalogId);
    if (!entry) throw new ServiceError('not-found', `Unknown base model "${catalogId}".`);
    const running = this.active.get(catalogId);
    if (running) return running.done;
    const controller = new AbortController();
    // Registered before the first await, so a second request joins this one.
    const done = (async () => {
      const present = await this.itemOf(catalogId);
      return present?.localDir ? present : this.run(entry, controller);
    })().finally(() => this.active.delete(catalogId));
    this.active.set(catalogId, { controller, done });
    return done;
  }

  /** Cancels a running download; false when none was running. */
  cancel(catalogId: string): boolean {
    const running = this.active.get(catalogId);
    if (!running) return false;
    running.controller.abort();
    return true;
  }

  /** Cancels every running download (the studio is quitting). */
  cancelAll(): void {
    for (const { controller } of this.active.values()) controller.abort();
  }

  isDownloading(catalogId: string): boolean {
    return this.active.has(catalogId);
  }

  private async itemOf(catalogId: string): Promise<CatalogItem | undefined> {
    const items = await listCatalog(this.options.modelsDirs, this.options.downloadsDir);
    return items.find((item) => item.id === catalogId);
  }

  private async run(entry: CatalogEntry, controller: AbortController): Promise<CatalogItem> {
    const { emit } = this.options;
    let last = { receivedBytes: 0, totalBytes: undefined as number | undefined };
    try {
      await downloadModel({
        entry,
        modelsDir: this.options.downloadsDir,
        signal: controller.signal,
        ...(this.options.mirror ? { url: mirrorUrl(this.options.mirror, entry) } : {}),
        onProgress: (progress) => {
          last = { receivedBytes: progress.receivedBytes, totalBytes: progress.totalBytes };
          emit('models:download-progress', { catalogId: entry.id, ...progress });
        },
      });
    } catch (error) {
      emit('models:download-progress', {
        catalogId: entry.id,
        phase: controller.signal.aborted ? 'cancelled' : 'failed',
        receivedBytes: last.receivedBytes,
        ...(last.totalBytes !== undefined ? { totalBytes: last.totalBytes } : {}),
        message: toErrorPayload(error).message,
      });
      throw error;
    }
    const item = await this.itemOf(entry.id);
    emit('models:download-progress', {
      catalogId: entry.id,
      phase: 'done',
      receivedBytes: last.receivedBytes,
      ...(last.totalBytes !== undefined ? { totalBytes: last.totalBytes } : {}),
    });
    if (!item?.localDir) {
      throw new ServiceError(
        'failed',
        `${entry.name} was downloaded to ${path.join(this.options.downloadsDir, entry.id)} but the ` +
          'studio does not find it there; check that the data folder is a normal, writable folder.',
      );
    }
    return item;
  }
}

function mirrorUrl(mirror: string, entry: CatalogEntry): string {
  const base = mirror.endsWith('/') ? mirror : `${mirror}/`;
  return new URL(`${entry.id}/model.json`, base).toString();
}
