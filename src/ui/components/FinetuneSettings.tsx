import { METHODS } from '../../shared/methods';
import { OBJECTIVES } from '../../shared/objectives';
import { USUAL_LR } from '../../shared/settings/resolve';
import type { TrainConfig } from '../../shared/types/training';
import { EarlyStoppingFields } from './finetune/EarlyStoppingFields';
import { FreezeFields } from './finetune/FreezeFields';
import { HeadFields } from './finetune/HeadFields';
import { LabelFields } from './finetune/LabelFields';
import { MethodFields } from './finetune/MethodFields';
import { OptimizerFields } from './finetune/OptimizerFields';
import { StartFrom } from './finetune/StartFrom';

/**
 * Fine-tuning's settings, one component a fieldset: the method, the start point, the label budget,
 * the head, the optimizer and schedule, freezing, early stopping.
 */
export function FinetuneSettings({ locked }: { locked: boolean }) {
  return (
    <div className="stage-settings" role="tabpanel" aria-label="Fine-tuning">
      <MethodFields locked={locked} />
      <StartFrom locked={locked} />
      <LabelFields locked={locked} />
      <HeadFields locked={locked} />
      <OptimizerFields locked={locked} />
      <FreezeFields locked={locked} />
      <EarlyStoppingFields locked={locked} />
    </div>
  );
}

/** The learning-rate hint under the field, by optimizer. */
export function learningRateHint(c: TrainConfig): string {
  if (c.stage === 'pretrain') return OBJECTIVES[c.objective.id].rateHint ?? 'Adam; 0.001 is the usual start.';
  const name = c.optimizer.kind === 'adam' ? 'Adam' : c.optimizer.kind === 'momentum' ? 'SGD with momentum' : 'SGD';
  // A method with its own optimizer and rate (semi-supervised: FixMatch's) says so.
  const own = METHODS[c.method.id].usual;
  if (own?.learningRate !== undefined && own.optimizer === c.optimizer.kind)
    return `${name}; ${own.learningRate} is the usual start for this method.`;
  return `${name}; ${USUAL_LR[c.optimizer.kind]} is the usual start.`;
}
