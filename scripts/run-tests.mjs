// `npm test` (after the build): runs the unit tests (Vitest) and then the e2e tests
// (Playwright), both to the end even if the first fails, and prints one summary line last:
//   tests: N passed, N failed, N skipped
// counted from both runners' JSON reports. Exits non-zero when anything failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-tests-'));
const bin = (name) =>
  path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function readJson(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Counts of one runner; a runner that failed without a report counts as one failure. */
function tally(name, exitCode, counts) {
  if (!counts) {
    console.error(`${name} produced no JSON report (exit code ${exitCode}); counted as 1 failure.`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  if (exitCode !== 0 && counts.failed === 0) {
    console.error(
      `${name} exited with code ${exitCode} without a failed test (setup error?); counted as 1 failure.`,
    );
    return { ...counts, failed: 1 };
  }
  return counts;
}

const vitestFile = path.join(reports, 'vitest.json');
const vitestCode = await run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestFile}`,
]);
const vitestReport = readJson(vitestFile);
const vitest = tally(
  'vitest',
  vitestCode,
  vitestReport && {
    passed: vitestReport.numPassedTests ?? 0,
    failed: vitestReport.numFailedTests ?? 0,
    skipped: (vitestReport.numPendingTests ?? 0) + (vitestReport.numTodoTests ?? 0),
  },
);

const playwrightFile = path.join(reports, 'playwright.json');
const playwrightCode = await run(bin('playwright'), ['test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightFile,
});
const playwrightReport = readJson(playwrightFile);
const stats = playwrightReport?.stats;
const playwright = tally(
  'playwright',
  playwrightCode,
  stats && {
    // A flaky test passed on a retry.
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed:
      (stats.unexpected ?? 0) + (playwrightReport.errors?.length && !stats.unexpected ? 1 : 0),
    skipped: stats.skipped ?? 0,
  },
);

rmSync(reports, { recursive: true, force: true });
const passed = vitest.passed + playwright.passed;
const failed = vitest.failed + playwright.failed;
const skipped = vitest.skipped + playwright.skipped;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || vitestCode !== 0 || playwrightCode !== 0 ? 1 : 0);
