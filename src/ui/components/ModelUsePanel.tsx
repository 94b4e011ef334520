import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { MODEL_LIMITS_TEXT } from '../../shared/limits';
import type { ExportFormat } from '../../shared/protocol';
import type { CheckpointInfo, ModelCard, Prediction } from '../../shared/types/models';
import { describeModel, downloadModel, importModel, predict } from '../actions';
import { attrNumber, fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { Empty, Panel } from './Panel';

/** Which model the panel works on: the chosen one while it exists, else the last run's, else the newest fine-tuned checkpoint. */
function effectiveSource(chosen: string, current: ModelCard | null, checkpoints: CheckpointInfo[]): string {
  if (chosen === 'current' && current) return 'current';
  if (chosen && checkpoints.some((c) => c.id === chosen)) return chosen;
  if (current) return 'current';
  // A run's final checkpoint, not one that retention may delete in a moment.
  const finetuned = checkpoints.filter((c) => c.stage === 'finetune');
  return (finetuned.find((c) => c.tags.includes('final')) ?? finetuned[0])?.id ?? '';
}

/** Take the model with you (download), bring one back (import), and try it on new inputs. */
export function ModelUsePanel() {
  const current = useStudio((s) => s.currentModel);
  const checkpoints = useStudio((s) => s.checkpoints);
  const [chosen, setChosen] = useState('');
  const source = effectiveSource(chosen, current, checkpoints);
  const [fetched, setFetched] = useState<{ key: string; card: ModelCard | null } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [imported, setImported] = useState<string | null>(null);

  // The card of the chosen checkpoint comes from the worker (its preprocessing and layers).
  const checkpointStamp = checkpoints.find((c) => c.id === source)?.createdAt ?? 0;
  const key = `${source}@${checkpointStamp}`;
  useEffect(() => {
    let cancelled = false;
    if (source && source !== 'current')
      void describeModel(source).then((c) => !cancelled && setFetched({ key, card: c }));
    return () => {
      cancelled = true;
    };
  }, [source, key]);
  const card = !source ? null : source === 'current' ? current : fetched?.key === key ? fetched.card : null;

  const download = async (format: ExportFormat) => {
    setBusy(format);
    await downloadModel(source, format);
    setBusy(null);
  };

  return (
    <Panel id="use" step={5} title="Use the model">
      <div className="use-grid">
        <label className="field">
          <span>Model</span>
          <select data-testid="inference-model" value={source} onChange={(e) => setChosen(e.target.value)}>
            {!source && <option value="">no model yet</option>}
            {current && <option value="current">Last run: {current.name}</option>}
            {checkpoints.map((c) => (
              <option key={c.id} value={c.id}>
                {c.origin === 'import'
                  ? 'imported'
                  : c.stage === 'pretrain'
                    ? `${c.config.objective} encoder`
                    : 'checkpoint'}{' '}
                · {c.name}
              </option>
            ))}
          </select>
        </label>
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
        <div className="field">
          <span>Import</span>
          <div className="upload-row">
            <label className={`button-like${busy ? ' disabled' : ''}`}>
              Import model…
              <input
                data-testid="model-import"
                className="visually-hidden"
                type="file"
                multiple
                accept=".zip,.json,.bin"
                disabled={busy !== null}
                onChange={(e) => {
                  const files = Array.from(e.target.files ?? []);
                  e.target.value = '';
                  if (!files.length) return;
                  setBusy('import');
                  setImported(null);
                  void importModel(files).then((c) => {
                    setBusy(null);
                    if (!c) return;
                    setImported(c.name);
                    setChosen(c.source);
                  });
                }}
              />
            </label>
          </div>
          <span className="muted small" data-testid="model-import-limits">
            {MODEL_LIMITS_TEXT}
          </span>
          {imported && (
            <span className="small" data-testid="model-import-status">
              Imported “{imported}”: it is listed with the checkpoints, usable here and as “Start from”.
            </span>
          )}
        </div>
      </div>
      {!source ? (
        <Empty>
          Train a fine-tuning run, or import a model (.zip from this studio), to download it or try it on new inputs
          here.
        </Empty>
      ) : card ? (
        <>
          <ModelFacts card={card} />
          <InferencePanel key={`${card.source}:${checkpointStamp}`} card={card} />
        </>
      ) : null}
    </Panel>
  );
}

function ModelFacts({ card }: { card: ModelCard }) {
  const m = card.metrics;
  return (
    <div
      className="model-facts"
      data-testid="model-card"
      data-source={card.source}
      data-task={card.task}
      data-params={card.params}
    >
      <p className="muted small">
        {card.name} · trained on {card.datasetName} · {card.task === 'none' ? 'encoder (no prediction)' : card.task} ·{' '}
        {card.params.toLocaleString('en-US')} weights
        {m.testAccuracy !== undefined
          ? ` · test accuracy ${fmtPercent(m.testAccuracy)}`
          : m.valAccuracy !== undefined
            ? ` · val accuracy ${fmtPercent(m.valAccuracy)}`
            : ''}
        {m.testR2 !== undefined ? ` · test R² ${fmtNumber(m.testR2, 3)}` : ''}
      </p>
      <ol className="layers" aria-label="Architecture" data-testid="model-architecture">
        {card.layers.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ol>
    </div>
  );
}

const CANVAS = 280;

function InferencePanel({ card }: { card: ModelCard }) {
  const [result, setResult] = useState<Prediction | null>(null);
  /** Predictions shown so far (data-n on the result: tests and screen readers see each new one). */
  const [count, setCount] = useState(0);
  const [row, setRow] = useState('');
  const [pending, setPending] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [drawn, setDrawn] = useState(false);
  const digits =
    card.kind === 'image' && card.image?.height === 28 && card.image.width === 28 && card.image.channels === 1;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, CANVAS, CANVAS);
  }, [digits]);

  const predictOn = async (input: Parameters<typeof predict>[1]) => {
    setPending(true);
    const p = await predict(card.source, input);
    setPending(false);
    if (p) {
      setResult(p);
      setCount((n) => n + 1);
    }
  };

  const canvasBlob = () =>
    new Promise<Blob | null>((resolve) => {
      if (canvas.current) canvas.current.toBlob(resolve, 'image/png');
      else resolve(null);
    });
  const predictCanvas = async () => {
    const blob = await canvasBlob();
    if (blob) await predictOn({ kind: 'image', image: blob });
  };

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * CANVAS, y: ((e.clientY - r.top) / r.height) * CANVAS };
  };
  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 22;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };
  const clear = () => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx) {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, CANVAS, CANVAS);
    }
    setDrawn(false);
    setResult(null);
  };

  if (card.task === 'none')
    return (
      <div className="inference" data-testid="inference-panel">
        <Empty>
          This is a pretrained encoder: it has no classes or values to predict. Fine-tune from it (“Start from”), then
          try the fine-tuned model here.
        </Empty>
      </div>
    );

  return (
    <div className="inference" data-testid="inference-panel" data-kind={card.kind}>
      <h3 className="small">Try it</h3>
      {card.kind === 'text' ? (
        <label className="field">
          <span>A text ({card.columns[0]})</span>
          <textarea
            data-testid="inference-row"
            rows={3}
            value={row}
            placeholder="Type a sentence or paste a message"
            onChange={(e) => setRow(e.target.value)}
          />
          <span className="muted small">
            Read as in training: normalized, split into the tokenizer&apos;s subwords, cut at the maximum length.
          </span>
        </label>
      ) : card.kind === 'table' ? (
        <label className="field">
          <span>A row ({card.columns.join(', ')})</span>
          <textarea
            data-testid="inference-row"
            rows={2}
            value={row}
            placeholder={`${card.columns.join(',')}\n(or values only, in this order)`}
            onChange={(e) => setRow(e.target.value)}
          />
          <span className="muted small">
            Values in this column order, comma, tab or semicolon separated; or paste a header line and a row (extra
            columns are ignored). Missing values are filled in as in training.
          </span>
        </label>
      ) : (
        <div
          className="inference-inputs"
          data-testid="inference-drop"
          // An image dropped here is a question for the model, not a dataset (App leaves it alone).
          onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            const f = Array.from(e.dataTransfer.files).find(
              (x) => x.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|bmp)$/i.test(x.name),
            );
            if (f) void predictOn({ kind: 'image', image: f });
            else
              useStudio
                .getState()
                .pushAlert('Drop one image file (PNG, JPEG, WebP, GIF or BMP) here to try the model on it.');
          }}
        >
          {digits && (
            <div className="draw">
              <canvas
                ref={canvas}
                data-testid="inference-canvas"
                width={CANVAS}
                height={CANVAS}
                aria-label="Draw a digit here"
                onPointerDown={(e) => {
                  e.currentTarget.setPointerCapture(e.pointerId);
                  drawing.current = point(e);
                  stroke(drawing.current, drawing.current);
                  setDrawn(true);
                }}
                onPointerMove={(e) => {
                  if (!drawing.current) return;
                  const p = point(e);
                  stroke(drawing.current, p);
                  drawing.current = p;
                }}
                onPointerUp={() => {
                  drawing.current = null;
                  void predictCanvas();
                }}
              />
              <button onClick={clear} data-testid="inference-clear">
                Clear
              </button>
            </div>
          )}
          <label className="field">
            <span>
              {digits ? 'Draw a digit (white on black), or choose or drop an image' : 'Choose or drop an image'} (
              {card.image?.height}×{card.image?.width} {card.image?.channels === 3 ? 'RGB' : 'grayscale'} after
              centre-crop and resize)
            </span>
            <input
              data-testid="inference-image"
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif,image/bmp"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void predictOn({ kind: 'image', image: f });
              }}
            />
          </label>
        </div>
      )}
      <div className="upload-row">
        <button
          className="primary"
          data-testid="inference-predict"
          disabled={pending || (card.kind !== 'image' ? !row.trim() : !digits || !drawn)}
          onClick={() => void (card.kind !== 'image' ? predictOn({ kind: 'row', text: row }) : predictCanvas())}
        >
          {pending ? 'Predicting…' : 'Predict'}
        </button>
      </div>
      {result && <Result p={result} n={count} />}
    </div>
  );
}

function Result({ p, n }: { p: Prediction; n: number }) {
  if (p.task === 'regression')
    return (
      <div
        className="inference-result"
        data-testid="inference-result"
        data-n={n}
        data-value={attrNumber(p.value)}
        aria-live="polite"
      >
        Predicted value: <strong>{fmtNumber(p.value, 5)}</strong>
      </div>
    );
  const name = p.classNames[p.classIndex] ?? String(p.classIndex);
  return (
    <div
      className="inference-result"
      data-testid="inference-result"
      data-n={n}
      data-class={name}
      data-p={attrNumber(p.probabilities[p.classIndex])}
      aria-live="polite"
    >
      <p>
        Predicted class: <strong>{name}</strong> ({fmtPercent(p.probabilities[p.classIndex])})
      </p>
      <div className="probs" role="list" aria-label="Probability of every class">
        {p.probabilities.map((v, i) => (
          <div
            key={i}
            className="balance-row"
            role="listitem"
            data-testid="inference-prob"
            data-class={p.classNames[i] ?? String(i)}
            data-p={attrNumber(v) ?? '0'}
          >
            <span className="balance-name">{p.classNames[i] ?? i}</span>
            <span
              className="balance-bar"
              style={{ width: `${Math.max(0.5, v * 100)}%`, opacity: i === p.classIndex ? 1 : 0.45 }}
            />
            <span className="balance-count">{fmtPercent(v)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
