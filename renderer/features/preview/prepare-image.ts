/**
 * Turns what the user gives "Try it" (a chosen or dropped file, a webcam frame) into what the
 * worker needs: a path when the shell can tell it (Electron), otherwise JPEG bytes downscaled
 * in the browser, so uploads stay small; plus a small preview for the card.
 */
import type { PreparedImage } from '../../store/preview-slice';

/** Long side sent to the model: twice its 224 px input leaves room for the centre crop. */
const MODEL_SIDE = 448;
const CARD_SIDE = 192;
/** Files the browser cannot draw (TIFF, HEIC…) are sent as they are up to this size. */
const RAW_LIMIT = 1_500_000;

async function drawJpeg(source: ImageBitmap, maxSide: number, quality: number): Promise<string> {
  const scale = Math.min(1, maxSide / Math.max(source.width, source.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(source.width * scale));
  canvas.height = Math.max(1, Math.round(source.height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw images');
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', quality);
}

function base64Of(dataUrl: string): string {
  return dataUrl.slice(dataUrl.indexOf(',') + 1);
}

async function rawBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Prepares one image; a file the browser cannot decode is sent raw when small enough. */
export async function prepareImage(
  blob: Blob,
  name: string,
  pathOnDisk: string | null,
): Promise<PreparedImage> {
  let bitmap: ImageBitmap | null = null;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    bitmap = null;
  }
  try {
    const src = bitmap ? await drawJpeg(bitmap, CARD_SIDE, 0.85) : null;
    if (pathOnDisk) return { name, src, input: { path: pathOnDisk } };
    if (bitmap) {
      return {
        name,
        src,
        input: { name, base64: base64Of(await drawJpeg(bitmap, MODEL_SIDE, 0.92)) },
      };
    }
    if (blob.size > RAW_LIMIT) {
      throw new Error(
        `${name} is not an image this browser can open, and too large (${Math.round(blob.size / 1024)} KB) to send as it is.`,
      );
    }
    return { name, src: null, input: { name, base64: await rawBase64(blob) } };
  } finally {
    bitmap?.close();
  }
}

/** Images among dropped or chosen files (by type, or by extension when the type is unknown). */
export function imageFiles(files: Iterable<File>): File[] {
  return [...files].filter(
    (file) =>
      file.type.startsWith('image/') ||
      /\.(jpe?g|png|gif|webp|bmp|tiff?|avif|heic)$/i.test(file.name),
  );
}
