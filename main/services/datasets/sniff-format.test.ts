import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hasEndMarker, nameMatches, sniffFormat } from './sniff-format';

const image = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#abcdef' } });

describe('sniffFormat', () => {
  it('recognises image formats by their bytes', async () => {
    expect(sniffFormat(await image().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffFormat(await image().png().toBuffer())).toBe('png');
    expect(sniffFormat(await image().gif().toBuffer())).toBe('gif');
    expect(sniffFormat(await image().webp().toBuffer())).toBe('webp');
    expect(sniffFormat(await image().tiff().toBuffer())).toBe('tiff');
    expect(sniffFormat(await image().avif().toBuffer())).toBe('avif');
    expect(sniffFormat(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic'))).toBe('heic');
  });

  it('recognises documents, text and noise', () => {
    expect(sniffFormat(Buffer.from('%PDF-1.4\n'))).toBe('pdf');
    expect(sniffFormat(Buffer.from('PK\x03\x04rest'))).toBe('zip');
    expect(sniffFormat(Buffer.from('BM6\0\0\0'))).toBe('bmp');
    expect(sniffFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe(
      'markup',
    );
    expect(sniffFormat(Buffer.from('Grüße, just some notes.\n'))).toBe('text');
    expect(sniffFormat(Buffer.from([0x13, 0x00, 0x9a, 0x07, 0xff]))).toBe('unknown');
    expect(sniffFormat(Buffer.alloc(0))).toBe('unknown');
  });

  it('compares content with the extension', () => {
    expect(nameMatches('a.JPEG', 'jpeg')).toBe(true);
    expect(nameMatches('a.jpg', 'png')).toBe(false);
    expect(nameMatches('a.heif', 'avif')).toBe(true);
  });

  it('finds end markers of complete files only', async () => {
    const jpeg = await image().jpeg().toBuffer();
    const png = await image().png().toBuffer();
    expect(hasEndMarker('jpeg', jpeg)).toBe(true);
    expect(hasEndMarker('jpeg', jpeg.subarray(0, jpeg.length - 2))).toBe(false);
    expect(hasEndMarker('png', png)).toBe(true);
    expect(hasEndMarker('png', png.subarray(0, png.length - 12))).toBe(false);
    expect(hasEndMarker('webp', png)).toBeUndefined();
  });
});
