/**
 * The built web shell (dist/main/server.cjs) as a user runs it: Ctrl+C (SIGINT) or SIGTERM
 * while a training runs must end the run as cancelled and the worker before the server exits,
 * so nothing keeps writing into a run the studio has stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findCatalogEntry } from '../../shared/catalog';
import { fixtureModelsDir, hymenopteraDir } from '../services/models/test-fixtures';

const repoRoot = path.resolve(__dirname, '../..');
let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-serve-trust-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function startServer(): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/main/server.cjs')], {
    env: {
      ...process.env,
      TRANSFER_STUDIO_DATA: dataDir,
      TRANSFER_STUDIO_MODELS: fixtureModelsDir,
      TRANSFER_STUDIO_BACKEND: 'wasm',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<URL>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match?.[1]) resolve(new URL(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', () => {});
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return { child, url };
}

/** Children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startTraining(url: URL): Promise<{ ws: WebSocket; runId: string }> {
  const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, {
    origin: `http://${url.host}`,
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  ws.send(
    JSON.stringify({
      type: 'request',
      id: 1,
      channel: 'training:start',
      payload: {
        datasetRoots: [hymenopteraDir],
        model: { catalogId: findCatalogEntry('mobilenet_v1_0.25_224')!.id },
        freeze: { mode: 'feature-extractor', trainableLayers: [] },
        epochs: 200,
        learningRate: 0.001,
        batchSize: 16,
        backend: 'wasm',
      },
    }),
  );
  const started = () => frames.find((f) => f.type === 'response' && f.id === 1);
  const training = () =>
    frames.some(
      (f) =>
        f.type === 'event' &&
        f.event === 'training:status' &&
        /features|epoch|training/.test(String((f.payload as { phase?: string }).phase)),
    );
  while (!started() || !training()) await new Promise((resolve) => setTimeout(resolve, 100));
  const answer = started() as { ok: boolean; result: { runId: string } };
  expect(answer.ok, JSON.stringify(answer)).toBe(true);
  return { ws, runId: answer.result.runId };
}

describe('trust: stopping the web shell while it trains', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} ends the run as cancelled and the worker before the server exits`, async () => {
      const { child, url } = await startServer();
      const { ws, runId } = await startTraining(url);
      const workers = childrenOf(child.pid!);
      expect(workers.length).toBeGreaterThan(0);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill(signal);
      expect(await exited).toBe(0);
      ws.terminate();
      for (const pid of workers) expect(alive(pid), `worker ${pid} still running`).toBe(false);
      const run = JSON.parse(
        await fs.readFile(path.join(dataDir, 'runs', runId, 'run.json'), 'utf8'),
      ) as { status: string };
      expect(run.status).toBe('cancelled');
    });
  }
});
