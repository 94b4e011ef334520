import { useState } from 'react';
import type { InferenceInput, ModelCard, Prediction } from '../../../shared/types/models';
import { predict } from '../../actions';
import { Empty } from '../Panel';
import { ExplainToggle } from '../explain/ExplainView';
import { ImageInput } from './ImageInput';
import { Result } from './Result';
import { RowInput } from './RowInput';
import { CANVAS, useDrawing } from './useDrawing';

/** Tries the model on a typed row or text, a drawn digit, or an image. */
export function InferencePanel({ card }: { card: ModelCard }) {
  const [result, setResult] = useState<Prediction | null>(null);
  /** Predictions shown so far (data-n on the result: tests and screen readers see each new one). */
  const [count, setCount] = useState(0);
  const [row, setRow] = useState('');
  const [pending, setPending] = useState(false);
  /** The input of the prediction shown (its explanation reads it). */
  const [shown, setShown] = useState<InferenceInput | null>(null);
  const digits =
    card.kind === 'image' && card.image?.height === 28 && card.image.width === 28 && card.image.channels === 1;

  const predictOn = async (input: Parameters<typeof predict>[1]) => {
    setPending(true);
    const p = await predict(card.source, input);
    setPending(false);
    if (p) {
      setResult(p);
      setCount((n) => n + 1);
      setShown(input);
    }
  };
  const { setCanvas, handlers, drawn, clear, toBlob } = useDrawing((image) => void predictOn({ kind: 'image', image }));
  const predictCanvas = async () => {
    const blob = await toBlob();
    if (blob) await predictOn({ kind: 'image', image: blob });
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
      {card.kind === 'image' ? (
        <ImageInput
          card={card}
          draw={
            digits && (
              <DrawPad
                setCanvas={setCanvas}
                handlers={handlers}
                onClear={() => {
                  clear();
                  setResult(null);
                }}
              />
            )
          }
          onImage={(image) => void predictOn({ kind: 'image', image })}
        />
      ) : (
        <RowInput card={card} row={row} setRow={setRow} />
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
      {result && shown && (
        <ExplainToggle key={card.source} source={card.source} input={shown} kind={card.kind} n={count} />
      )}
    </div>
  );
}

/** A canvas to draw a digit on (28×28 grayscale models), and a button to clear it. */
function DrawPad({
  setCanvas,
  handlers,
  onClear,
}: {
  setCanvas: ReturnType<typeof useDrawing>['setCanvas'];
  handlers: ReturnType<typeof useDrawing>['handlers'];
  onClear: () => void;
}) {
  return (
    <div className="draw">
      <canvas
        ref={setCanvas}
        data-testid="inference-canvas"
        width={CANVAS}
        height={CANVAS}
        aria-label="Draw a digit here"
        {...handlers}
      />
      <button onClick={onClear} data-testid="inference-clear">
        Clear
      </button>
    </div>
  );
}
