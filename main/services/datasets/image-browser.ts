/**
 * Pages of a class's files for the image browser, served from the last scan held in main.
 * Only that one scan is kept (its entries are small), and thumbnail ids are issued for the
 * requested page alone, so browsing 100k images never issues 100k ids up front.
 */
import path from 'node:path';
import type { DatasetImage, ProblemKind } from '../../../shared/domain';
import { datasetId } from './dataset-id';
import type { BrowseEntry, ScannedDataset } from './dataset-types';

interface BrowseIndex {
  id: string;
  byClass: Map<string, BrowseEntry[]>;
  kindsByPath: Map<string, ProblemKind[]>;
}

export interface ImagePageRequest {
  roots: string[];
  className: string;
  offset: number;
  limit: number;
}

export class ImageBrowser {
  private index: BrowseIndex | undefined;

  /** Keeps a finished scan for browsing (replacing the previous one). */
  remember(roots: string[], scanned: ScannedDataset): void {
    const byClass = new Map<string, BrowseEntry[]>();
    for (const entry of scanned.entries) {
      const list = byClass.get(entry.className);
      if (list) list.push(entry);
      else byClass.set(entry.className, [entry]);
    }
    const kindsByPath = new Map<string, ProblemKind[]>();
    for (const problem of scanned.summary.problems) {
      if (!problem.path) continue;
      const kinds = kindsByPath.get(problem.path);
      if (kinds) {
        if (!kinds.includes(problem.kind)) kinds.push(problem.kind);
      } else kindsByPath.set(problem.path, [problem.kind]);
    }
    this.index = { id: datasetId(roots), byClass, kindsByPath };
  }

  /** Whether the last scan was of these roots. */
  knows(roots: string[]): boolean {
    return this.index?.id === datasetId(roots);
  }

  /**
   * One page of a class's files; undefined when the last scan was of other folders (the
   * caller then asks the user to scan). An unknown class is an empty page.
   */
  page(
    request: ImagePageRequest,
    deps: { excluded: ReadonlySet<string>; issueThumbnail(filePath: string): string },
  ): { total: number; items: DatasetImage[] } | undefined {
    const index = this.index;
    if (!index || index.id !== datasetId(request.roots)) return undefined;
    const entries = index.byClass.get(request.className) ?? [];
    const items = entries
      .slice(request.offset, request.offset + request.limit)
      .map((entry): DatasetImage => {
        const excluded = deps.excluded.has(entry.path);
        return {
          ...(entry.decodable ? { thumbnailId: deps.issueThumbnail(entry.path) } : {}),
          name: path.basename(entry.path),
          relativePath: entry.rel,
          path: entry.path,
          ...(entry.split ? { split: entry.split } : {}),
          excluded,
          problemKinds: index.kindsByPath.get(entry.path) ?? [],
        };
      });
    return { total: entries.length, items };
  }
}
