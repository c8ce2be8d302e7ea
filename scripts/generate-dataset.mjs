#!/usr/bin/env node
// Writes a synthetic image dataset for benchmarks: N tiny real JPEGs in C class folders, with
// a share of exact duplicates (within a class, across classes, across train/val). Each file
// is a small noise JPEG from a pool, made byte-unique by a JPEG comment segment, so writing
// 100k files takes seconds rather than 100k encodes.
//
//   node scripts/generate-dataset.mjs --out /tmp/ds-10k --files 10000 --classes 10
//     [--size 64] [--dupes 0.01] [--layout folder|split] [--seed 1]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    files: { type: 'string', default: '1000' },
    classes: { type: 'string', default: '10' },
    size: { type: 'string', default: '64' },
    dupes: { type: 'string', default: '0.01' },
    layout: { type: 'string', default: 'folder' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.out) {
  console.error(
    'usage: generate-dataset.mjs --out DIR [--files N] [--classes C] [--size PX] [--dupes SHARE] [--layout folder|split] [--seed S]',
  );
  process.exit(2);
}
const total = Number(values.files);
const classCount = Number(values.classes);
const size = Number(values.size);
const dupeShare = Number(values.dupes);
const split = values.layout === 'split';

// Deterministic PRNG (mulberry32) so a seed always gives the same dataset.
let state = Number(values.seed) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const POOL = 32;
const pool = [];
for (let index = 0; index < POOL; index += 1) {
  const mean = 40 + Math.floor(random() * 170);
  pool.push(
    await sharp({
      create: {
        width: size,
        height: size,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean, sigma: 30 },
      },
    })
      .jpeg({ quality: 75 })
      .toBuffer(),
  );
}

/** The pool image with a COM segment after SOI holding `tag`: same pixels, unique bytes. */
function uniqueJpeg(base, tag) {
  const text = Buffer.from(`generated ${tag}`);
  const segment = Buffer.alloc(4 + text.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  text.copy(segment, 4);
  return Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]);
}

const classNames = Array.from(
  { length: classCount },
  (_, i) => `class-${String(i).padStart(3, '0')}`,
);
const written = [];
const jobs = [];
let duplicates = 0;
for (let index = 0; index < total; index += 1) {
  const className = classNames[index % classCount];
  const side = split ? (random() < 0.2 ? 'val' : 'train') : '';
  const file = path.join(values.out, side, className, `img-${String(index).padStart(7, '0')}.jpg`);
  let bytes;
  if (written.length > 0 && random() < dupeShare) {
    // An exact copy of an earlier file: usually same class, sometimes another class or split.
    bytes = written[Math.floor(random() * written.length)];
    duplicates += 1;
  } else {
    bytes = uniqueJpeg(pool[Math.floor(random() * POOL)], `${values.seed}-${index}`);
    if (written.length < 5000) written.push(bytes);
  }
  jobs.push({ file, bytes });
}

const dirs = new Set(jobs.map((job) => path.dirname(job.file)));
for (const dir of dirs) await mkdir(dir, { recursive: true });
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await writeFile(job.file, job.bytes);
    }
  }),
);
console.log(
  JSON.stringify({
    out: path.resolve(values.out),
    files: total,
    classes: classCount,
    duplicates,
    layout: values.layout,
  }),
);
