import { describe, expect, it } from 'vitest';
import { parseServeOptions } from './serve-options';

describe('parseServeOptions', () => {
  it('defaults to a free port, then env PORT, then --port', () => {
    expect(parseServeOptions([], {})).toEqual({ port: 0, open: false, help: false });
    expect(parseServeOptions([], { PORT: '8123' }).port).toBe(8123);
    expect(parseServeOptions(['--port', '9000'], { PORT: '8123' }).port).toBe(9000);
    expect(parseServeOptions(['--port=9001', '--open'], {})).toMatchObject({
      port: 9001,
      open: true,
    });
  });

  it('explains bad ports and unknown options', () => {
    expect(() => parseServeOptions(['--port', 'abc'], {})).toThrow('--port must be a port number');
    expect(() => parseServeOptions(['--port'], {})).toThrow('--port must be a port number');
    expect(() => parseServeOptions([], { PORT: '70000' })).toThrow('PORT must be a port number');
    expect(() => parseServeOptions(['--verbose'], {})).toThrow('Unknown option "--verbose"');
  });
});
