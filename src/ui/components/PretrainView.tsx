import { memo, useMemo } from 'react';
import type { PretrainSnapshot } from '../../shared/types/results';
import { fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { ImageThumb } from './ImageThumb';
import { Empty, Panel } from './Panel';
import { lazyPlot } from '../chart/lazyPlot';

const EmbeddingPlot = lazyPlot(() => import('../chart/plots/EmbeddingPlot'));

/** What pretraining learns, after every epoch: pictures, errors per column, the 2-D code space. */
export function PretrainView() {
  const stage = useStudio((s) => s.run.stage);
  const state = useStudio((s) => s.run.state);
  const snapshot = useStudio((s) => s.run.snapshot);
  if (stage !== 'pretrain' || state === 'idle') return null;
  return (
    <Panel id="pretrain-view" title="What the encoder learns">
      {!snapshot ? (
        <Empty>
          After the first epoch: inputs beside their reconstructions (or GAN samples), the error per column, and the
          encoder's outputs in 2-D.
        </Empty>
      ) : (
        <div className="pretrain-view" data-testid="pretrain-view" data-epoch={snapshot.epoch}>
          {snapshot.images && <Pictures images={snapshot.images} epoch={snapshot.epoch} />}
          {snapshot.fills && (
            <MaskedFills
              fills={snapshot.fills}
              epoch={snapshot.epoch}
              perplexity={snapshot.perplexity}
              accuracy={snapshot.maskedAccuracy}
            />
          )}
          <div className="pretrain-row">
            {snapshot.columnErrors && <ColumnErrors errors={snapshot.columnErrors} epoch={snapshot.epoch} />}
            {snapshot.embedding && <Embedding embedding={snapshot.embedding} />}
          </div>
        </div>
      )}
    </Panel>
  );
}

/** A cheap fingerprint of the pictures, so a test (or a person) can tell that they changed. */
function signature(images: Uint8Array[]): string {
  let h = 2166136261;
  for (const img of images) for (let i = 0; i < img.length; i += 7) h = Math.imul(h ^ img[i]!, 16777619);
  return (h >>> 0).toString(16);
}

function Pictures({ images, epoch }: { images: NonNullable<PretrainSnapshot['images']>; epoch: number }) {
  const sig = useMemo(() => signature(images.outputs), [images]);
  const thumb = (pixels: Uint8Array, label: string, key: string) => (
    <ImageThumb
      key={key}
      pixels={pixels}
      width={images.width}
      height={images.height}
      channels={images.channels}
      label={label}
      caption={false}
    />
  );
  return (
    <div
      data-testid="pretrain-images"
      data-kind={images.kind}
      data-epoch={epoch}
      data-signature={sig}
      data-count={images.outputs.length}
    >
      {images.kind !== 'samples' ? (
        <div className="recon-grid">
          <span>{images.kind === 'views' ? 'view 1' : 'input'}</span>
          {images.inputs.map((p, i) => thumb(p, `input ${i + 1}`, `in${i}`))}
          <span>{images.kind === 'views' ? 'view 2' : 'rebuilt'}</span>
          {images.outputs.map((p, i) =>
            thumb(p, `${images.kind === 'views' ? 'view 2 of input' : 'reconstruction'} ${i + 1}`, `out${i}`),
          )}
        </div>
      ) : (
        <>
          <p className="muted small">Generator samples from a fixed noise vector, epoch {epoch}</p>
          <div className="samples-grid">{images.outputs.map((p, i) => thumb(p, `sample ${i + 1}`, `s${i}`))}</div>
        </>
      )}
    </div>
  );
}

/** Held-out texts with masked tokens and the model's fill for each: right ones marked. */
function MaskedFills({
  fills,
  epoch,
  perplexity,
  accuracy,
}: {
  fills: NonNullable<PretrainSnapshot['fills']>;
  epoch: number;
  perplexity?: number;
  accuracy?: number;
}) {
  const all = fills.flatMap((f) => f.masked);
  const right = all.filter((m) => m.guesses[0]?.token === m.original).length;
  const show = (t: string) => t.replace(/^▁/, ' ');
  return (
    <div
      className="mlm-fills"
      data-testid="mlm-fills"
      data-epoch={epoch}
      data-masked={all.length}
      data-correct={right}
      data-perplexity={perplexity}
      data-accuracy={accuracy}
    >
      <p className="muted small">
        Held-out texts, masked tokens filled in by the model (epoch {epoch}): {right} of {all.length} right
        {perplexity !== undefined ? `; held-out perplexity ${fmtNumber(perplexity, 4)}` : ''}
        {accuracy !== undefined && Number.isFinite(accuracy)
          ? `, ${fmtPercent(accuracy)} of all held-out masked tokens right`
          : ''}
        .
      </p>
      <ul>
        {fills.map((f, i) => {
          const at = new Map(f.masked.map((m) => [m.position, m]));
          return (
            <li key={i}>
              {f.tokens.map((t, j) => {
                const m = at.get(j);
                if (!m) return <span key={j}>{show(t)}</span>;
                const best = m.guesses[0];
                const ok = best?.token === m.original;
                return (
                  <mark
                    key={j}
                    data-testid="mlm-fill"
                    data-correct={ok}
                    className={ok ? 'fill-right' : 'fill-wrong'}
                    title={`was "${m.original}"; guesses: ${m.guesses.map((g) => `${g.token} ${fmtPercent(g.probability)}`).join(', ')}`}
                  >
                    {show(best?.token ?? '?')}
                  </mark>
                );
              })}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ColumnErrors({ errors, epoch }: { errors: { column: string; mse: number }[]; epoch: number }) {
  const max = Math.max(...errors.map((e) => e.mse), 1e-9);
  return (
    <table className="errors-table" data-testid="column-errors" data-epoch={epoch}>
      <caption className="muted small">Reconstruction error per column (standardized units), held-out rows</caption>
      <tbody>
        {errors.map((e) => (
          <tr key={e.column} data-column={e.column} data-mse={e.mse}>
            <th scope="row">{e.column}</th>
            <td>{fmtNumber(e.mse, 3)}</td>
            <td>
              <span className="err-bar" style={{ width: `${(e.mse / max) * 80}px` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const Embedding = memo(function Embedding({ embedding }: { embedding: NonNullable<PretrainSnapshot['embedding']> }) {
  const groups = useMemo(() => {
    const byLabel = new Map<number, { x: number; y: number }[]>();
    embedding.x.forEach((x, i) => {
      const label = embedding.labels ? embedding.labels[i]! : -1;
      if (!byLabel.has(label)) byLabel.set(label, []);
      byLabel.get(label)!.push({ x, y: embedding.y[i]! });
    });
    return [...byLabel.entries()].sort((a, b) => a[0] - b[0]);
  }, [embedding]);
  return (
    <figure className="embedding" data-testid="embedding-view" data-points={embedding.x.length} style={{ margin: 0 }}>
      <figcaption className="muted small">
        Encoder outputs, PCA to 2-D ({fmtPercent(embedding.explained[0])} and {fmtPercent(embedding.explained[1])} of
        the variance){embedding.labels ? ', coloured by label' : ''}
      </figcaption>
      <div className="embedding-box">
        <EmbeddingPlot groups={groups} classNames={embedding.classNames} />
      </div>
    </figure>
  );
});
