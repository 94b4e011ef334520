/**
 * A model the studio cannot write in a format (ONNX, the PyTorch project): the message names the
 * layer and why, and nothing is downloaded.
 */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}
