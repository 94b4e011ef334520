// What a run's state means for the rest of the studio.
import type { RunState } from './types/results';

/**
 * A run is under way: starting, training or paused. While it is, the data, the model and the
 * training settings stay as they are, and no other run (or evaluation) starts.
 */
export function isRunActive(state: RunState): boolean {
  return state === 'starting' || state === 'running' || state === 'paused';
}
