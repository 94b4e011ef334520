// ONNX Runtime in Node, as a user deploying model.onnx would run it (onnxruntime-web's WASM build:
// it installs from npm without downloading anything; Node finds its .wasm beside it).
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;

/** The model's outputs for `rows` inputs of `shape`, one array per row. */
export async function runOnnx(bytes: Uint8Array, x: number[][], shape: number[]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect1(session.inputNames, 'input');
    expect1(session.outputNames, 'output');
    const input = new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, ...shape]);
    const { output } = await session.run({ input });
    const flat = Array.from(output!.data as Float32Array);
    const width = flat.length / x.length;
    return x.map((_, i) => flat.slice(i * width, (i + 1) * width));
  } finally {
    await session.release();
  }
}

function expect1(names: readonly string[], name: string): void {
  if (names.length !== 1 || names[0] !== name) throw new Error(`model.onnx names ${names.join(', ')}, not "${name}"`);
}
