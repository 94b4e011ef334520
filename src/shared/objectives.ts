// What the page and the settings know of each pretraining objective (no tfjs here: the UI reads
// it). The engine's side of an objective is its module in engine/pretrain/objectives; the model
// panel's description of what it trains is in modelSpec.ts.
import type { PretrainObjective } from './types/training';

export interface ObjectiveInfo {
  /** The objective list's label. */
  label: string;
  /** Text pretrains by this objective (and only text); other data by the others. */
  readsText: boolean;
  /** Optimizer steps it takes by default (its epochs follow from the rows and the batch). */
  steps: number;
}

export const OBJECTIVES: Record<PretrainObjective, ObjectiveInfo> = {
  autoencoder: { label: 'Autoencoder (reconstruction, MSE)', readsText: false, steps: 1000 },
  denoising: { label: 'Denoising autoencoder', readsText: false, steps: 1000 },
  gan: { label: 'GAN (discriminator becomes the encoder)', readsText: false, steps: 1000 },
  // Contrastive learning goes on improving its features for longer.
  contrastive: { label: 'Contrastive (SimCLR: two augmented views agree)', readsText: false, steps: 1500 },
  mlm: { label: 'Masked language model (BERT: predict 15% hidden tokens)', readsText: true, steps: 1000 },
};

/** The objectives for text, or for other data, in the list's order. */
export function objectivesFor(text: boolean): PretrainObjective[] {
  return (Object.keys(OBJECTIVES) as PretrainObjective[]).filter((o) => OBJECTIVES[o].readsText === text);
}
