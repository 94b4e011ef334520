// Predicts with this text model in Node (18 or later), exactly as Pretrain Studio does:
//   npm install @tensorflow/tfjs@4.22.0
//   node predict.mjs "first text" "second text"
// tokenizer.mjs and studio-layers.mjs are the studio's own files: the same tokens, the same layers.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { registerStudioLayers } from './studio-layers.mjs';
import { Tokenizer, encodeBatch } from './tokenizer.mjs';

const here = (name) => new URL(name, import.meta.url);

/** The model and its preprocessing, from the folder this file is in. */
export async function loadTextModel() {
  registerStudioLayers(tf);
  const pre = JSON.parse(readFileSync(here('preprocessing.json'), 'utf8'));
  const json = JSON.parse(readFileSync(here('model.json'), 'utf8'));
  const bin = readFileSync(here('model.weights.bin'));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
  const tokenizer = new Tokenizer(pre.text.tokenizer);
  return { model, pre, tokenizer };
}

/** Token ids as the model reads them: [CLS] and the tokens, cut at maxLength, padded with 0. */
export function encode(tokenizer, pre, texts) {
  return encodeBatch(tokenizer, texts, pre.text.maxLength).ids;
}

/** One result per text: class probabilities (classification) or the value (regression). */
export async function predict(texts) {
  const { model, pre, tokenizer } = await loadTextModel();
  const ids = encode(tokenizer, pre, texts);
  const out = model.predict(tf.tensor(Array.from(ids), [texts.length, pre.text.maxLength]));
  const rows = await out.array();
  out.dispose();
  model.dispose();
  return rows.map((row) =>
    pre.task === 'regression'
      ? { value: row[0] * pre.label.std + pre.label.mean }
      : { label: pre.classNames[row.indexOf(Math.max(...row))], probabilities: row },
  );
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const texts = process.argv.slice(2);
  if (!texts.length) console.log('Give one or more texts: node predict.mjs "a text" "another"');
  else for (const [i, r] of (await predict(texts)).entries()) console.log(JSON.stringify({ text: texts[i], ...r }));
}
