// Publishes a benchmark run: checks that the PyTorch peer is the same network, builds the table
// rows, writes the JSON, prints the table, and (for a full run) rewrites the results section of
// bench/README.md, formatted by Prettier as the repository's lint expects.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildRows, markdownTable, textTable } from './report.mjs';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** The PyTorch peer must be the same network: same MACs and weight count as the TF.js cut. */
function architectureCheck(results) {
  return results.pytorch.map((run) => {
    const ours = results.tfjs.find((r) => r.modelKey === run.modelKey && r.model)?.model;
    const same =
      ours &&
      run.model &&
      ours.macsPerImage === run.model.macsPerImage &&
      ours.params === run.model.params;
    return {
      model: run.modelName,
      tfjs: ours && { macsPerImage: ours.macsPerImage, weights: ours.params },
      pytorch: run.model && { macsPerImage: run.model.macsPerImage, weights: run.model.params },
      same: Boolean(same),
    };
  });
}

function footnotes(results) {
  return [
    ...Object.entries(results.backends).map(([name, d]) => `${name}: ${d}`),
    ...results.e2e
      .filter((e) => e.backend && !results.backends[String(e.backend).split(' ')[0]])
      .map((e) => `${String(e.backend).split(' ')[0]}: ${e.backend}`),
    `matrix-multiply peak: ${results.matmul.kernel ?? results.matmul.error}`,
    ...results.architectureCheck.map(
      (c) =>
        `PyTorch ${c.model}: ${c.same ? 'same' : 'NOT the same'} MACs and weights as TF.js ` +
        `(${c.pytorch?.macsPerImage ?? '?'} MACs, ${c.pytorch?.weights ?? '?'} weights)`,
    ),
  ];
}

function heading(results) {
  const m = results.machine;
  return (
    `${results.mode} run, ${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
    `${results.minutes} min, on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, ` +
    `Node ${m.node}. Load average (1, 5, 15 min) before: ${m.loadAverageBefore.join(', ')}; ` +
    `after: ${m.loadAverageAfter.join(', ')}.`
  );
}

export function publish(root, results) {
  results.architectureCheck = architectureCheck(results);
  results.rows = buildRows(results);
  const resultsDir = path.join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonFile = path.join(resultsDir, results.mode === 'quick' ? 'quick.json' : 'latest.json');
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  const notes = footnotes(results);
  console.log(
    [
      '',
      `Transfer Studio benchmark: ${heading(results)}`,
      '',
      textTable(results.rows),
      '',
      ...notes,
      `JSON: ${path.relative(root, jsonFile)}`,
    ].join('\n'),
  );
  if (results.mode === 'quick') return;
  const readme = path.join(root, 'bench/README.md');
  const text = readFileSync(readme, 'utf8');
  const section = [
    START,
    `Measured in a ${heading(results)}`,
    '',
    markdownTable(results.rows),
    '',
    ...notes.map((note) => `- ${note}`),
    END,
  ].join('\n');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  writeFileSync(
    readme,
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + END.length)
      : `${text.trimEnd()}\n\n${section}\n`,
  );
  spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--write', readme],
    { stdio: 'ignore' },
  );
  console.log(`README: ${path.relative(root, readme)} (results section updated)`);
}
