import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that readers see either the old or the new content, never a half-written
 * one: the data goes to a temporary sibling first and is then renamed over the target (rename
 * is atomic within one folder). A crash mid-write leaves only a stray `.tmp-*` file behind.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(
    path.dirname(target),
    `.tmp-${path.basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}
