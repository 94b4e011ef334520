// What stops a run and how it can go on.

/**
 * Something that stopped a run: a diverging loss (the run is paused), a lost GPU device or an
 * out-of-memory error (the run stops), or a model/batch too big for the backend (refused).
 */
export interface RunFault {
  kind: 'diverged' | 'device-lost' | 'out-of-memory' | 'too-big';
  message: string;
  /** The last good checkpoint of the run to resume from (fine-tuning), or null. */
  checkpointId: string | null;
  checkpointEpoch: number | null;
  /** Diverged: the learning rate a recovery uses (the run's divided by 10). */
  learningRate?: number;
}
