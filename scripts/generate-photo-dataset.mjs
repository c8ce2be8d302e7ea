#!/usr/bin/env node
// Writes a realistic large image dataset for benchmarks and recipe measurements, made from real
// photos (the hymenoptera fixture by default): each file is a random crop of one source photo,
// flipped, rotated, with its brightness, saturation and hue changed, resized to about 400x300 and
// saved as JPEG. The source photos are dealt to the classes (no photo feeds two classes), so a
// class is a set of scenes, as in a real folder; the classes are balanced.
//
//   node scripts/generate-photo-dataset.mjs --out DIR --files 20000 --classes 12
//     [--sources DIR] [--seed 1]
//
// Prints one JSON line (out, files, classes, sources, seconds). Writing the same DIR again with
// the same options rewrites the same bytes (deterministic in the seed).
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    files: { type: 'string', default: '20000' },
    classes: { type: 'string', default: '12' },
    sources: {
      type: 'string',
      default: path.resolve(
        process.env.TRANSFER_STUDIO_FIXTURES ?? path.join(root, '../shared/fixtures'),
        'datasets/hymenoptera_data',
      ),
    },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.out) {
  console.error(
    'usage: generate-photo-dataset.mjs --out DIR [--files N] [--classes C] [--sources DIR] [--seed S]',
  );
  process.exit(2);
}
const total = Number(values.files);
const classCount = Number(values.classes);
const started = performance.now();

// Deterministic PRNG (mulberry32) so a seed always gives the same dataset.
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function photos(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(jpe?g|png)$/i.test(entry.name))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

const sources = await photos(values.sources);
if (sources.length < classCount) {
  console.error(`${values.sources} holds ${sources.length} photos; need at least ${classCount}.`);
  process.exit(2);
}
const random = generator(Number(values.seed));
// Deal the shuffled photos to the classes, round robin.
const shuffled = sources
  .map((file) => ({ file, key: random() }))
  .sort((a, b) => a.key - b.key)
  .map(({ file }) => file);
const classPhotos = Array.from({ length: classCount }, (_, c) =>
  shuffled.filter((_, i) => i % classCount === c),
);
// Decoded once (upright, RGB), so each output costs one crop, warp and encode.
const decoded = new Map();
async function source(file) {
  if (!decoded.has(file)) {
    decoded.set(
      file,
      await sharp(file).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({
        resolveWithObject: true,
      }),
    );
  }
  return decoded.get(file);
}

/** The drawn recipe of one output file (drawn in order, so the dataset is repeatable). */
function draw(index) {
  const c = index % classCount;
  const pool = classPhotos[c];
  return {
    file: path.join(
      values.out,
      `class-${String(c).padStart(3, '0')}`,
      `photo-${String(index).padStart(7, '0')}.jpg`,
    ),
    source: pool[Math.floor(random() * pool.length)],
    area: 0.35 + random() * 0.65,
    aspect: Math.exp((random() - 0.5) * 0.6),
    cropX: random(),
    cropY: random(),
    flip: random() < 0.5,
    angle: (random() - 0.5) * 30,
    brightness: 0.75 + random() * 0.5,
    saturation: 0.7 + random() * 0.6,
    hue: Math.round((random() - 0.5) * 30),
    portrait: random() < 0.2,
    quality: 75 + Math.floor(random() * 16),
  };
}

async function render(job) {
  const { data, info } = await source(job.source);
  const side = Math.sqrt(info.width * info.height * job.area);
  const cropWidth = Math.min(info.width, Math.max(32, Math.round(side * job.aspect)));
  const cropHeight = Math.min(info.height, Math.max(32, Math.round(side / job.aspect)));
  const left = Math.floor(job.cropX * (info.width - cropWidth));
  const top = Math.floor(job.cropY * (info.height - cropHeight));
  const [width, height] = job.portrait ? [300, 400] : [400, 300];
  // Rotation on the crop; the corners it uncovers are trimmed by a cover resize of the middle.
  const rotated = await sharp(data, { raw: info })
    .extract({ left, top, width: cropWidth, height: cropHeight })
    .flop(job.flip)
    .rotate(job.angle, { background: '#808080' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const radians = (Math.abs(job.angle) * Math.PI) / 180;
  const keep = 1 / (Math.cos(radians) + Math.sin(radians));
  const innerWidth = Math.floor(cropWidth * keep);
  const innerHeight = Math.floor(cropHeight * keep);
  const bytes = await sharp(rotated.data, { raw: rotated.info })
    .extract({
      left: Math.floor((rotated.info.width - innerWidth) / 2),
      top: Math.floor((rotated.info.height - innerHeight) / 2),
      width: innerWidth,
      height: innerHeight,
    })
    .resize(width, height, { fit: 'cover' })
    .modulate({ brightness: job.brightness, saturation: job.saturation, hue: job.hue })
    .jpeg({ quality: job.quality })
    .toBuffer();
  await writeFile(job.file, bytes);
}

const jobs = Array.from({ length: total }, (_, index) => draw(index));
for (let c = 0; c < classCount; c += 1) {
  await mkdir(path.join(values.out, `class-${String(c).padStart(3, '0')}`), { recursive: true });
}
let next = 0;
await Promise.all(
  Array.from({ length: Math.max(2, os.availableParallelism()) }, async () => {
    while (next < jobs.length) await render(jobs[next++]);
  }),
);
console.log(
  JSON.stringify({
    out: path.resolve(values.out),
    files: total,
    classes: classCount,
    sources: sources.length,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  }),
);
