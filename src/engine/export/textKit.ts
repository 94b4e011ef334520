// What a text model's download carries besides model.json and preprocessing.json: the studio's
// own tokenizer and Transformer layers (the very files the studio runs, as ES modules) and a Node
// example that tokenizes exactly as the studio does.
import tokenizerSource from '../text/tokenizer.js?raw';
import layersSource from '../text/studioLayers.js?raw';
import predictSource from './predictText.mjs?raw';

export const TEXT_KIT_FILES = ['tokenizer.mjs', 'studio-layers.mjs', 'predict.mjs'] as const;

export function textKit(): Record<(typeof TEXT_KIT_FILES)[number], string> {
  return { 'tokenizer.mjs': tokenizerSource, 'studio-layers.mjs': layersSource, 'predict.mjs': predictSource };
}
