/**
 * What the scan makes of a name: OS clutter it skips silently, image files it checks, and
 * image-like files it cannot read (RAW, PDF, ...) that it reports so nobody wonders where
 * their photos went. Anything else (notes, CSV labels, ...) is ignored silently.
 */
import path from 'node:path';

/** Names operating systems and tools scatter into folders; never part of a dataset. */
const CLUTTER = new Set([
  '__macosx',
  'thumbs.db',
  'ehthumbs.db',
  'desktop.ini',
  '$recycle.bin',
  'system volume information',
  '@eadir',
]);

/** True for hidden files and folders and OS clutter, which the scan skips without a word. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || CLUTTER.has(name.toLowerCase());
}

/** Extensions the scan decodes (all readable by the bundled sharp/libvips). */
const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.gif',
  '.webp',
  '.tif',
  '.tiff',
  '.avif',
  // HEIC is tried: the prebuilt libheif reads AVIF but usually not HEVC, and the check says so.
  '.heic',
  '.heif',
]);

const RAW_EXTENSIONS = [
  '.cr2',
  '.cr3',
  '.crw',
  '.nef',
  '.nrw',
  '.arw',
  '.srf',
  '.sr2',
  '.dng',
  '.raf',
  '.orf',
  '.rw2',
  '.pef',
  '.srw',
  '.x3f',
  '.3fr',
  '.erf',
  '.kdc',
  '.mos',
  '.mrw',
  '.raw',
];

/** Image-like files the studio cannot read, with the reason shown to the user. */
const UNSUPPORTED_REASONS = new Map<string, string>([
  ...RAW_EXTENSIONS.map(
    (ext) => [ext, 'is a camera RAW file, which the studio cannot read'] as [string, string],
  ),
  ['.pdf', 'is a PDF document, not an image'],
  ['.psd', 'is a Photoshop document, which the studio cannot read'],
  ['.bmp', 'is a BMP bitmap, which the bundled image decoder cannot read'],
  ['.ico', 'is an icon file, which the studio cannot read'],
  ['.eps', 'is an EPS drawing, which the studio cannot read'],
  ['.jp2', 'is a JPEG 2000 file, which the bundled image decoder cannot read'],
  ['.jxl', 'is a JPEG XL file, which the bundled image decoder cannot read'],
  ['.svg', 'is a vector drawing (SVG), not a photo'],
]);

export type NameKind =
  { kind: 'image' } | { kind: 'unsupported'; reason: string } | { kind: 'other' };

/** Classifies a file by its extension (case-insensitive). */
export function classifyName(name: string): NameKind {
  const ext = path.extname(name).toLowerCase();
  if (IMAGE_EXTENSIONS.has(ext)) return { kind: 'image' };
  const reason = UNSUPPORTED_REASONS.get(ext);
  if (reason) return { kind: 'unsupported', reason };
  return { kind: 'other' };
}

/** Folder names that mark a split layout (root/train/<class>, root/val/<class>, ...). */
export function splitOfFolder(name: string): 'train' | 'val' | 'test' | undefined {
  const lower = name.toLowerCase();
  if (lower === 'train' || lower === 'training') return 'train';
  if (lower === 'val' || lower === 'valid' || lower === 'validation') return 'val';
  if (lower === 'test' || lower === 'testing') return 'test';
  return undefined;
}
