/**
 * Reading and writing a run's evaluations: evaluation.json (the validation split, written by the
 * training worker) and evaluations/<dataset id>.json (other folders). Files written before the
 * metrics were stored get them computed on read, with the same functions.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EvaluationFile, EvaluationId } from '../../../shared/evaluation';
import { computeMetrics } from '../../../shared/evaluation-metrics';
import { writeJsonAtomic } from '../runs/atomic-file';
import { RUN_FILES } from '../runs/run-files';
import { ServiceError } from '../service-error';

export const VALIDATION = 'validation';

export type CompleteEvaluation = EvaluationFile & {
  metrics: NonNullable<EvaluationFile['metrics']>;
};

export function evaluationPath(runDir: string, evaluationId: string): string {
  if (!EvaluationId.safeParse(evaluationId).success) {
    throw new ServiceError('invalid-request', `"${evaluationId}" is not an evaluation id.`);
  }
  return evaluationId === VALIDATION
    ? path.join(runDir, RUN_FILES.evaluation)
    : path.join(runDir, RUN_FILES.evaluationsDir, `${evaluationId}.json`);
}

/** Fills in what older files lack: metrics computed from the items. */
export function complete(file: EvaluationFile): CompleteEvaluation {
  return file.metrics
    ? (file as CompleteEvaluation)
    : { ...file, metrics: computeMetrics(file.labels, file.items) };
}

/** Parsed files by path, kept while their modification time stays the same. */
const cache = new Map<string, { mtimeMs: number; file: CompleteEvaluation }>();
const CACHE_SIZE = 8;

export async function readEvaluation(
  runDir: string,
  evaluationId = VALIDATION,
): Promise<CompleteEvaluation> {
  const file = evaluationPath(runDir, evaluationId);
  let mtimeMs: number;
  try {
    mtimeMs = (await fs.stat(file)).mtimeMs;
  } catch {
    throw new ServiceError(
      'not-found',
      evaluationId === VALIDATION
        ? 'This run has no evaluation: it did not finish training. Train it to the end, or pick a completed run.'
        : `This run has no evaluation ${evaluationId}; evaluate the folder again.`,
    );
  }
  const known = cache.get(file);
  if (known && known.mtimeMs === mtimeMs) return known.file;
  let parsed: EvaluationFile;
  try {
    parsed = EvaluationFile.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  } catch (error) {
    throw new ServiceError(
      'failed',
      `${file} cannot be read (${(error as Error).message.split('\n')[0]}); the file is damaged.`,
    );
  }
  const result = complete(parsed);
  cache.set(file, { mtimeMs, file: result });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return result;
}

export async function writeEvaluation(
  runDir: string,
  evaluationId: string,
  evaluation: EvaluationFile,
): Promise<void> {
  const file = evaluationPath(runDir, evaluationId);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeJsonAtomic(file, evaluation);
}

/** Ids of the folder evaluations saved in a run. */
export async function listFolderEvaluations(runDir: string): Promise<string[]> {
  try {
    const names = await fs.readdir(path.join(runDir, RUN_FILES.evaluationsDir));
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((id) => EvaluationId.safeParse(id).success);
  } catch {
    return [];
  }
}
