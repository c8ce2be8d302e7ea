/**
 * Create ML's augmentation set on decoded RGB bytes: horizontal flip, rotation, random crop
 * (zoom), exposure (brightness and contrast), noise and blur, each on/off with a strength.
 * The pixel work runs in libvips (sharp) on its own threads, off the thread that drives the
 * model, so augmenting the next batch overlaps computing this one; only exposure and noise are
 * a light JavaScript pass. The same code serves the preview and training, and a seed fixes
 * every draw.
 */
import sharp from 'sharp';
import type { Augmentation } from '../../../shared/domain';
import { seededRandom } from '../training/seeded-random';

/** What one augmented view does, drawn from the settings. */
export interface ViewParams {
  flip: boolean;
  /** Rotation in radians. */
  angle: number;
  /** Zoom factor ≥ 1 (the crop is 1/zoom of the image) and the crop's offset, -1..1 of the slack. */
  zoom: number;
  shiftX: number;
  shiftY: number;
  /** Added to every channel, in 0..255 units. */
  brightness: number;
  /** Contrast factor around the image's mean. */
  contrast: number;
  /** Standard deviation of Gaussian noise, 0..255 units. */
  noise: number;
  /** Gaussian blur sigma in pixels (at the image's size). */
  blur: number;
}

/** Largest effect of each augmentation, reached at strength 1. */
export const AUGMENT_LIMITS = {
  /** Flip probability. */
  flip: 0.5,
  rotationDegrees: 30,
  /** Zoom up to this factor (a crop of 1/1.5 of the image). */
  zoom: 0.5,
  /** Brightness change, as a fraction of the 0..255 range. */
  brightness: 0.25,
  /** Contrast factor range 1 ± this. */
  contrast: 0.4,
  /** Noise sigma, as a fraction of the range. */
  noise: 0.08,
  /** Blur sigma in pixels of a 224-pixel image. */
  blurSigma: 2,
} as const;

export function augmentationEnabled(augmentation: Augmentation): boolean {
  const { flip, rotation, zoom, exposure, noise, blur } = augmentation;
  return [flip, rotation, zoom, exposure, noise, blur].some(
    (option) => option.enabled && option.strength > 0,
  );
}

/** Plain-language list of what is on, e.g. "flip, rotation ±9°, zoom up to 1.15×". */
export function describeAugmentation(augmentation: Augmentation): string {
  const on = (option: { enabled: boolean; strength: number }) =>
    option.enabled && option.strength > 0;
  const parts: string[] = [];
  const a = augmentation;
  if (on(a.flip)) parts.push(`flip (${Math.round(a.flip.strength * AUGMENT_LIMITS.flip * 100)}%)`);
  if (on(a.rotation)) {
    parts.push(`rotation ±${Math.round(a.rotation.strength * AUGMENT_LIMITS.rotationDegrees)}°`);
  }
  if (on(a.zoom))
    parts.push(`zoom up to ${(1 + a.zoom.strength * AUGMENT_LIMITS.zoom).toFixed(2)}×`);
  if (on(a.exposure)) parts.push('exposure');
  if (on(a.noise)) parts.push('noise');
  if (on(a.blur)) parts.push('blur');
  return parts.length ? parts.join(', ') : 'none';
}

/** Draws the parameters of one view. The draws happen in a fixed order (repeatable). */
export function sampleView(augmentation: Augmentation, random: () => number): ViewParams {
  const a = augmentation;
  const strength = (option: { enabled: boolean; strength: number }) =>
    option.enabled ? option.strength : 0;
  const symmetric = (limit: number) => {
    const draw = random();
    return limit ? (draw * 2 - 1) * limit : 0;
  };
  // Every draw is made even when its option is off, so switching one option does not change
  // the draws of the others.
  const flipDraw = random();
  const angle = symmetric((strength(a.rotation) * AUGMENT_LIMITS.rotationDegrees * Math.PI) / 180);
  const zoom = 1 + random() * strength(a.zoom) * AUGMENT_LIMITS.zoom;
  const shiftX = symmetric(1);
  const shiftY = symmetric(1);
  const brightness = symmetric(strength(a.exposure) * AUGMENT_LIMITS.brightness * 255);
  const contrast = 1 + symmetric(strength(a.exposure) * AUGMENT_LIMITS.contrast);
  const noise = random() * strength(a.noise) * AUGMENT_LIMITS.noise * 255;
  const blur = random() * strength(a.blur) * AUGMENT_LIMITS.blurSigma;
  return {
    flip: flipDraw < strength(a.flip) * AUGMENT_LIMITS.flip,
    angle,
    zoom,
    shiftX,
    shiftY,
    brightness,
    contrast,
    noise,
    blur,
  };
}

/** Mirror padding around an image, wide enough for any view's rotation and crop to stay inside. */
export interface PaddedImage {
  data: Buffer;
  height: number;
  width: number;
  pad: number;
}

/**
 * Pads `src` ([height, width, 3] bytes) by mirroring its edges (libvips 'mirror'), once per image
 * for all its views. The pad covers the corners a rotation of the whole image brings in.
 */
export async function padForViews(
  src: Uint8Array,
  height: number,
  width: number,
): Promise<PaddedImage> {
  const pad = Math.ceil((Math.hypot(width, height) - Math.min(width, height)) / 2) + 2;
  const data = await sharp(Buffer.from(src.buffer, src.byteOffset, src.byteLength), {
    raw: { width, height, channels: 3 },
  })
    .extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'mirror' })
    .raw()
    .toBuffer();
  return { data, height, width, pad };
}

/**
 * Flip, rotation, crop (zoom and shift) and blur in libvips, on sharp's threads: crop the part
 * of the padded image the view sees (its centre moved by the shift), scale it by the zoom,
 * mirror, rotate about the centre and keep the middle. Output (x, y) samples the source where
 * the inverse map of `ViewParams` says (positive angles turn the picture clockwise; the flip
 * mirrors the result), to within half a source pixel.
 */
async function warpNative(image: PaddedImage, params: ViewParams): Promise<Buffer> {
  const { height, width, pad } = image;
  const zoom = params.zoom;
  const slack = (1 - 1 / zoom) / 2;
  const centreX = (width - 1) / 2 + params.shiftX * slack * width + pad;
  const centreY = (height - 1) / 2 + params.shiftY * slack * height + pad;
  const half = Math.ceil(Math.hypot(width, height) / (2 * zoom)) + 1;
  const left = Math.max(0, Math.round(centreX - half + 0.5));
  const top = Math.max(0, Math.round(centreY - half + 0.5));
  const side = Math.min(2 * half, image.width + 2 * pad - left, image.height + 2 * pad - top);
  const scaled = Math.max(width, height, Math.round(side * zoom));
  let pipeline = sharp(image.data, {
    raw: { width: width + 2 * pad, height: height + 2 * pad, channels: 3 },
  }).extract({ left, top, width: side, height: side });
  if (scaled !== side) pipeline = pipeline.resize(scaled, scaled, { kernel: 'linear' });
  // sharp mirrors before it rotates; mirroring after a turn by θ is a turn by -θ after mirroring.
  pipeline = pipeline.flop(params.flip);
  const degrees = ((params.flip ? -params.angle : params.angle) * 180) / Math.PI;
  if (Math.abs(degrees) > 1e-3) pipeline = pipeline.rotate(degrees, { background: '#808080' });
  const rotated = rotatedSide(scaled, degrees);
  pipeline = pipeline.extract({
    left: Math.floor((rotated - width) / 2),
    top: Math.floor((rotated - height) / 2),
    width,
    height,
  });
  // libvips' Gaussian needs sigma >= 0.3; below that a blur is invisible at 8 bits anyway.
  if (params.blur >= 0.3) pipeline = pipeline.blur(params.blur);
  return pipeline.raw().toBuffer();
}

/** Side of the square libvips makes when it rotates a `side` square by `degrees`. */
function rotatedSide(side: number, degrees: number): number {
  if (Math.abs(degrees) <= 1e-3) return side;
  const radians = (degrees * Math.PI) / 180;
  return Math.round(side * (Math.abs(Math.cos(radians)) + Math.abs(Math.sin(radians))));
}

/** Exposure (contrast around the view's mean, brightness) and noise, in place, in one pass. */
function tone(pixels: Uint8Array, params: ViewParams, random: () => number): void {
  if (params.contrast === 1 && params.brightness === 0 && params.noise <= 0) return;
  let mean = 0;
  if (params.contrast !== 1) {
    for (let i = 0; i < pixels.length; i += 1) mean += pixels[i]!;
    mean /= pixels.length;
  }
  for (let i = 0; i < pixels.length; i += 1) {
    let value = (pixels[i]! - mean) * params.contrast + mean + params.brightness;
    if (params.noise > 0) {
      // Box-Muller from the seeded generator.
      const u = Math.max(random(), 1e-12);
      value += params.noise * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    }
    pixels[i] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
  }
}

/** Renders one view of a padded image with drawn parameters ([height, width, 3] bytes). */
export async function renderView(
  image: PaddedImage,
  params: ViewParams,
  random: () => number,
): Promise<Uint8Array> {
  const warped = await warpNative(image, params);
  const out = new Uint8Array(warped.buffer, warped.byteOffset, warped.byteLength);
  tone(out, params, random);
  return out;
}

/** A generator for view `view` of the image at `path`: the same for the same seed. */
export function viewRandom(seed: number, path: string, view: number): () => number {
  let hash = 2166136261 ^ seed;
  for (let i = 0; i < path.length; i += 1) hash = Math.imul(hash ^ path.charCodeAt(i), 16777619);
  return seededRandom((hash ^ Math.imul(view + 1, 0x9e3779b1)) >>> 0);
}

/** One augmented view of `src` ([height, width, 3] bytes), drawn with `random`. */
export async function augmentImage(
  src: Uint8Array,
  height: number,
  width: number,
  augmentation: Augmentation,
  random: () => number,
): Promise<Uint8Array> {
  const params = sampleView(augmentation, random);
  return renderView(await padForViews(src, height, width), params, random);
}

/**
 * Views `first`..`first + count - 1` of the image at `path` (seeded by seed, path and view
 * number), padded once for all of them. They render one after another: the caller runs several
 * images at once, one per sharp thread (image-batches.ts), so the time taken is the work done.
 */
export async function augmentedViews(
  src: Uint8Array,
  size: readonly [number, number],
  options: { augmentation: Augmentation; seed: number; path: string; first: number; count: number },
): Promise<Uint8Array[]> {
  const [height, width] = size;
  const padded = await padForViews(src, height, width);
  const views: Uint8Array[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const random = viewRandom(options.seed, options.path, options.first + index);
    views.push(await renderView(padded, sampleView(options.augmentation, random), random));
  }
  return views;
}
