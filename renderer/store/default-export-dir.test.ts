import { describe, expect, it } from 'vitest';
import { defaultExportDir } from './default-export-dir';

describe('defaultExportDir', () => {
  it('puts the export under the data folder, named by run and format', () => {
    expect(defaultExportDir('/home/me/.transfer-studio', 'run-1', 'onnx')).toBe(
      '/home/me/.transfer-studio/exports/run-1-onnx',
    );
    expect(defaultExportDir('/data/', 'run-1', 'tfjs')).toBe('/data/exports/run-1-tfjs');
  });

  it('keeps Windows separators', () => {
    expect(defaultExportDir('C:\\Users\\me\\.transfer-studio', 'r', 'tfjs')).toBe(
      'C:\\Users\\me\\.transfer-studio\\exports\\r-tfjs',
    );
  });
});
