/**
 * Create ML's augmentation set on decoded RGB bytes: horizontal flip, rotation, random crop
 * (zoom), exposure (brightness and contrast), noise and blur, each on/off with a strength.
 * Flip, rotation and crop are one inverse affine map in JavaScript (measured cheaper than the
 * same in libvips: 6.8-7.9 against 8.5-9.6 ms of CPU a 288-px view), the blur is libvips' (4x
 * cheaper than a JavaScript blur). The same code serves the preview and training, and a seed
 * fixes every draw.
 */
import sharp from 'sharp';
import { AUGMENT_LIMITS } from '../../../shared/augment-units';
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

/** Reflects a coordinate into [0, size - 1] (Keras' 'reflect' fill mode). */
function reflect(value: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  let v = Math.abs(value) % period;
  if (v > size - 1) v = period - v;
  return v;
}

/** Flip, rotation and crop as one inverse affine map with bilinear sampling. */
function warp(src: Uint8Array, height: number, width: number, params: ViewParams): Float32Array {
  const out = new Float32Array(height * width * 3);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(params.angle);
  const sin = Math.sin(params.angle);
  const inverseZoom = 1 / params.zoom;
  // The crop may move by the slack the zoom leaves on each side.
  const offsetX = ((params.shiftX * (1 - inverseZoom)) / 2) * width;
  const offsetY = ((params.shiftY * (1 - inverseZoom)) / 2) * height;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const dx = (params.flip ? cx - x : x - cx) * inverseZoom;
      const dy = (y - cy) * inverseZoom;
      const sx = reflect(cos * dx + sin * dy + cx + offsetX, width);
      const sy = reflect(-sin * dx + cos * dy + cy + offsetY, height);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * width + x) * 3;
      const a = (y0 * width + x0) * 3;
      const b = (y0 * width + x1) * 3;
      const c = (y1 * width + x0) * 3;
      const d = (y1 * width + x1) * 3;
      for (let ch = 0; ch < 3; ch += 1) {
        const top = src[a + ch]! + (src[b + ch]! - src[a + ch]!) * fx;
        const bottom = src[c + ch]! + (src[d + ch]! - src[c + ch]!) * fx;
        out[o + ch] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}

/**
 * Gaussian blur in libvips (sharp, on its threads; 4x less CPU than the separable JavaScript
 * blur it replaced), of the warped view rounded to 8 bits. libvips needs sigma >= 0.3.
 */
async function blurNative(
  pixels: Float32Array,
  height: number,
  width: number,
  sigma: number,
): Promise<Float32Array> {
  const bytes = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i += 1) bytes[i] = Math.round(pixels[i]!);
  const blurred = await sharp(bytes, { raw: { width, height, channels: 3 } })
    .blur(Math.max(0.3, sigma))
    .raw()
    .toBuffer();
  return Float32Array.from(blurred);
}

/** Renders one view of `src` ([height, width, 3] bytes) with drawn parameters. */
export async function renderView(
  src: Uint8Array,
  height: number,
  width: number,
  params: ViewParams,
  random: () => number,
): Promise<Uint8Array> {
  let pixels = warp(src, height, width, params);
  if (params.blur > 0.05) pixels = await blurNative(pixels, height, width, params.blur);
  let mean = 0;
  if (params.contrast !== 1) {
    for (let i = 0; i < pixels.length; i += 1) mean += pixels[i]!;
    mean /= pixels.length;
  }
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 1) {
    let value = (pixels[i]! - mean) * params.contrast + mean + params.brightness;
    if (params.noise > 0) {
      // Box-Muller from the seeded generator.
      const u = Math.max(random(), 1e-12);
      value += params.noise * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    }
    out[i] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
  }
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
  return renderView(src, height, width, sampleView(augmentation, random), random);
}

/**
 * Views `first`..`first + count - 1` of the image at `path` (seeded by seed, path and view
 * number), one after another.
 */
export async function augmentedViews(
  src: Uint8Array,
  size: readonly [number, number],
  options: { augmentation: Augmentation; seed: number; path: string; first: number; count: number },
): Promise<Uint8Array[]> {
  const [height, width] = size;
  const views: Uint8Array[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const random = viewRandom(options.seed, options.path, options.first + index);
    views.push(
      await renderView(src, height, width, sampleView(options.augmentation, random), random),
    );
  }
  return views;
}
