import { randomBytes } from 'node:crypto';

/** A run id: UTC time of creation plus random hex, e.g. 20250102-134501-a1b2c3. Sorts by time. */
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newRunId(now = new Date()): string {
  const iso = now.toISOString(); // 2025-01-02T13:45:01.123Z
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 19).replaceAll(':', '');
  return `${date}-${time}-${randomBytes(3).toString('hex')}`;
}

export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}
