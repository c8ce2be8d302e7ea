import type { Project } from '../../shared/project';
import { errorMessage } from '../api/request-error';
import type { SliceCreator, StudioState } from './studio-state';
import type { TrainParams } from './training-settings';

export interface ProjectSlice {
  /** 'ready' once the saved project was restored (or there was none): saving starts then. */
  projectStatus: 'idle' | 'restoring' | 'ready';
  /** What could not be brought back from the last session, in words (a vanished folder). */
  projectNotice: string | null;
  /** Brings back the project of the last session: settings, model and plan, dataset. */
  restoreProject(): Promise<void>;
  /** The project as it stands now, as project:save takes it. */
  currentProject(): Project;
  dismissProjectNotice(): void;
}

/** The saved form values whose type matches the form's (a value of another version is dropped). */
function restoredParams(current: TrainParams, saved: Project['trainParams']): TrainParams {
  const next: Record<string, string | boolean> = { ...current };
  for (const [key, value] of Object.entries(saved)) {
    if (key in current && typeof current[key as keyof TrainParams] === typeof value)
      next[key] = value;
  }
  return next as unknown as TrainParams;
}

function missingText(roots: string[]): string {
  const list = roots.join(', ');
  return roots.length === 1
    ? `The dataset folder ${list} from your last session is no longer there (moved, renamed or ` +
        'deleted). Add it again from where it is now; the other settings were kept.'
    : `The dataset folders ${list} from your last session are no longer there (moved, renamed ` +
        'or deleted). Add them again from where they are now; the other settings were kept.';
}

export const createProjectSlice: SliceCreator<ProjectSlice> = (api) => (set, get) => ({
  projectStatus: 'idle',
  projectNotice: null,
  async restoreProject() {
    if (get().projectStatus !== 'idle') return;
    set({ projectStatus: 'restoring' });
    try {
      const { project, missingRoots, problem } = await api.request('project:get', {});
      const notices = [problem, missingRoots.length ? missingText(missingRoots) : null];
      set({ projectNotice: notices.filter(Boolean).join(' ') || null });
      if (project) {
        set({
          trainParams: restoredParams(get().trainParams, project.trainParams),
          augmentation: project.augmentation,
          advancedLayers: project.advancedLayers,
          // The model came back from the user's own project: it was chosen.
          ...(project.model ? { modelScreenSeen: true } : {}),
        });
        await Promise.all([
          project.model
            ? get().restoreModel(project.model, project.featureLayer, project.freeze)
            : null,
          project.datasetRoots.length ? get().addDatasetFolders(project.datasetRoots) : null,
        ]);
      }
    } catch (error) {
      set({
        projectNotice: `The last session's project could not be loaded: ${errorMessage(error)}`,
      });
    } finally {
      set({ projectStatus: 'ready' });
    }
  },
  currentProject: () => {
    const state = get();
    return {
      version: 1,
      datasetRoots: state.datasetRoots,
      model: state.modelRef,
      featureLayer: state.featureLayerChoice,
      freeze: state.freeze,
      advancedLayers: state.advancedLayers,
      trainParams: { ...state.trainParams },
      augmentation: state.augmentation,
    };
  },
  dismissProjectNotice: () => set({ projectNotice: null }),
});

/**
 * Saves the project whenever what it holds changes (after the restore, so that an empty
 * starting state never overwrites the saved one), at most once per `delayMs`.
 */
export function connectProjectSaver(
  store: { getState(): StudioState; subscribe(listener: (state: StudioState) => void): () => void },
  save: (project: Project) => Promise<unknown>,
  delayMs = 400,
): () => void {
  let last: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = store.subscribe((state) => {
    if (state.projectStatus !== 'ready') return;
    const project = state.currentProject();
    const text = JSON.stringify(project);
    if (text === last) return;
    // The first state after the restore is what was just restored (or nothing to keep yet).
    const first = last === null;
    last = text;
    if (first) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      // A failed save is tried again at the next change (the file keeps the previous one).
      void save(project).catch(() => {});
    }, delayMs);
  });
  return () => {
    if (timer) clearTimeout(timer);
    unsubscribe();
  };
}
