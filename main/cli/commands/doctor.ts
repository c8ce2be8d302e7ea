import type { FeatureEngineReport } from '../../../shared/domain';
import { createCliContext, formatTable, printJson } from '../cli-context';
import { parseCommandArgs, request } from '../parse-args';

export async function runDoctorCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
  const ctx = createCliContext();
  const report = await request(ctx, 'diagnostics:backends', {});
  if (values.json) {
    printJson(report);
    return 0;
  }
  process.stdout.write(`Training backend: ${report.description}\n`);
  process.stdout.write(`TensorFlow.js ${report.tfjsVersion}\n\n`);
  const rows = report.attempts.map((attempt) => [
    attempt.name,
    attempt.ok ? 'loads' : 'unavailable',
    attempt.ok && attempt.name === report.chosen ? `${attempt.detail} (chosen)` : attempt.detail,
  ]);
  process.stdout.write(`${formatTable(['backend', 'status', 'detail'], rows)}\n`);
  const fixes = report.attempts.filter((attempt) => !attempt.ok && attempt.fix);
  if (fixes.length) {
    process.stdout.write('\nHow to get a faster backend:\n');
    for (const attempt of fixes) process.stdout.write(`  ${attempt.name}: ${attempt.fix}\n`);
  }
  if (report.featureEngine) printFeatureEngine(report.featureEngine);
  return 0;
}

/** Which engine computes features (the frozen layers) and why the others are not used. */
function printFeatureEngine(engine: FeatureEngineReport): void {
  process.stdout.write(`\nFeature extraction: ${engine.description}\n\n`);
  const rows = engine.attempts.map((attempt) => [
    attempt.name,
    attempt.name === engine.chosen ? 'chosen' : attempt.ok ? 'fallback' : 'not used',
    attempt.detail,
  ]);
  process.stdout.write(`${formatTable(['engine', 'status', 'detail'], rows)}\n`);
  const fixes = engine.attempts.filter((attempt) => !attempt.ok && attempt.fix);
  if (fixes.length) {
    process.stdout.write('\nHow to get a faster feature engine:\n');
    for (const attempt of fixes) process.stdout.write(`  ${attempt.name}: ${attempt.fix}\n`);
  }
}
