/**
 * Remembers doctor results by (path, size, mtime, limits), so a rescan after an exclusion,
 * or the scan that starts training, only decodes files that changed.
 */
import type { CheckLimits, CheckResult } from './check-image';

/** Results are small (a hash and a few numbers); 200k of them stay well under 100 MB. */
const DEFAULT_MAX_ENTRIES = 200_000;
/** Problems caused by the file system, not the content, are checked again every time. */
const TRANSIENT = new Set(['vanished', 'unreadable', 'symlink-loop']);

export class CheckCache {
  private readonly entries = new Map<string, CheckResult>();

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  static key(file: { path: string; size: number; mtimeMs: number }, limits: CheckLimits): string {
    return `${file.path}\u0000${file.size}\u0000${file.mtimeMs}\u0000${limits.minSide}:${limits.maxPixels}:${limits.maxBytes}`;
  }

  get(key: string): CheckResult | undefined {
    const found = this.entries.get(key);
    if (found) {
      // Refresh its place so the least recently used entry is the one dropped.
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, result: CheckResult): void {
    if (!result.ok && TRANSIENT.has(result.finding.kind)) return;
    this.entries.delete(key);
    this.entries.set(key, result);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Shared by every scan in this process unless a scan brings its own. */
export const sharedCheckCache = new CheckCache();
