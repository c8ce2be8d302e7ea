import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { teachableMachineDir } from '../test-support/fixtures';
import { TeachableMachineMetadata, teachableMachineMetadata } from './tm-metadata';

// A real Teachable Machine export's metadata.json (tmVersion 2.4.5), from the shared fixtures.
const real = JSON.parse(readFileSync(path.join(teachableMachineDir, 'metadata.json'), 'utf8'));

describe('Teachable Machine metadata.json', () => {
  it('the schema accepts a real Teachable Machine export', () => {
    expect(TeachableMachineMetadata.parse(real)).toEqual(real);
  });

  it('writes every field a Teachable Machine export has, with the same types', () => {
    const ours = teachableMachineMetadata({
      tfjsVersion: '4.22.0',
      producerVersion: '0.1.0',
      modelName: 'Ants vs bees',
      labels: ['ants', 'bees'],
      inputSize: [224, 224],
      preprocessing: { scale: 1 / 127.5, offset: -1 },
      source: { runId: 'r1' },
      now: new Date('2026-01-02T03:04:05.000Z'),
    });
    expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
    for (const key of Object.keys(real))
      expect(typeof ours[key as keyof typeof ours]).toBe(typeof real[key]);
    expect(ours).toMatchObject({
      labels: ['ants', 'bees'],
      imageSize: 224,
      modelName: 'Ants vs bees',
      timeStamp: '2026-01-02T03:04:05.000Z',
      tfjsVersion: '4.22.0',
    });
    // What Teachable Machine leaves implicit is stated: how to scale the pixels.
    expect(ours.userMetadata).toMatchObject({
      runId: 'r1',
      preprocessing: {
        scale: 1 / 127.5,
        offset: -1,
        color: 'RGB',
        inputShape: [null, 224, 224, 3],
      },
    });
  });

  it('refuses an export without labels (the loaders need them)', () => {
    expect(() =>
      teachableMachineMetadata({
        tfjsVersion: '4.22.0',
        producerVersion: '0.1.0',
        modelName: 'x',
        labels: [],
        inputSize: [224, 224],
        preprocessing: { scale: 1, offset: 0 },
      }),
    ).toThrow();
  });
});
