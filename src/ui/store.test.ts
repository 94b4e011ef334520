import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../shared/defaults';
import type { RunFault } from '../shared/types/faults';
import { emptyRun } from './reducer';
import { useStudio } from './store';

const diverged: RunFault = {
  kind: 'diverged',
  message: 'The loss diverged',
  checkpointId: 'cp-1',
  checkpointEpoch: 1,
  learningRate: 0.0001,
};

function startRun(): void {
  const { applyEvent } = useStudio.getState();
  applyEvent({ type: 'runPhase', runId: 1, state: 'starting' });
  applyEvent({ type: 'runStarted', runId: 1, stage: 'finetune', series: ['loss'], title: 'r', config: DEFAULT_CONFIG });
  applyEvent({ type: 'runPhase', runId: 1, state: 'running' });
}

describe('useStudio.applyEvent', () => {
  beforeEach(() => useStudio.setState({ alerts: [], run: emptyRun(), recovering: false }));

  it("binds an alert's action to the callbacks actions.ts sets", () => {
    const onRecover = vi.fn();
    useStudio.setState({ onRecover });
    startRun();
    useStudio.getState().applyEvent({ type: 'runFault', runId: 1, fault: diverged });
    const [alert] = useStudio.getState().alerts;
    expect(alert?.kind).toBe('diverged');
    expect(alert?.action?.label).toBe('Resume from last good checkpoint with learning rate 0.0001');
    alert!.action!.perform();
    expect(onRecover).toHaveBeenCalledWith(diverged);
  });

  it('a worker crash takes down fault alerts, keeps the others and adds its own', () => {
    startRun();
    useStudio.getState().pushAlert('unrelated');
    useStudio.getState().applyEvent({ type: 'runFault', runId: 1, fault: diverged });
    useStudio.getState().applyEvent({ type: 'failed', id: -1, message: 'crashed' });
    const s = useStudio.getState();
    expect(s.alerts.map((a) => [a.message, a.kind])).toEqual([
      ['unrelated', undefined],
      ['crashed', 'worker'],
    ]);
    expect(s.run.state).toBe('error');
    expect(s.recovering).toBe(true);
    expect(typeof s.applyEvent).toBe('function'); // the functions survive the reducer's state
  });

  it('an event that changes nothing does not notify subscribers', () => {
    const listener = vi.fn();
    const unsubscribe = useStudio.subscribe(listener);
    useStudio.getState().applyEvent({ type: 'ok', id: 1 });
    unsubscribe();
    expect(listener).not.toHaveBeenCalled();
  });
});
