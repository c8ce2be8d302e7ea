/**
 * Test support for the supervisor tests: a TrainingSupervisor with the real worker launcher,
 * a RunStore in a fresh temp folder for every test, and the events it emitted, recorded.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { EventName, EventOf } from '../../../shared/contract';
import { RunStore } from '../runs/run-store';
import { nodeWorkerLauncher } from './node-worker-launcher';
import { TrainingSupervisor } from './training-supervisor';

export type Recorded = { [E in EventName]: { event: E; payload: EventOf<E> } }[EventName];

export interface SupervisorHarness {
  readonly dataDir: string;
  readonly runs: RunStore;
  /** Every event the supervisor emitted in this test, in order. */
  readonly events: Recorded[];
  readonly supervisor: TrainingSupervisor;
  /** Resolves at the first recorded event that matches. */
  when(predicate: (e: Recorded) => boolean): Promise<void>;
  /** The payloads of one kind of event for one run. */
  eventsOf<E extends EventName>(name: E, runId: string): EventOf<E>[];
}

/**
 * Registers beforeEach/afterEach hooks that give every test its own supervisor (stopped, and
 * its temp folder removed, after the test); the returned object always reads the current one.
 */
export function useSupervisorHarness(tempPrefix: string): SupervisorHarness {
  let current: {
    dataDir: string;
    runs: RunStore;
    events: Recorded[];
    supervisor: TrainingSupervisor;
  };
  beforeEach(async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), tempPrefix));
    const runs = new RunStore(path.join(dataDir, 'runs'));
    const events: Recorded[] = [];
    const supervisor = new TrainingSupervisor({
      launchWorker: nodeWorkerLauncher,
      runs,
      emit: (event, payload) => events.push({ event, payload } as Recorded),
      cancelGraceMs: 20_000,
    });
    current = { dataDir, runs, events, supervisor };
  });
  afterEach(async () => {
    await current.supervisor.stopAll();
    await fs.rm(current.dataDir, { recursive: true, force: true });
  });
  return {
    get dataDir() {
      return current.dataDir;
    },
    get runs() {
      return current.runs;
    },
    get events() {
      return current.events;
    },
    get supervisor() {
      return current.supervisor;
    },
    when(predicate) {
      return new Promise((resolve) => {
        const timer = setInterval(() => {
          if (current.events.some(predicate)) {
            clearInterval(timer);
            resolve();
          }
        }, 20);
      });
    },
    eventsOf<E extends EventName>(name: E, runId: string): EventOf<E>[] {
      return current.events
        .filter((e): e is Extract<Recorded, { event: E }> => e.event === name)
        .map((e) => e.payload as EventOf<E>)
        .filter((payload) => (payload as { runId: string }).runId === runId);
    },
  };
}
