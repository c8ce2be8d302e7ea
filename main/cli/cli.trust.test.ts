/**
 * The built CLI (dist/main/cli.cjs) facing faults a user meets: a reader that closes the pipe,
 * folders to evaluate that hold nothing usable, a relative export folder, an export folder that
 * holds the user's own files. Each ends with a clear message and nothing of the user's lost.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../services/runs/run-store';
import { fixtureModelsDir, hymenopteraDir } from '../services/models/test-fixtures';
import { trainFixtureRun, type TrainedRun } from '../worker/exporters/test-support/trained-runs';

const cliScript = path.resolve(__dirname, '../../dist/main/cli.cjs');
let temp: string;
let trained: TrainedRun;

beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-trust-'));
  trained = await trainFixtureRun(new RunStore(path.join(temp, 'runs')), 'mobilenet_v1_0.25', {
    trainPerClass: 10,
    valPerClass: 6,
    epochs: 1,
  });
}, 300_000);
afterAll(async () => {
  await fs.rm(temp, { recursive: true, force: true });
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `closeStdout` closes the reading end at once, like `| head -0`. */
function cli(args: string[], options: { cwd?: string; closeStdout?: boolean } = {}) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cliScript, ...args], {
      cwd: options.cwd ?? temp,
      env: { ...process.env, TRANSFER_STUDIO_MODELS: fixtureModelsDir, TRANSFER_STUDIO_DATA: temp },
    });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('trust: the CLI when its output pipe closes', () => {
  it('scan DIR | head ends quietly: exit 0, no EPIPE stack trace', async () => {
    const result = await cli(['scan', path.join(hymenopteraDir, 'val')], { closeStdout: true });
    expect(result.stderr).not.toMatch(/EPIPE|at .*\.cjs/);
    expect(result.code).toBe(0);
  });

  it('--help | head ends quietly too', async () => {
    const result = await cli(['--help'], { closeStdout: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('trust: evaluating folders with nothing usable', () => {
  it('a folder whose only image is a broken link names that file', async () => {
    const folder = path.join(temp, 'broken-eval');
    await fs.mkdir(path.join(folder, 'ants'), { recursive: true });
    const link = path.join(folder, 'ants', 'gone.jpg');
    await fs.symlink(path.join(temp, 'nowhere.jpg'), link);
    const result = await cli(['eval', trained.job.runDir, folder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No image in ${folder} could be read. ${link}: `);
    expect(result.stderr).toMatch(/Fix or remove these files, or choose another folder\./);
  });

  it("a folder with no images says it holds no images of the run's classes", async () => {
    const folder = path.join(temp, 'empty-eval');
    await fs.mkdir(path.join(folder, 'ants'), { recursive: true });
    const result = await cli(['eval', trained.job.runDir, folder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${folder} holds no images of this run's classes (ants, bees)`);
    expect(result.stderr).not.toMatch(/no longer exists/);
  });
});

describe('trust: where the CLI writes an export', () => {
  it("a relative --out lands under the shell's folder, and the output says where", async () => {
    const shellDir = path.join(temp, 'shell-cwd');
    await fs.mkdir(shellDir);
    const result = await cli(['export', trained.job.runDir, '--format', 'tfjs', '--out', 'rel/E'], {
      cwd: shellDir,
    });
    expect(result.code, result.stderr).toBe(0);
    const target = path.join(shellDir, 'rel', 'E');
    expect(await fs.readdir(target)).toContain('model.json');
    expect(result.stdout).toContain(target);
  });

  it("export --force over an earlier export keeps the user's notes.txt and mydir/, refusing", async () => {
    const out = path.join(temp, 'E-force');
    expect((await cli(['export', trained.job.runDir, '--format', 'tfjs', '--out', out])).code).toBe(
      0,
    );
    await fs.writeFile(path.join(out, 'notes.txt'), 'n');
    await fs.mkdir(path.join(out, 'mydir'));
    await fs.writeFile(path.join(out, 'mydir', 'f'), 'x');
    const result = await cli([
      'export',
      trained.job.runDir,
      '--format',
      'tfjs',
      '--out',
      out,
      '--force',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not part of the earlier export \(mydir, notes\.txt\)/);
    expect(await fs.readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('n');
    expect(await fs.readFile(path.join(out, 'mydir', 'f'), 'utf8')).toBe('x');
  });
});
