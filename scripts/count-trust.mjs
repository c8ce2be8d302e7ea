// `npm run test:trust:count`: counts the trust suite — every vitest and Playwright case whose
// name (its describe blocks included) contains "trust:" — per file and in total, as the
// runners themselves list them (so generated cases count, and nothing is counted by guess).
// Exits 1 when the suite holds fewer than TRUST_MINIMUM cases (issue 15 asks for 120).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRUST_MINIMUM = 120;
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function vitestCases() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-trust-count-'));
  try {
    const out = path.join(dir, 'list.json');
    execFileSync(bin('vitest'), ['list', '-t', 'trust:', `--json=${out}`], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return JSON.parse(readFileSync(out, 'utf8')).map((test) => path.relative(root, test.file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function playwrightCases() {
  const text = execFileSync(bin('playwright'), ['test', '--list', '--grep', 'trust:'], {
    cwd: root,
    encoding: 'utf8',
  });
  // Lines look like "  [web] › web-security.spec.ts:29:3 › trust: … › …" (paths below e2e/).
  return [...text.matchAll(/› ([^:›\s]+\.spec\.ts):\d+:\d+ ›/g)].map((match) => `e2e/${match[1]}`);
}

const files = [...vitestCases(), ...playwrightCases()];
const perFile = new Map();
for (const file of files) perFile.set(file, (perFile.get(file) ?? 0) + 1);
for (const [file, count] of [...perFile].sort())
  console.log(`${String(count).padStart(4)}  ${file}`);
console.log(`${String(files.length).padStart(4)}  trust cases in ${perFile.size} files`);
if (files.length < TRUST_MINIMUM) {
  console.error(`The trust suite must hold at least ${TRUST_MINIMUM} cases.`);
  process.exit(1);
}
