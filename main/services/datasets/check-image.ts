/**
 * The doctor's look at one file: readable, non-empty, really an image of a format we decode,
 * neither tiny nor gigantic, and decodable to the end. Only metadata and an 8x8 decode are
 * produced, so no full-size pixels are ever held; oversized images are never decoded at all.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ProblemKind } from '../../../shared/domain';
import { problemFromFsError } from './fs-errors';
import {
  describeFormat,
  hasEndMarker,
  IMAGE_FORMATS,
  nameMatches,
  sniffFormat,
  SNIFF_BYTES,
  type SniffedFormat,
} from './sniff-format';

export interface CheckLimits {
  /** Smallest accepted side in pixels (the model sees 224x224; below 32 is hopeless). */
  minSide: number;
  /** Largest accepted image in pixels; bigger ones are reported without decoding them. */
  maxPixels: number;
  /** Largest accepted file in bytes. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: CheckLimits = {
  minSide: 32,
  maxPixels: 100_000_000,
  maxBytes: 512 * 1024 * 1024,
};

/** Images up to this many pixels are fully decoded in the check (at most 256 KB of pixels). */
const SMALL_IMAGE_PIXELS = 256 * 256;

/** Files up to this size are read once into memory; larger ones are streamed. */
const IN_MEMORY_BYTES = 16 * 1024 * 1024;

export interface FileFinding {
  kind: ProblemKind;
  message: string;
  action: string;
}

export type CheckResult =
  | {
      ok: true;
      /** SHA-256 of the bytes, for duplicate detection. */
      hash: string;
      width: number;
      height: number;
      format: SniffedFormat;
      /** Set when the content is fine but the extension names another format. */
      warning?: FileFinding;
    }
  | { ok: false; finding: FileFinding };

const fail = (kind: ProblemKind, message: string, action: string): CheckResult => ({
  ok: false,
  finding: { kind, message, action },
});

export async function checkImage(
  filePath: string,
  limits: CheckLimits = DEFAULT_LIMITS,
): Promise<CheckResult> {
  const name = path.basename(filePath);
  let size: number;
  try {
    const stats = await fs.stat(filePath);
    if (!stats.isFile()) return fail('unreadable', 'This is not a regular file.', 'Remove it.');
    size = stats.size;
  } catch (error) {
    const { kind, message, action } = problemFromFsError(error, filePath, 'file');
    return fail(kind, message, action);
  }
  if (size === 0) {
    return fail(
      'empty-file',
      'The file is empty (0 bytes), probably an interrupted copy or download.',
      'Copy or download it again, or delete it.',
    );
  }
  if (size > limits.maxBytes) {
    return fail(
      'too-large',
      `The file is ${formatBytes(size)}, more than the ${formatBytes(limits.maxBytes)} the studio reads.`,
      'Save a smaller copy (e.g. a JPEG under 20 MB).',
    );
  }

  let source: Buffer | string;
  let head: Buffer;
  let tail: Buffer;
  let hash: string;
  try {
    if (size <= IN_MEMORY_BYTES) {
      source = await fs.readFile(filePath);
      head = source.subarray(0, SNIFF_BYTES);
      tail = source.subarray(Math.max(0, source.length - 1024));
      hash = createHash('sha256').update(source).digest('hex');
    } else {
      source = filePath;
      ({ head, tail } = await readEnds(filePath, size));
      hash = await hashFile(filePath);
    }
  } catch (error) {
    const { kind, message, action } = problemFromFsError(error, filePath, 'file');
    return fail(kind, message, action);
  }

  const format = sniffFormat(head);
  if (!IMAGE_FORMATS.has(format)) {
    if (format === 'unknown') {
      return fail(
        'corrupt',
        'The content is not a recognisable image: the file is damaged or is not an image at all.',
        'Open it in an image viewer; if it does not open, delete it or get it again.',
      );
    }
    return fail(
      'unsupported',
      `“${name}” is really ${describeFormat(format)}, not an image the studio can read.`,
      format === 'bmp'
        ? 'Convert it to PNG or JPEG.'
        : 'Remove it from the dataset (or convert it to JPEG/PNG if it is a picture).',
    );
  }
  const warning = nameMatches(name, format)
    ? undefined
    : {
        kind: 'extension-mismatch' as const,
        message: `“${name}” is really ${describeFormat(format)}; its extension says otherwise. It is still used.`,
        action: 'Rename it with the right extension so other tools read it too.',
      };

  let width: number;
  let height: number;
  try {
    const meta = await sharp(source, { limitInputPixels: false, failOn: 'none' }).metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch (error) {
    return decodeFailure(format, tail, error);
  }
  if (!(width > 0 && height > 0)) {
    return fail('corrupt', 'The image has no size in its header.', 'Delete it or get it again.');
  }
  if (width * height > limits.maxPixels) {
    return fail(
      'too-large',
      `The image is ${width}×${height} (${Math.round((width * height) / 1e6)} megapixels), above the ` +
        `${Math.round(limits.maxPixels / 1e6)} MP the studio decodes, so it was not opened.`,
      'Save a smaller copy (a few megapixels is plenty for a 224×224 model).',
    );
  }
  if (Math.min(width, height) < limits.minSide) {
    return fail(
      'too-small',
      `The image is only ${width}×${height} pixels; the model looks at 224×224, so it would be blown up into a blur.`,
      `Use images at least ${limits.minSide} pixels on each side (ideally 224 or more).`,
    );
  }
  try {
    const decoder = sharp(source, { limitInputPixels: limits.maxPixels, failOn: 'truncated' });
    // Both paths decode the whole compressed stream, so truncation shows. Small images are
    // decoded as they are (a resize pipeline costs more than the pixels); bigger ones to 8x8,
    // where JPEG shrink-on-load keeps work and memory small.
    await (width * height <= SMALL_IMAGE_PIXELS
      ? decoder.raw().toBuffer()
      : decoder.resize(8, 8, { fit: 'fill' }).raw().toBuffer());
  } catch (error) {
    return decodeFailure(format, tail, error);
  }
  return { ok: true, hash, width, height, format, ...(warning ? { warning } : {}) };
}

function decodeFailure(format: SniffedFormat, tail: Uint8Array, error: unknown): CheckResult {
  const detail = error instanceof Error ? error.message : String(error);
  if (format === 'heic') {
    return fail(
      'unsupported',
      'This is a HEIC photo (the iPhone default), which the image decoder bundled here cannot read.',
      'Export it as JPEG (on iPhone: Settings › Camera › Formats › Most Compatible), or convert it.',
    );
  }
  const cut = /premature end|truncat|unexpected end|end of (file|stream|data)/i.test(detail);
  if (cut || hasEndMarker(format, tail) === false) {
    return fail(
      'truncated',
      'The image is cut short (an interrupted download or copy); its end is missing.',
      'Copy or download it again, or delete it.',
    );
  }
  return fail(
    'corrupt',
    `The image is damaged and cannot be decoded (${detail.replace(/\s+/g, ' ').slice(0, 120)}).`,
    'Open it in an image viewer; if it does not open, delete it or get it again.',
  );
}

async function readEnds(filePath: string, size: number): Promise<{ head: Buffer; tail: Buffer }> {
  const handle = await fs.open(filePath, 'r');
  try {
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(1024, size));
    await handle.read(tail, 0, tail.length, size - tail.length);
    return { head, tail };
  } finally {
    await handle.close();
  }
}

async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Math.round(bytes / 1024 / 1024)} MB`
    : `${Math.round(bytes / 1024)} KB`;
}
