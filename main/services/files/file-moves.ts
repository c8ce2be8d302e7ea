/**
 * Moves an image to another class folder on disk (a mislabelled photo goes where it belongs),
 * remembering each move for the session so it can be undone. Moves stay inside the dataset: the
 * file must lie in a class folder under one of the dataset's roots, and it goes to the sibling
 * folder of another of the run's classes (created when that split lacks it).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ServiceError } from '../service-error';

export interface MoveRecord {
  moveId: string;
  from: string;
  to: string;
  className: string;
  /** The class folder was created by this move (removed again on undo when empty). */
  createdFolder: boolean;
}

export interface MoveRequest {
  path: string;
  className: string;
  /** The dataset's root folders: the move must stay inside one of them. */
  roots: readonly string[];
  /** Classes the file may move to. */
  labels: readonly string[];
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

async function existing(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** A free name in `dir` for `name`: the name itself, or "stem (2).ext", "stem (3).ext", … */
async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; n < 1000; n += 1) {
    const candidate = path.join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!(await existing(candidate))) return candidate;
  }
  throw new ServiceError('conflict', `${dir} already holds too many files named like ${name}.`);
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    // Another file system (a bind mount inside the dataset): copy, then remove the original.
    await fs.copyFile(from, to, fs.constants.COPYFILE_EXCL);
    await fs.unlink(from);
  }
}

export class FileMoves {
  private readonly moves = new Map<string, MoveRecord>();
  /** Original path -> where it is now, for files moved (and not moved back) this session. */
  private readonly current = new Map<string, string>();

  async move(request: MoveRequest): Promise<MoveRecord> {
    const from = path.resolve(this.current.get(path.resolve(request.path)) ?? request.path);
    const original = path.resolve(request.path);
    const { className } = request;
    if (!request.labels.includes(className) || className !== path.basename(className)) {
      throw new ServiceError(
        'invalid-request',
        `"${className}" is not one of this run's classes (${request.labels.join(', ')}).`,
      );
    }
    const root = request.roots.map((r) => path.resolve(r)).find((r) => isInside(r, from));
    const classDir = path.dirname(from);
    if (!root || classDir === root) {
      throw new ServiceError(
        'invalid-request',
        `${from} is not inside a class folder of this dataset, so it is not moved.`,
      );
    }
    if (path.basename(classDir) === className) {
      throw new ServiceError('conflict', `${path.basename(from)} is already in "${className}".`);
    }
    let stat;
    try {
      stat = await fs.lstat(from);
    } catch {
      throw new ServiceError('not-found', `${from} no longer exists; rescan the dataset.`);
    }
    if (!stat.isFile()) {
      throw new ServiceError('invalid-request', `${from} is not a regular file; it is not moved.`);
    }
    const targetDir = path.join(path.dirname(classDir), className);
    const createdFolder = !(await existing(targetDir));
    await fs.mkdir(targetDir, { recursive: true });
    const to = await freeName(targetDir, path.basename(from));
    try {
      await moveFile(from, to);
    } catch (error) {
      if (createdFolder) await fs.rmdir(targetDir).catch(() => {});
      throw new ServiceError(
        'failed',
        `${path.basename(from)} could not be moved to ${targetDir}: ${(error as Error).message}`,
      );
    }
    const record: MoveRecord = {
      moveId: randomBytes(8).toString('hex'),
      from,
      to,
      className,
      createdFolder,
    };
    this.moves.set(record.moveId, record);
    this.current.set(original, to);
    return record;
  }

  /** Moves a file back where it was; refuses when its old place is taken or it is gone. */
  async undo(moveId: string): Promise<MoveRecord> {
    const record = this.moves.get(moveId);
    if (!record) {
      throw new ServiceError(
        'not-found',
        'That move cannot be undone: it is unknown to this session (undo lasts until the studio quits).',
      );
    }
    if (!(await existing(record.to))) {
      throw new ServiceError('not-found', `${record.to} is gone, so it cannot be moved back.`);
    }
    if (await existing(record.from)) {
      throw new ServiceError(
        'conflict',
        `${record.from} exists again, so the moved file is not put back over it.`,
      );
    }
    await fs.mkdir(path.dirname(record.from), { recursive: true });
    await moveFile(record.to, record.from);
    if (record.createdFolder) await fs.rmdir(path.dirname(record.to)).catch(() => {});
    this.moves.delete(moveId);
    for (const [original, now] of this.current) {
      if (now === record.to) {
        if (original === record.from) this.current.delete(original);
        else this.current.set(original, record.from);
      }
    }
    return record;
  }

  /** Where a file (by its original path) is now, when it was moved this session. */
  movedTo(original: string): string | undefined {
    return this.current.get(path.resolve(original));
  }
}

/** The folder that holds a file, after checking the file is there. */
export async function folderOf(file: string): Promise<string> {
  const resolved = path.resolve(file);
  try {
    await fs.lstat(resolved);
  } catch {
    throw new ServiceError('not-found', `${resolved} does not exist (was it moved or deleted?).`);
  }
  return path.dirname(resolved);
}
