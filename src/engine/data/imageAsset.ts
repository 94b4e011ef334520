// Reads the compact image asset written by scripts/build-datasets.mjs:
//   "PSD1" | u32 LE header length | JSON header | labels (u8 x rows) | pixels (u8 x rows x h x w x c)
// Rows are stored pre-shuffled; the split is a fixed range: train, then val, then test.
import type { Dataset } from './dataset';
import { range } from './random';

export const ASSET_MAGIC = 'PSD1';

interface AssetHeader {
  name: string;
  description: string;
  rows: number;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  split: { train: number; val: number; test: number };
}

export class AssetFormatError extends Error {
  override name = 'AssetFormatError';
}

function parseHeader(json: string): AssetHeader {
  let h: unknown;
  try {
    h = JSON.parse(json);
  } catch {
    throw new AssetFormatError('the header is not valid JSON');
  }
  const o = h as Partial<AssetHeader>;
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!positive(o.rows) || !positive(o.height) || !positive(o.width) || !positive(o.channels))
    throw new AssetFormatError('the header lacks rows, height, width or channels');
  if (!Array.isArray(o.classNames) || o.classNames.length < 2)
    throw new AssetFormatError('the header lacks class names');
  const s = o.split;
  if (!s || s.train + s.val + s.test !== o.rows)
    throw new AssetFormatError('the split does not add up to the row count');
  return o as AssetHeader;
}

export function parseImageAsset(buffer: ArrayBuffer): Dataset {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== ASSET_MAGIC)
    throw new AssetFormatError('not a Pretrain Studio image asset (bad magic)');
  const headerLength = new DataView(buffer).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new AssetFormatError('the header runs past the end of the file');
  const h = parseHeader(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const features = h.height * h.width * h.channels;
  const labelStart = 8 + headerLength;
  const pixelStart = labelStart + h.rows;
  const expected = pixelStart + h.rows * features;
  if (bytes.length !== expected)
    throw new AssetFormatError(`expected ${expected} bytes for ${h.rows} images, found ${bytes.length}`);
  const y = Int32Array.from(bytes.subarray(labelStart, pixelStart));
  for (const label of y)
    if (label >= h.classNames.length) throw new AssetFormatError(`label ${label} has no class name`);
  const x = bytes.subarray(pixelStart, expected);
  const { train, val } = h.split;
  const previewCount = Math.min(24, h.rows);
  return {
    name: h.name,
    description: h.description,
    kind: 'image',
    source: 'builtin',
    task: 'classification',
    rows: h.rows,
    inputShape: [h.height, h.width, h.channels],
    features,
    x,
    xScale: 1 / 255,
    y,
    classNames: h.classNames,
    split: { train: range(0, train), val: range(train, train + val), test: range(train + val, h.rows) },
    preprocessing: {
      kind: 'image',
      height: h.height,
      width: h.width,
      channels: h.channels === 3 ? 3 : 1,
      scale: 1 / 255,
      classNames: h.classNames,
    },
    preview: {
      kind: 'image',
      height: h.height,
      width: h.width,
      channels: h.channels,
      images: Array.from({ length: previewCount }, (_, i) => ({
        pixels: x.slice(i * features, (i + 1) * features),
        label: h.classNames[y[i]!]!,
      })),
    },
  };
}
