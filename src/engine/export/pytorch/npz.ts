// NumPy's .npy (format 1.0) and .npz (a zip of .npy files) written directly, so that
// np.load reads the weights and the encoded dataset without anything else installed.
import { zipSync } from 'fflate';
import { prod } from '../topology/shapes';

export interface NpyArray {
  data: Float32Array | Int32Array;
  shape: number[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One array as .npy: the magic, a Python-literal header padded to 64 bytes, raw little-endian values. */
export function npy({ data, shape }: NpyArray): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('Writing .npy files needs a little-endian platform.');
  const count = prod(shape);
  if (count !== data.length) throw new Error(`.npy: shape [${shape.join(', ')}] does not hold ${data.length} values`);
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // magic (6) + version (2) + header length (2) + header, ending in '\n', a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY, version 1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/**
 * Arrays by name as .npz. Stored uncompressed: the project zip around it compresses anyway,
 * and deflating twice only costs time.
 */
export function npz(arrays: Record<string, NpyArray>): Uint8Array {
  return zipSync(
    Object.fromEntries(Object.entries(arrays).map(([name, a]) => [`${name}.npy`, [npy(a), { level: 0 }]])),
    { level: 0 },
  );
}
