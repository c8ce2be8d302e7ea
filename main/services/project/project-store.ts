import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Project, type ProjectLoad } from '../../../shared/project';
import { writeJsonAtomic } from '../runs/atomic-file';

export const PROJECT_FILE = 'project.json';

/**
 * The current project in <data folder>/project.json: saved as the user works, read back when
 * the UI starts, checked so that a folder that vanished since is reported instead of failing
 * a scan the user never asked for.
 */
export class ProjectStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, PROJECT_FILE);
  }

  async load(): Promise<ProjectLoad> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { project: null, missingRoots: [], problem: null };
      }
      return { project: null, missingRoots: [], problem: unreadable(this.file, error) };
    }
    let parsed;
    try {
      parsed = Project.safeParse(JSON.parse(text));
    } catch (error) {
      return { project: null, missingRoots: [], problem: unreadable(this.file, error) };
    }
    if (!parsed.success) {
      return {
        project: null,
        missingRoots: [],
        problem: unreadable(this.file, new Error('it is not a project of this version')),
      };
    }
    const project = parsed.data;
    const present = await Promise.all(project.datasetRoots.map(isFolder));
    return {
      project: { ...project, datasetRoots: project.datasetRoots.filter((_, i) => present[i]) },
      missingRoots: project.datasetRoots.filter((_, i) => !present[i]),
      problem: null,
    };
  }

  async save(project: Project): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeJsonAtomic(this.file, project);
  }
}

async function isFolder(root: string): Promise<boolean> {
  try {
    return (await fs.stat(root)).isDirectory();
  } catch {
    return false;
  }
}

function unreadable(file: string, error: unknown): string {
  return (
    `The project saved in ${file} could not be read (${(error as Error).message}), so the ` +
    'studio starts with an empty one. Add your dataset and choose the model again.'
  );
}
