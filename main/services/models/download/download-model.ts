/**
 * Downloads a catalog model (model.json and its weight shards) into `<modelsDir>/<id>`: every
 * file goes to a temporary folder beside it, is checked (sizes from the manifest, sha256 where
 * the catalog has one), and the folder is renamed into place only when all is well, so a failed
 * or cancelled download never leaves a half-written model where the studio looks for models.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { CatalogEntry } from '../../../../shared/domain';
import { ServiceError } from '../../service-error';
import { describeFailure, DownloadFailure } from './download-errors';

export const DOWNLOAD_RECORD = 'download.json';
const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;

export interface DownloadProgress {
  phase: 'downloading' | 'verifying';
  receivedBytes: number;
  totalBytes?: number;
  file?: string;
}

export interface DownloadOptions {
  entry: CatalogEntry;
  /** The studio's own models folder (the download cache). */
  modelsDir: string;
  signal: AbortSignal;
  onProgress(progress: DownloadProgress): void;
  /** Where to fetch model.json from; defaults to the entry's URL (tests use a local server). */
  url?: string;
}

/** What the studio records beside a downloaded model: the integrity reference for later checks. */
export interface DownloadRecord {
  catalogId: string;
  url: string;
  downloadedAt: string;
  bytes: number;
  sha256: { modelJson: string; weights: string };
  /** 'catalog' when the digests were checked against the catalog, 'recorded' when first seen. */
  checksum: 'catalog' | 'recorded';
}

interface WeightsGroup {
  paths: string[];
  weights: { shape: number[]; dtype: string; quantization?: { dtype: string } }[];
}

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  uint8: 1,
  uint16: 2,
  float16: 2,
  bool: 1,
};

/** Downloads the entry; resolves to the model folder. Throws ServiceError with a clear message. */
export async function downloadModel(options: DownloadOptions): Promise<string> {
  const { entry, modelsDir, signal } = options;
  const target = path.join(modelsDir, entry.id);
  const url = options.url ?? entry.url;
  await fs.mkdir(modelsDir, { recursive: true });
  await removeStaleTemps(modelsDir, entry.id);
  const temp = await fs.mkdtemp(path.join(modelsDir, `.download-${entry.id}-`));
  try {
    const modelJsonBytes = await fetchSmall(url, signal, 'model.json');
    const modelJsonSha = sha256(modelJsonBytes);
    if (entry.sha256 && entry.sha256.modelJson !== modelJsonSha) {
      throw new DownloadFailure('checksum', 'model.json', {
        expected: entry.sha256.modelJson,
        actual: modelJsonSha,
      });
    }
    const groups = parseManifest(modelJsonBytes);
    await fs.writeFile(path.join(temp, 'model.json'), modelJsonBytes);
    const shards = groups.flatMap((group) => group.paths);
    const expected = groups.reduce((sum, group) => sum + groupBytes(group), 0);
    const total = expected + modelJsonBytes.byteLength;
    const weightsHash = createHash('sha256');
    let received = modelJsonBytes.byteLength;
    let lastReport = 0;
    const report = (file: string, force = false) => {
      const now = Date.now();
      if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = now;
      options.onProgress({
        phase: 'downloading',
        receivedBytes: received,
        totalBytes: total,
        file,
      });
    };
    report('model.json', true);
    for (const shard of shards) {
      const shardUrl = new URL(shard, url).toString();
      await fetchToFile(shardUrl, path.join(temp, shard), signal, shard, (chunk) => {
        weightsHash.update(chunk);
        received += chunk.byteLength;
        report(shard);
      });
    }
    report(shards[shards.length - 1] ?? 'model.json', true);
    options.onProgress({ phase: 'verifying', receivedBytes: received, totalBytes: total });
    if (received !== total) {
      throw new DownloadFailure('size', 'the weight files', {
        expected: String(total),
        actual: String(received),
      });
    }
    const weightsSha = weightsHash.digest('hex');
    if (entry.sha256 && entry.sha256.weights !== weightsSha) {
      throw new DownloadFailure('checksum', 'the weight files', {
        expected: entry.sha256.weights,
        actual: weightsSha,
      });
    }
    const record: DownloadRecord = {
      catalogId: entry.id,
      url,
      downloadedAt: new Date().toISOString(),
      bytes: received,
      sha256: { modelJson: modelJsonSha, weights: weightsSha },
      checksum: entry.sha256 ? 'catalog' : 'recorded',
    };
    await fs.writeFile(path.join(temp, DOWNLOAD_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    await moveIntoPlace(temp, target);
    return target;
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    if (error instanceof ServiceError) throw error;
    throw describeFailure(error, { entry, url, modelsDir, signal });
  }
}

async function moveIntoPlace(temp: string, target: string): Promise<void> {
  try {
    await fs.rename(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Another download (another window) finished first: keep its copy.
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      await fs.rm(temp, { recursive: true, force: true });
      return;
    }
    throw error;
  }
}

/** Temp folders left by a download that crashed or was killed. */
async function removeStaleTemps(modelsDir: string, id: string): Promise<void> {
  const names = await fs.readdir(modelsDir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(`.download-${id}-`))
      .map((name) => fs.rm(path.join(modelsDir, name), { recursive: true, force: true })),
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function groupBytes(group: WeightsGroup): number {
  return group.weights.reduce((sum, weight) => {
    const dtype = weight.quantization?.dtype ?? weight.dtype;
    return sum + weight.shape.reduce((p, d) => p * d, 1) * (BYTES[dtype] ?? 4);
  }, 0);
}

function parseManifest(bytes: Uint8Array): WeightsGroup[] {
  let json: { modelTopology?: unknown; weightsManifest?: unknown; format?: unknown };
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof json;
  } catch {
    throw new DownloadFailure('not-a-model', 'model.json', { detail: 'it is not JSON' });
  }
  if (
    json.format === 'graph-model' ||
    !json.modelTopology ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new DownloadFailure('not-a-model', 'model.json', {
      detail: 'it is not a TF.js layers model',
    });
  }
  const groups = json.weightsManifest as WeightsGroup[];
  for (const group of groups) {
    for (const shard of group.paths ?? []) {
      // Shards are plain file names beside model.json; anything else could write elsewhere.
      if (path.basename(shard) !== shard || shard.startsWith('.') || shard === DOWNLOAD_RECORD) {
        throw new DownloadFailure('not-a-model', 'model.json', {
          detail: `it names a weight file "${shard}" outside its folder`,
        });
      }
    }
  }
  return groups;
}

async function request(url: string, signal: AbortSignal, file: string): Promise<Response> {
  const response = await fetch(url, { signal, redirect: 'follow' });
  if (!response.ok) {
    throw new DownloadFailure('http', file, {
      status: String(response.status),
      detail: response.statusText,
    });
  }
  return response;
}

async function fetchSmall(url: string, signal: AbortSignal, file: string): Promise<Uint8Array> {
  const response = await request(url, signal, file);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of readBody(response, file)) {
    size += chunk.byteLength;
    if (size > MAX_MODEL_JSON_BYTES)
      throw new DownloadFailure('not-a-model', file, { detail: 'it is far too large' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function* readBody(response: Response, file: string): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        throw new DownloadFailure('dropped', file, { detail: (error as Error).message });
      }
      if (result.done) return;
      yield result.value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function fetchToFile(
  url: string,
  file: string,
  signal: AbortSignal,
  name: string,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  const response = await request(url, signal, name);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const out = createWriteStream(file);
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  failed.catch(() => undefined);
  let written = 0;
  try {
    for await (const chunk of readBody(response, name)) {
      written += chunk.byteLength;
      onChunk(chunk);
      if (!out.write(chunk)) {
        await Promise.race([
          new Promise<void>((resolve) => out.once('drain', () => resolve())),
          failed,
        ]);
      }
    }
    await Promise.race([new Promise<void>((resolve) => out.end(() => resolve())), failed]);
  } finally {
    out.destroy();
  }
  if (Number.isFinite(declared) && written !== declared) {
    throw new DownloadFailure('dropped', name, {
      detail: `${written} of ${declared} bytes arrived`,
    });
  }
}
