// A chain's weights found in the manifest: tfjs saves them layer by layer, kernel then bias (once
// weightOrder.ts has put a frozen checkpoint's back in that order), each of the shape its layer
// implies. The formats that write the weights out (ONNX, the PyTorch project) read them from here.
import { TopologyError } from './errors';
import { where, type Chain } from './layers';
import { prod } from './shapes';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** The weight data must be exactly the bytes the manifest lists (float32: 4 per value). */
export function checkWeightBytes(specs: readonly WeightSpec[], byteLength: number): void {
  const bytes = specs.reduce((s, w) => s + prod(w.shape) * 4, 0);
  if (bytes !== byteLength)
    throw new TopologyError(
      `the weights are ${byteLength.toLocaleString('en-US')} bytes, but their manifest needs ${bytes.toLocaleString('en-US')}; the model is damaged. Download it in the TensorFlow.js format or train it again.`,
    );
}

/**
 * The chain with each weight bound to its manifest entry, in order: its saved name and its byte
 * offset. Throws TopologyError when a weight is missing, of another shape or dtype, or left over.
 */
export function bindWeights(chain: Chain, specs: readonly WeightSpec[]): Chain {
  let index = 0;
  let offset = 0;
  const layers = chain.layers.map((l) => ({
    ...l,
    weights: l.weights.map((w) => {
      const spec = specs[index];
      if (!spec || spec.dtype !== 'float32' || spec.shape.join() !== w.shape.join())
        throw new TopologyError(
          `${where(l)} needs a float32 ${w.role} of ${w.shape.join('×')}, but the weights list ` +
            (spec ? `"${spec.name}" (${spec.dtype} ${spec.shape.join('×')})` : 'nothing more') +
            ' there; the weights do not belong to this topology.',
        );
      const bound = { ...w, name: spec.name, offset };
      index++;
      offset += prod(w.shape) * 4;
      return bound;
    }),
  }));
  if (index !== specs.length)
    throw new TopologyError(
      `the weights list ${specs.length} tensors but the layers use ${index} ("${specs[index]!.name}" is left over); the weights do not belong to this topology.`,
    );
  return { ...chain, layers: layers as Chain['layers'] };
}

/** A bound weight's values: a view into the data (float32 offsets are aligned), nothing copied. */
export function weightValues(data: ArrayBuffer, w: { shape: number[]; offset: number | null }): Float32Array {
  if (w.offset === null) throw new Error('The weight is not bound to the weight data (bindWeights).');
  return new Float32Array(data, w.offset, prod(w.shape));
}
