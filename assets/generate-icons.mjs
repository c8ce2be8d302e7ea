// Renders the app icon (icon.svg, original artwork) to the PNGs electron-builder and the
// window use: icon.png (1024 px; electron-builder derives .icns and .ico from it) and
// icons/<size>x<size>.png for Linux desktop entries. Run: node assets/generate-icons.mjs
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
const svg = path.join(here, 'icon.svg');

await sharp(svg, { density: 144 }).resize(1024, 1024).png().toFile(path.join(here, 'icon.png'));
await mkdir(path.join(here, 'icons'), { recursive: true });
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  await sharp(svg, { density: 144 })
    .resize(size, size)
    .png()
    .toFile(path.join(here, 'icons', `${size}x${size}.png`));
}
