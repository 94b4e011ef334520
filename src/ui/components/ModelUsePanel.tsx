import { useEffect, useState } from 'react';
import type { CheckpointInfo, ModelCard } from '../../shared/types/models';
import { describeModel } from '../actions';
import { useStudio } from '../store';
import { Empty, Panel } from './Panel';
import { InferencePanel } from './use/InferencePanel';
import { ModelDownloads } from './use/ModelDownloads';
import { ModelFacts } from './use/ModelFacts';
import { ModelImport } from './use/ModelImport';

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
                    ? `${c.config.objective.id} encoder`
                    : 'checkpoint'}{' '}
                · {c.name}
              </option>
            ))}
          </select>
        </label>
        <ModelDownloads source={source} busy={busy} setBusy={setBusy} />
        <ModelImport busy={busy} setBusy={setBusy} onImported={setChosen} />
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
