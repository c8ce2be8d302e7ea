/**
 * What a file really is, from its first bytes (magic numbers), independent of its name: a
 * PNG renamed to .jpg, a PDF or a text file with an image extension, a HEIC photo.
 */
import path from 'node:path';

export type SniffedFormat =
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'tiff'
  | 'avif'
  | 'heic'
  | 'bmp'
  | 'pdf'
  | 'zip'
  | 'psd'
  | 'markup'
  | 'text'
  | 'unknown';

/** Formats the studio decodes (HEIC only where the bundled libheif can). */
export const IMAGE_FORMATS: ReadonlySet<SniffedFormat> = new Set([
  'jpeg',
  'png',
  'gif',
  'webp',
  'tiff',
  'avif',
  'heic',
]);

/** How many leading bytes `sniffFormat` needs. */
export const SNIFF_BYTES = 512;

const ascii = (head: Uint8Array, start: number, end: number) =>
  Buffer.from(head.subarray(start, end)).toString('latin1');

export function sniffFormat(head: Uint8Array): SniffedFormat {
  const b = head;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') return 'tiff';
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (/^(hei[cmsx]|hev[cmsx]|mif1|msf1)$/.test(brand)) return 'heic';
  }
  if (ascii(b, 0, 2) === 'BM') return 'bmp';
  if (ascii(b, 0, 4) === '%PDF') return 'pdf';
  if (ascii(b, 0, 4) === 'PK\x03\x04') return 'zip';
  if (ascii(b, 0, 4) === '8BPS') return 'psd';
  if (looksLikeText(b)) return /^\s*</.test(ascii(b, 0, 64)) ? 'markup' : 'text';
  return 'unknown';
}

/** No NUL bytes and almost only printable characters (UTF-8 bytes count as printable). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let odd = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) odd += 1;
  }
  return odd / head.length < 0.02;
}

/** The format a file name promises, or undefined for names the scan does not decode. */
export function formatOfName(name: string): SniffedFormat | undefined {
  switch (path.extname(name).toLowerCase()) {
    case '.jpg':
    case '.jpeg':
    case '.jpe':
    case '.jfif':
      return 'jpeg';
    case '.png':
      return 'png';
    case '.gif':
      return 'gif';
    case '.webp':
      return 'webp';
    case '.tif':
    case '.tiff':
      return 'tiff';
    case '.avif':
      return 'avif';
    case '.heic':
    case '.heif':
      return 'heic';
    default:
      return undefined;
  }
}

/** Whether content and name agree (AVIF inside a .heif container is fine: same family). */
export function nameMatches(name: string, format: SniffedFormat): boolean {
  const expected = formatOfName(name);
  if (expected === undefined || expected === format) return true;
  return expected === 'heic' && format === 'avif';
}

const FORMAT_NAMES: Record<SniffedFormat, string> = {
  jpeg: 'a JPEG image',
  png: 'a PNG image',
  gif: 'a GIF image',
  webp: 'a WebP image',
  tiff: 'a TIFF image',
  avif: 'an AVIF image',
  heic: 'a HEIC photo',
  bmp: 'a BMP bitmap',
  pdf: 'a PDF document',
  zip: 'a ZIP archive',
  psd: 'a Photoshop document',
  markup: 'an HTML/XML/SVG text file',
  text: 'a text file',
  unknown: 'not a recognisable image',
};

export function describeFormat(format: SniffedFormat): string {
  return FORMAT_NAMES[format];
}

/**
 * Whether the file's last bytes hold its format's end marker; false suggests the file was cut
 * short (an interrupted download or copy). Undefined where the format has no such marker.
 */
export function hasEndMarker(format: SniffedFormat, tail: Uint8Array): boolean | undefined {
  if (format === 'png')
    return ascii(tail, Math.max(0, tail.length - 12), tail.length).includes('IEND');
  if (format === 'jpeg') {
    // Cameras and editors sometimes pad after the end-of-image marker; look a little back.
    for (let i = tail.length - 2; i >= Math.max(0, tail.length - 1024); i -= 1) {
      if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
    }
    return false;
  }
  if (format === 'gif') return tail.subarray(Math.max(0, tail.length - 16)).includes(0x3b);
  return undefined;
}
