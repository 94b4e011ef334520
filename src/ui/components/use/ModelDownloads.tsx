import type { ExportFormat } from '../../../shared/protocol';
import { downloadModel } from '../../actions';

/** The model's downloads: the studio's zip, the TensorFlow.js files, ONNX, and a PyTorch project. */
export function ModelDownloads({
  source,
  busy,
  setBusy,
}: {
  source: string;
  busy: string | null;
  setBusy: (b: string | null) => void;
}) {
  const download = async (format: ExportFormat) => {
    setBusy(format);
    await downloadModel(source, format);
    setBusy(null);
  };
  return (
    <div className="field">
      <span>Download</span>
      <div className="upload-row">
        <button
          className="primary"
          data-testid="model-download"
          disabled={!source || busy !== null}
          onClick={() => void download('zip')}
          title="model.json, its weights and preprocessing.json in one .zip"
        >
          {busy === 'zip' ? 'Preparing…' : 'Download .zip'}
        </button>
        <button
          data-testid="model-download-tfjs"
          disabled={!source || busy !== null}
          onClick={() => void download('tfjs')}
          title="Only the two TensorFlow.js files: model.json and model.weights.bin"
        >
          model.json + weights
        </button>
        <button
          data-testid="model-download-onnx"
          disabled={!source || busy !== null}
          onClick={() => void download('onnx')}
          title="model.onnx: the network for ONNX Runtime (Python, C++, C#, Java, JavaScript, mobile); inputs as preprocessing.json says, images NHWC"
        >
          {busy === 'onnx' ? 'Preparing…' : 'ONNX'}
        </button>
        <button
          data-testid="model-download-pytorch"
          disabled={!source || busy !== null}
          onClick={() => void download('pytorch')}
          title="Continue in PyTorch: a project zip (model.py, data.py, train.py for torchrun) that carries this run on and writes a zip the studio imports"
        >
          {busy === 'pytorch' ? 'Preparing…' : 'PyTorch project'}
        </button>
      </div>
    </div>
  );
}
