import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures-path';

export interface RunningWebShell {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the built web shell (dist/main/server.cjs) and waits for the address it prints. */
export async function startBuiltWebShell(
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<RunningWebShell> {
  const script = path.join(repoRoot, 'dist', 'main', 'server.cjs');
  for (const required of [script, path.join(repoRoot, 'dist', 'renderer', 'index.html')]) {
    if (!existsSync(required))
      throw new Error(`${required} is missing: run "npm run build" before the e2e tests.`);
  }
  const child = spawn(process.execPath, [script], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`The web shell printed no address within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The web shell exited with code ${code} before it was ready:\n${output}`));
    });
  });
  // Keep the pipes drained into a log (the worker's native TensorFlow is chatty on stderr),
  // so the test output stays readable and a failure can still be traced.
  const logFile = path.join(repoRoot, 'test-results', 'web-shell.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  log.write(output);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') {
      process.stderr.write(
        `The web shell exited unexpectedly (code ${code}, signal ${signal}); see ${logFile}\n`,
      );
    }
  });
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
