import { describe, expect, it } from 'vitest';
import { noAugmentation, type Augmentation } from '../../../shared/domain';
import { hymenopteraItems } from '../../services/training/test-jobs';
import {
  augmentImage,
  augmentationEnabled,
  describeAugmentation,
  renderView,
  sampleView,
  viewRandom,
  type ViewParams,
} from './augment';
import { decodeRgb } from './decode-image';

const SIZE = 64;
const identity: ViewParams = {
  flip: false,
  angle: 0,
  zoom: 1,
  shiftX: 0,
  shiftY: 0,
  brightness: 0,
  contrast: 1,
  noise: 0,
  blur: 0,
};
const noRandom = () => 0.5;
/** One view of `src` (SIZE x SIZE) with the given parameters, as training renders it. */
const render = (src: Uint8Array, params: ViewParams, random = noRandom) =>
  renderView(src, SIZE, SIZE, params, random);
const ant = () => decodeRgb(hymenopteraItems('train', 1)[0]!.path, [SIZE, SIZE]);
const mean = (bytes: Uint8Array) => bytes.reduce((sum, value) => sum + value, 0) / bytes.length;
/** Mean absolute difference of horizontally neighbouring pixels (high for sharp images). */
const sharpness = (bytes: Uint8Array) => {
  let sum = 0;
  for (let i = 3; i < bytes.length; i += 1) sum += Math.abs(bytes[i]! - bytes[i - 3]!);
  return sum / bytes.length;
};
const all = (strength: number): Augmentation => ({
  flip: { enabled: true, strength },
  rotation: { enabled: true, strength },
  zoom: { enabled: true, strength },
  exposure: { enabled: true, strength },
  noise: { enabled: true, strength },
  blur: { enabled: true, strength },
  viewsPerImage: 4,
});

describe('augmentation', () => {
  it('leaves the image unchanged with neutral parameters', async () => {
    const src = await ant();
    expect(Buffer.from(await render(src, identity))).toEqual(Buffer.from(src));
  });

  it('flips exactly left to right', async () => {
    const src = await ant();
    const out = await render(src, { ...identity, flip: true });
    for (const [x, y] of [
      [0, 0],
      [5, 17],
      [63, 40],
    ] as const) {
      for (let ch = 0; ch < 3; ch += 1) {
        expect(out[(y * SIZE + x) * 3 + ch]).toBe(src[(y * SIZE + (SIZE - 1 - x)) * 3 + ch]);
      }
    }
  });

  it('rotates by a quarter turn around the centre', async () => {
    const src = await ant();
    const out = await render(src, { ...identity, angle: Math.PI / 2 });
    // Output (x, y) samples the source at (y, size-1-x) for +90°.
    let diff = 0;
    for (let y = 0; y < SIZE; y += 1) {
      for (let x = 0; x < SIZE; x += 1) {
        diff += Math.abs(out[(y * SIZE + x) * 3]! - src[((SIZE - 1 - x) * SIZE + y) * 3]!);
      }
    }
    expect(diff / (SIZE * SIZE)).toBeLessThan(1);
  });

  it('mirrors before turning as the inverse map says: flip + quarter turn is a transpose', async () => {
    const src = await ant();
    const out = await render(src, { ...identity, flip: true, angle: Math.PI / 2 });
    // Output (x, y) samples the source at (y, x).
    let diff = 0;
    for (let y = 0; y < SIZE; y += 1) {
      for (let x = 0; x < SIZE; x += 1) {
        diff += Math.abs(out[(y * SIZE + x) * 3]! - src[(x * SIZE + y) * 3]!);
      }
    }
    expect(diff / (SIZE * SIZE)).toBeLessThan(1);
  });

  it('samples where the inverse map of any turn, crop and shift says (within half a pixel)', async () => {
    const src = await ant();
    const params = { ...identity, flip: true, angle: 0.35, zoom: 1.3, shiftX: 0.6, shiftY: -0.4 };
    const out = await render(src, params);
    // The definition: output (x, y) reads the source at R(angle) · (±(x - c), y - c) / zoom + c
    // + the shift's share of the slack (nearest pixel is enough for a half-pixel tolerance).
    const c = (SIZE - 1) / 2;
    const [cos, sin] = [Math.cos(params.angle), Math.sin(params.angle)];
    const slack = ((1 - 1 / params.zoom) / 2) * SIZE;
    let diff = 0;
    let count = 0;
    for (let y = 8; y < SIZE - 8; y += 1) {
      for (let x = 8; x < SIZE - 8; x += 1) {
        const dx = (c - x) / params.zoom;
        const dy = (y - c) / params.zoom;
        const sx = Math.round(cos * dx + sin * dy + c + params.shiftX * slack);
        const sy = Math.round(-sin * dx + cos * dy + c + params.shiftY * slack);
        if (sx < 0 || sy < 0 || sx >= SIZE || sy >= SIZE) continue;
        diff += Math.abs(out[(y * SIZE + x) * 3]! - src[(sy * SIZE + sx) * 3]!);
        count += 1;
      }
    }
    // A wrong sign or offset gives the differences of unrelated pixels (~40 on this photo).
    expect(count).toBeGreaterThan(SIZE * 10);
    expect(diff / count).toBeLessThan(12);
  });

  it('zooms into the centre, brightens, blurs and adds noise as asked', async () => {
    const src = await ant();
    const zoomed = await render(src, { ...identity, zoom: 2 });
    const centre = ((SIZE / 2) * SIZE + SIZE / 2) * 3;
    expect(Math.abs(zoomed[centre]! - src[centre]!)).toBeLessThan(40);
    expect(Buffer.from(zoomed)).not.toEqual(Buffer.from(src));
    const brighter = await render(src, { ...identity, brightness: 40 });
    expect(mean(brighter)).toBeGreaterThan(mean(src) + 25);
    const blurred = await render(src, { ...identity, blur: 2 });
    expect(sharpness(blurred)).toBeLessThan(sharpness(src) * 0.8);
    const noisy = await render(src, { ...identity, noise: 20 }, viewRandom(1, 'x', 0));
    expect(sharpness(noisy)).toBeGreaterThan(sharpness(src) * 1.2);
  });

  it('draws the same views for the same seed, image and view number, others differ', async () => {
    const src = await ant();
    const settings = all(0.5);
    const view = (seed: number, path: string, index: number) =>
      augmentImage(src, SIZE, SIZE, settings, viewRandom(seed, path, index)).then(Buffer.from);
    const first = await view(7, 'a.jpg', 1);
    expect(await view(7, 'a.jpg', 1)).toEqual(first);
    expect(await view(7, 'a.jpg', 2)).not.toEqual(first);
    expect(await view(8, 'a.jpg', 1)).not.toEqual(first);
    expect(await view(7, 'b.jpg', 1)).not.toEqual(first);
  });

  it('draws nothing from an option that is off and stays within the limits', () => {
    const random = viewRandom(3, 'p', 0);
    for (let i = 0; i < 200; i += 1) {
      const params = sampleView(
        { ...noAugmentation, rotation: { enabled: true, strength: 1 } },
        random,
      );
      expect(Math.abs(params.angle)).toBeLessThanOrEqual((30 * Math.PI) / 180);
      expect(params).toMatchObject({ flip: false, zoom: 1, brightness: 0, contrast: 1, noise: 0 });
    }
  });

  it('says whether and what is on', () => {
    expect(augmentationEnabled(noAugmentation)).toBe(false);
    expect(augmentationEnabled(all(0.5))).toBe(true);
    expect(describeAugmentation(noAugmentation)).toBe('none');
    expect(describeAugmentation(all(0.5))).toBe(
      'flip (25%), rotation ±15°, zoom up to 1.25×, exposure, noise, blur',
    );
  });
});
