import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetId } from './dataset-id';
import { ExclusionStore } from './exclusion-store';
import { scanDataset } from './scan-dataset';
import { makeTempDir, writeClasses } from './test-images';

let temp: { dir: string; cleanup(): void };
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

describe('ExclusionStore', () => {
  it('remembers exclusions per dataset across store instances, and re-includes', async () => {
    const folder = path.join(temp.dir, 'data', 'datasets');
    const id = datasetId(['/photos/pets']);
    const other = datasetId(['/photos/cars']);
    const store = new ExclusionStore(folder);
    expect(await store.get(id)).toEqual([]);
    await Promise.all([
      store.exclude(id, '/photos/pets/cats/b.jpg'),
      store.exclude(id, '/photos/pets/cats/a.jpg'),
    ]);
    await store.exclude(id, '/photos/pets/cats/a.jpg');
    await store.exclude(other, '/photos/cars/x.jpg');

    const reopened = new ExclusionStore(folder);
    expect(await reopened.get(id)).toEqual(['/photos/pets/cats/a.jpg', '/photos/pets/cats/b.jpg']);
    expect(await reopened.include(id, '/photos/pets/cats/a.jpg')).toEqual([
      '/photos/pets/cats/b.jpg',
    ]);
    expect(await new ExclusionStore(folder).get(id)).toEqual(['/photos/pets/cats/b.jpg']);
    expect(await reopened.get(other)).toEqual(['/photos/cars/x.jpg']);
  });

  it('keeps each folder’s choices when another folder is added to or removed from the dataset', async () => {
    const store = new ExclusionStore(path.join(temp.dir, 'datasets'));
    const pets = '/photos/pets';
    const cars = '/photos/cars';
    expect(await store.setExcluded([pets], '/photos/pets/cats/a.jpg', true)).toEqual([
      '/photos/pets/cats/a.jpg',
    ]);
    // The same folder in a bigger dataset still leaves a.jpg out, and a choice made there
    // belongs to the folder that holds the file.
    expect(await store.forRoots([pets, cars])).toEqual(['/photos/pets/cats/a.jpg']);
    expect(await store.setExcluded([pets, cars], '/photos/cars/vans/v.jpg', true)).toEqual([
      '/photos/cars/vans/v.jpg',
      '/photos/pets/cats/a.jpg',
    ]);
    expect(await store.forRoots([cars])).toEqual(['/photos/cars/vans/v.jpg']);
    expect(await store.forRoots([pets])).toEqual(['/photos/pets/cats/a.jpg']);
    // Taking a file back from the bigger dataset takes it back in its folder too.
    expect(await store.setExcluded([cars, pets], '/photos/pets/cats/a.jpg', false)).toEqual([
      '/photos/cars/vans/v.jpg',
    ]);
    expect(await store.forRoots([pets])).toEqual([]);
    // A path in none of the folders (or a look-alike sibling) is refused, not stored.
    expect(await store.setExcluded([pets], '/photos/pets-old/x.jpg', true)).toBeNull();
    expect(await store.setExcluded([pets], '/photos/pets/../cars/vans/w.jpg', true)).toBeNull();
    expect(await store.forRoots([pets, cars])).toEqual(['/photos/cars/vans/v.jpg']);
  });

  it('treats a damaged file as no exclusions and overwrites it on the next change', async () => {
    const store = new ExclusionStore(temp.dir);
    const id = datasetId(['/x']);
    const file = path.join(temp.dir, `${id}.exclusions.json`);
    writeFileSync(file, '{ not json');
    expect(await store.get(id)).toEqual([]);
    await store.exclude(id, '/x/a/1.jpg');
    expect(JSON.parse(readFileSync(file, 'utf8')).paths).toEqual(['/x/a/1.jpg']);
  });

  it('refuses ids that could name a path outside its folder', async () => {
    const store = new ExclusionStore(temp.dir);
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/Not a dataset id/);
    await expect(store.exclude('..', '/x')).rejects.toThrow(/Not a dataset id/);
  });

  it('feeds scanDataset, which leaves the files out and lists them', async () => {
    const root = path.join(temp.dir, 'pets');
    const [first] = await writeClasses(root, { cats: 3, dogs: 3 });
    const store = new ExclusionStore(path.join(temp.dir, 'state'));
    const before = await scanDataset([root]);
    await store.exclude(before.summary.id, first as string);
    const after = await scanDataset([root], { exclusions: await store.get(before.summary.id) });
    expect(after.summary.id).toBe(before.summary.id);
    expect(after.summary.excluded).toEqual([first]);
    expect(after.summary.totalImages).toBe(5);
  });
});
