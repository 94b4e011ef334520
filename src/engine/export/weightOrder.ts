// tfjs saves a model's trainable weights first and its frozen ones after (Container.weights), so a
// checkpoint taken while the encoder is frozen lists the head's weights before the encoder's. The
// ONNX and PyTorch writers read weights layer by layer: this puts them back in layer order.
import type { SavedNetwork } from './onnx/toOnnx';
import { topologyLayers } from './topology/read';
import { prod } from './topology/shapes';

/** The layers' names in model order (Sequential, or a Functional's layer list). */
function layerNames(topology: object): string[] {
  const layers = topologyLayers(topology) as ({ name?: unknown; config?: { name?: unknown } } | null)[];
  return layers.map((l) => String(l?.config?.name ?? l?.name ?? ''));
}

const bytesOf = (shape: number[]) => 4 * prod(shape);

/**
 * The same network with its weights (manifest and bytes) in the order of their layers; within a
 * layer, and for weights of no known layer (kept last), the saved order stands.
 */
export function inLayerOrder(net: SavedNetwork): SavedNetwork {
  const rank = new Map(layerNames(net.modelTopology).map((name, i) => [name, i]));
  const at = (name: string) => rank.get(name.split('/')[0]!) ?? Number.MAX_SAFE_INTEGER;
  let offset = 0;
  const entries = net.weightSpecs.map((spec, i) => {
    const entry = { spec, i, offset, bytes: bytesOf(spec.shape) };
    offset += entry.bytes;
    return entry;
  });
  const sorted = [...entries].sort((a, b) => at(a.spec.name) - at(b.spec.name) || a.i - b.i);
  if (sorted.every((e, k) => e.i === k)) return net;
  const out = new Uint8Array(offset);
  let to = 0;
  for (const e of sorted) {
    out.set(new Uint8Array(net.weightData, e.offset, e.bytes), to);
    to += e.bytes;
  }
  return { modelTopology: net.modelTopology, weightSpecs: sorted.map((e) => e.spec), weightData: out.buffer };
}
