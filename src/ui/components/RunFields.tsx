import { useStudio } from '../store';
import { learningRateHint } from './FinetuneSettings';
import { NumberField } from './NumberField';

/** What both stages set: epochs, batch size, learning rate, seed, and how checkpoints are kept. */
export function RunFields() {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <div className="grid-2">
      <NumberField
        testId="epochs"
        label="Epochs"
        value={config.epochs}
        min={1}
        max={1000}
        integer
        onChange={(epochs) => setConfig({ epochs })}
      />
      <NumberField
        testId="batch-size"
        label="Batch size"
        value={config.batchSize}
        min={1}
        max={4096}
        integer
        onChange={(batchSize) => setConfig({ batchSize })}
      />
      <NumberField
        testId="learning-rate"
        label="Learning rate"
        value={config.learningRate}
        min={1e-7}
        max={10_000}
        hint={learningRateHint(config)}
        onChange={(learningRate) => setConfig({ learningRate })}
      />
      <NumberField
        testId="seed"
        label="Seed"
        value={config.seed}
        min={0}
        max={2 ** 31 - 1}
        integer
        hint="Same seed, same start."
        onChange={(seed) => setConfig({ seed })}
      />
      <NumberField
        testId="checkpoint-every"
        label="Checkpoint every (epochs)"
        value={config.checkpointEvery}
        min={1}
        max={1000}
        integer
        hint="And after the last epoch."
        onChange={(checkpointEvery) => setConfig({ checkpointEvery })}
      />
      <NumberField
        testId="keep-last"
        label="Keep latest"
        value={config.keepLast}
        min={1}
        max={100}
        integer
        hint="Plus the best and the final one."
        onChange={(keepLast) => setConfig({ keepLast })}
      />
    </div>
  );
}
