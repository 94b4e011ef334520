import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors';
import { keepFiled, labelFromPaths, readZipImages } from './files';

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const zipBlob = (files: Record<string, Uint8Array>) => new Blob([zipSync(files, { level: 6 }) as BlobPart]);

describe('image files and class folders', () => {
  it('takes class names from folders and skips a single top folder', () => {
    expect(labelFromPaths(['cat/1.png', 'dog/2.png']).labels).toEqual(['cat', 'dog']);
    expect(labelFromPaths(['pets/cat/1.png', 'pets/dog/2.png'])).toEqual({
      labels: ['cat', 'dog'],
      strippedTop: 'pets',
    });
    expect(labelFromPaths(['1.png', '2.png']).labels).toEqual([null, null]);
    expect(labelFromPaths(['photos/1.png', 'photos/2.png']).labels).toEqual([null, null]); // a picked folder of loose images
  });

  it('keeps images outside any class folder when others have one, after the filed ones', () => {
    const ignored: string[] = [];
    const kept = keepFiled(
      [
        { path: 'stray.png', label: null, data: bytes(1) },
        { path: 'cat/1.png', label: 'cat', data: bytes(1) },
        { path: 'loose.png', label: null, data: bytes(1) },
        { path: 'dog/2.png', label: 'dog', data: bytes(1) },
      ],
      ignored,
    );
    expect(kept.map((e) => e.path)).toEqual(['cat/1.png', 'dog/2.png', 'stray.png', 'loose.png']);
    expect(ignored).toEqual([]);
  });

  it('reads the images of a zip, ignoring folders, hidden files and non-images', async () => {
    const zip = zipBlob({
      'set/cat/1.png': bytes(100),
      'set/cat/2.jpg': bytes(50),
      'set/dog/3.webp': bytes(70),
      'set/readme.txt': bytes(5),
      '__MACOSX/set/cat/._1.png': bytes(5),
      'set/.DS_Store': bytes(5),
    });
    const { entries, ignored } = await readZipImages(zip, 'set.zip');
    expect(entries.map((e) => [e.path, e.label, (e.data as Uint8Array).length])).toEqual([
      ['set/cat/1.png', 'cat', 100],
      ['set/cat/2.jpg', 'cat', 50],
      ['set/dog/3.webp', 'dog', 70],
    ]);
    expect(ignored).toEqual(['set/readme.txt']);
  });

  it('stops a zip that expands past the cap while inflating (zip bomb)', async () => {
    const zip = zipBlob({ 'a/big.png': bytes(3_000_000, 0), 'b/big.png': bytes(3_000_000, 0) });
    expect(zip.size).toBeLessThan(50_000);
    const err = await readZipImages(zip, 'bomb.zip', {
      zipBytes: 1e9,
      expandedBytes: 4_000_000,
      entryBytes: 1e9,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe('zip-bomb');
    expect((err as DataError).message).toMatch(/bomb\.zip would expand to more than 4 MB/);
  });

  it('refuses a zip with no images, and a file that is not a zip', async () => {
    const none = await readZipImages(zipBlob({ 'notes.txt': bytes(10) }), 'notes.zip').catch((e: unknown) => e);
    expect((none as DataError).code).toBe('no-images');
    expect((none as DataError).message).toMatch(/notes\.zip holds no images \(only notes\.txt\)/);
    const fake = await readZipImages(new Blob(['a,b\n1,2\n']), 'table.zip').catch((e: unknown) => e);
    expect((fake as DataError).code).toBe('bad-zip');
  });
});
