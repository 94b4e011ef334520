// Types for studioLayers.js (a plain ES module: it ships unchanged in text models' downloads).
import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;
type LayerClass<C> = new (config: C & { name?: string; trainable?: boolean }) => tfType.layers.Layer;

export interface StudioLayers {
  StudioPositionEmbedding: LayerClass<{ maxLength: number; seed?: number }>;
  StudioSelfAttention: LayerClass<{ heads: number; seed?: number }>;
  StudioMaskedPooling: LayerClass<{ mode: 'cls' | 'mean' }>;
}

export function registerStudioLayers(tf: Tf): StudioLayers;
