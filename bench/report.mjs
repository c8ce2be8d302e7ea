// Turns the benchmark's raw results into table rows (with GFLOP/s, the share of the measured
// matrix-multiply peak, and the ratio to PyTorch), and renders them as a text table for the
// terminal and a Markdown table for bench/README.md.

const fmt = (value, digits = 3) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
};
const spread = (rate) =>
  rate.runs > 1 ? ` (${fmt(rate.min)}–${fmt(rate.max)}, n=${rate.runs})` : ' (n=1)';

/** FLOPs of one image: a forward pass is 2 × MACs; a training step about 3 forward passes. */
const forwardFlops = (macs) => 2 * macs;
const trainFlops = (macs) => 6 * macs;
/** The head on pooled features: dense channels → 2 classes. */
const headMacs = (model) => (model.featureShape?.at(-1) ?? 0) * 2;

function perf(flopsPerSecond, peak) {
  if (!flopsPerSecond) return { gflops: undefined, peakShare: undefined };
  const gflops = flopsPerSecond / 1e9;
  return { gflops, peakShare: peak ? gflops / peak : undefined };
}

/** Ratio ours / PyTorch of two throughputs (> 1: the studio is faster). */
const ratio = (ours, torch) => (ours && torch ? ours / torch : undefined);

function failure(result) {
  if (!result) return 'not run';
  return (
    result.unavailable ?? result.skipped ?? (result.error ? `failed: ${result.error}` : undefined)
  );
}

/**
 * Rows of workloads 1–3 for one engine run (a TF.js backend or PyTorch on one model).
 * `torch` is PyTorch's run on the same model, for the ratio column (absent for PyTorch rows).
 */
function modelRows(run, peak, torch) {
  const rows = [];
  const base = { model: run.modelName, backend: run.backend };
  const macs = run.model?.macsPerImage;
  const add = (id, workload, result, value, unit, flops, torchValue, extra = '') => {
    const failed = failure(result) ?? (value === undefined ? 'no result' : undefined);
    rows.push({
      id,
      workload,
      ...base,
      result: failed ? failed : `${fmt(value)} ${unit}${extra}`,
      value: failed ? undefined : value,
      unit,
      ...(failed ? {} : perf(flops, peak)),
      vsPyTorch: failed ? undefined : ratio(value, torchValue),
    });
  };
  const w = run.workloads;
  const torchW = torch?.workloads;
  const featureName = run.engine === 'pytorch' ? 'eager, BatchNorm unfolded' : 'layers model';
  add(
    '1',
    `feature extraction, ${featureName}`,
    w.features,
    w.features?.rate?.median,
    'img/s',
    w.features?.rate && macs * forwardFlops(1) * w.features.rate.median,
    torchW?.['features-fused']?.rate?.median,
    w.features?.rate ? spread(w.features.rate) : '',
  );
  const fused = w['features-fused'];
  const fusedName =
    run.engine === 'pytorch' ? `best: ${fused?.variant ?? '?'}` : 'folded/fused graph';
  add(
    '1',
    `feature extraction, ${fusedName}`,
    fused,
    fused?.rate?.median,
    'img/s',
    fused?.rate && macs * 2 * fused.rate.median,
    torchW?.['features-fused']?.rate?.median,
    fused?.rate ? spread(fused.rate) : '',
  );
  const head = w['head-epoch'];
  const images = head?.images;
  const cached = head?.cachedEpochSeconds?.median;
  const uncached = head?.uncachedEpochSeconds?.median;
  const torchHead = torchW?.['head-epoch'];
  const hm = headMacs(run.model ?? {});
  add(
    '2',
    'head epoch on cached features',
    head,
    cached,
    's/epoch',
    cached && (images * trainFlops(hm)) / cached,
    undefined,
    ` (${images} img)`,
  );
  // Epoch times: the throughput ratio is PyTorch's time over ours.
  rows.at(-1).vsPyTorch =
    cached && torchHead ? torchHead.cachedEpochSeconds.median / cached : undefined;
  const large = head?.largeEpochSeconds?.median;
  add(
    '2',
    'head epoch on cached features, real size',
    head,
    large,
    's/epoch',
    large && (head.largeEpochRows * trainFlops(hm)) / large,
    undefined,
    ` (${fmt(head?.largeEpochRows)} rows)`,
  );
  rows.at(-1).vsPyTorch =
    large && torchHead?.largeEpochSeconds ? torchHead.largeEpochSeconds.median / large : undefined;
  add(
    '2',
    'head epoch without cache (base re-run)',
    head,
    uncached,
    's/epoch',
    uncached && (images * (forwardFlops(macs) + trainFlops(hm))) / uncached,
    undefined,
    head?.uncachedWithDecodeSeconds
      ? `; ${fmt(head.uncachedWithDecodeSeconds)} s with decoding`
      : '',
  );
  rows.at(-1).vsPyTorch =
    uncached && torchHead ? torchHead.uncachedEpochSeconds.median / uncached : undefined;
  add('2', 'cache speed-up (without / with)', head, head?.speedup, '×', undefined, undefined);
  const tune = w['fine-tune'];
  const batchNote = tune?.batch && tune.batch !== 32 ? ` at batch ${tune.batch}` : '';
  add(
    '3',
    'full fine-tuning step, all layers',
    tune,
    tune?.rate?.median,
    'img/s',
    tune?.rate && macs * trainFlops(1) * tune.rate.median,
    torchW?.['fine-tune']?.rate?.median,
    (tune?.rate ? spread(tune.rate) : '') + batchNote + (tune?.variant ? `, ${tune.variant}` : ''),
  );
  if (tune?.firstError) rows.at(-1).result += ` (batch 32: ${tune.firstError})`;
  return rows;
}

const loadNote = (record) => (record.loadBefore ? `, load ${record.loadBefore[0]}` : '');

/**
 * Rows of onnxruntime feature extraction for one model: one per execution provider (batch 32,
 * 224 px, the engine a run uses), then the CPU provider's layout and batch variants.
 */
function ortRows(run, peak, torch) {
  const base = { id: '1', model: run.modelName };
  if (run.error)
    return [{ ...base, workload: 'feature extraction, onnxruntime', result: run.error }];
  const macs = run.model?.macsPerImage;
  const torchRate = torch?.workloads?.['features-fused']?.rate?.median;
  const row = (workload, backend, record) => {
    const failed = failure(record);
    const value = record.rate?.median;
    return {
      ...base,
      workload,
      backend,
      result: failed ?? `${fmt(value)} img/s${spread(record.rate)}${loadNote(record)}`,
      value: failed ? undefined : value,
      unit: 'img/s',
      ...(failed ? {} : perf(macs * forwardFlops(1) * value, peak)),
      vsPyTorch: failed ? undefined : ratio(value, torchRate),
    };
  };
  return [
    ...run.providers.map((record) =>
      row(
        'feature extraction, onnxruntime (folded graph, pooled)',
        `ort-${record.provider}`,
        record,
      ),
    ),
    ...run.variants.map((record) =>
      row(
        `feature extraction, onnxruntime: ${record.layout.toUpperCase()} input, batch ${record.batch}`,
        'ort-cpu',
        record,
      ),
    ),
  ];
}

/** All table rows from the results object written to bench/results/latest.json. */
export function buildRows(results) {
  const peak = results.matmul?.peakGflops;
  const rows = [];
  const torchFor = (key) => results.pytorch.find((run) => run.modelKey === key && !run.error);
  for (const run of results.tfjs) {
    if (run.error) {
      rows.push({
        id: '1–3',
        workload: 'workloads 1–3',
        model: run.modelName,
        backend: run.backend,
        result: run.error,
      });
      continue;
    }
    rows.push(...modelRows(run, peak, torchFor(run.modelKey)));
  }
  for (const run of results.ort ?? []) rows.push(...ortRows(run, peak, torchFor(run.modelKey)));
  for (const run of results.pytorch) {
    if (run.error) {
      rows.push({
        id: '8',
        workload: 'PyTorch peer',
        model: run.modelName,
        backend: 'pytorch',
        result: run.error,
      });
      continue;
    }
    rows.push(...modelRows(run, peak).map((row) => ({ ...row, id: `8 (${row.id})` })));
  }
  const decode = results.decode;
  rows.push({
    id: '4',
    workload: 'decode + resize to 224×224 (sharp)',
    model: `hymenoptera, ${decode?.decoded ?? '?'} files`,
    backend: decode?.sharp ? `sharp ${decode.sharp}` : 'sharp',
    result: decode?.rate
      ? `${fmt(decode.rate.median)} img/s${spread(decode.rate)}`
      : (decode?.error ?? 'not run'),
    value: decode?.rate?.median,
    unit: 'img/s',
    peakRssMiB: decode?.peakRssMiB,
  });
  for (const scan of results.scan) {
    for (const mode of ['list', 'check']) {
      const m = scan[mode];
      rows.push({
        id: '5',
        workload: mode === 'list' ? 'dataset scan: listing' : 'dataset scan: full doctor check',
        model: `${scan.files.toLocaleString('en-US')} generated images`,
        backend: 'node',
        result: m?.filesPerSecond
          ? `${fmt(m.filesPerSecond)} files/s (${fmt(m.seconds)} s${m.runs > 1 ? `, median of ${m.runs}` : ''})`
          : (m?.error ?? scan.error ?? 'not run'),
        value: m?.filesPerSecond,
        unit: 'files/s',
        peakRssMiB: m?.peakRssMiB,
      });
    }
  }
  for (const e2e of results.e2e) {
    const photos = e2e.dataset?.startsWith('photos-');
    rows.push({
      id: '6',
      workload: 'end to end: scan → train (defaults) → export TF.js',
      model:
        `${photos ? `${Number(e2e.dataset.slice(7)).toLocaleString('en-US')} generated photos, 12 classes` : 'hymenoptera'}, ` +
        `${e2e.epochs ?? '?'}${e2e.epochsPlanned ? ` of ${e2e.epochsPlanned}` : ''} epochs` +
        (e2e.recipe?.viewsPerImage > 1 ? `, ${e2e.recipe.viewsPerImage} views/image` : '') +
        `, val acc ${e2e.valAccuracy !== undefined ? fmt(e2e.valAccuracy) : '?'}`,
      // The short name; the full description is listed under the table.
      backend: String(e2e.backend).split(' ')[0],
      result: e2e.totalSeconds
        ? `${fmt(e2e.totalSeconds)} s (scan ${fmt(e2e.scanSeconds)}, train ${fmt(e2e.trainSeconds)}, export ${fmt(e2e.exportSeconds)})` +
          (e2e.features?.imagesPerSecond
            ? `; ${fmt(e2e.features.imagesPerSecond)} img/s into the engine`
            : '') +
          (e2e.loadAverageBefore
            ? `; load ${e2e.loadAverageBefore[0]} → ${e2e.loadAverageAfter[0]}`
            : '')
        : (e2e.error ?? 'not run'),
      value: e2e.totalSeconds,
      unit: 's',
      peakRssMiB: e2e.workerPeakRssMiB,
    });
  }
  const m = results.matmul;
  rows.push({
    id: '9',
    workload: 'FP32 matrix-multiply peak',
    model: m?.numpy ? `sgemm up to n=${Math.max(...m.numpy.runs.map((r) => r.n))}` : '',
    backend: m?.kernelShort ?? 'numpy/torch',
    result: m?.peakGflops ? `${fmt(m.peakGflops)} GFLOP/s` : (m?.error ?? 'not run'),
    value: m?.peakGflops,
    unit: 'GFLOP/s',
    gflops: m?.peakGflops,
    peakShare: m?.peakGflops ? 1 : undefined,
  });
  // On a busy machine PyTorch's threads wait on each other and every number drops by its own
  // factor: a ratio taken there says nothing, so the row says so instead of printing one.
  const load = Math.max(
    results.machine?.loadAverageBefore?.[0] ?? 0,
    results.machine?.loadAverageAfter?.[0] ?? 0,
  );
  if (load > 1) {
    for (const row of rows) {
      if (row.vsPyTorch !== undefined) row.notComparable = `not comparable (load ${load})`;
    }
  }
  return rows;
}

const COLUMNS = [
  ['#', (r) => r.id],
  ['workload', (r) => r.workload],
  ['model / data', (r) => r.model],
  ['backend', (r) => r.backend],
  ['result (median)', (r) => r.result],
  ['GFLOP/s', (r) => fmt(r.gflops)],
  ['% of peak', (r) => (r.peakShare === undefined ? '' : `${fmt(r.peakShare * 100, 2)}%`)],
  [
    'ours / PyTorch',
    (r) => r.notComparable ?? (r.vsPyTorch === undefined ? '' : `${fmt(r.vsPyTorch, 2)}×`),
  ],
  ['peak RSS', (r) => (r.peakRssMiB ? `${r.peakRssMiB} MiB` : '')],
];

export function textTable(rows) {
  const cells = rows.map((row) => COLUMNS.map(([, get]) => String(get(row) ?? '')));
  const widths = COLUMNS.map(([title], i) =>
    Math.max(title.length, ...cells.map((c) => c[i].length)),
  );
  const line = (values) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS.map(([title]) => title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

export function markdownTable(rows) {
  const escape = (value) => String(value ?? '').replaceAll('|', '\\|');
  return [
    `| ${COLUMNS.map(([title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${COLUMNS.map(([, get]) => escape(get(row))).join(' | ')} |`),
  ].join('\n');
}
