// The UI's single store. The worker owns tensors and the run; this holds what the UI shows.
// How worker events change it is reducer.ts (pure); this file applies that and holds the alerts.
import { create } from 'zustand';
import type { WorkerEvent } from '../shared/protocol';
import { assertNever } from '../shared/assertNever';
import { DEFAULT_CONFIG, completeConfig, DEFAULT_IMAGE_OPTIONS } from '../shared/defaults';
import type { TrainConfig } from '../shared/types/training';
import type { RunFault } from '../shared/types/faults';
import { emptyRun, reduce, type AlertActionSpec, type StudioData } from './reducer';

export type { RunView, StudioData } from './reducer';

export interface AlertAction {
  label: string;
  perform: () => void;
}

export interface Alert {
  id: number;
  message: string;
  action?: AlertAction;
  /** What went wrong, for styling and tests: a run fault's kind, "worker", … */
  kind?: string;
}

export interface StudioState extends StudioData {
  alerts: Alert[];
  toggleCompare(runKey: string): void;
  /** Set by actions.ts: goes on after a run fault; resumes a checkpoint. */
  onRecover?: (fault: RunFault) => void;
  onResumeCheckpoint?: (checkpointId: string) => void;
  setFieldInvalid(field: string, invalid: boolean): void;
  /** Set by actions.ts: frees storage (the storage-full alert's button). */
  onPrune?: () => void;
  setConfig(patch: Partial<TrainConfig>): void;
  pushAlert(message: string, action?: AlertAction, kind?: string): void;
  dismissAlert(id: number): void;
  /** Applies a worker event: reduce() for the state, then its alerts (bound to the callbacks above). */
  applyEvent(e: WorkerEvent): void;
}

let alertCounter = 0;

// The training settings (backend, optimizer, epochs…) are kept across reloads, in this browser only.
const CONFIG_KEY = 'pretrain-studio:config';

function loadConfig(): TrainConfig {
  try {
    const stored = globalThis.localStorage?.getItem(CONFIG_KEY);
    return stored ? completeConfig(JSON.parse(stored) as Partial<TrainConfig>) : { ...DEFAULT_CONFIG };
  } catch {
    return { ...DEFAULT_CONFIG }; // unreadable or from an incompatible version: start afresh
  }
}

function saveConfig(config: TrainConfig): void {
  try {
    globalThis.localStorage?.setItem(CONFIG_KEY, JSON.stringify(config));
  } catch {
    // storage full or disabled: the settings simply do not survive a reload
  }
}

export const useStudio = create<StudioState>()((set, get) => ({
  workerReady: false,
  datasetLoading: null,
  datasetProgress: null,
  imageOptions: { ...DEFAULT_IMAGE_OPTIONS },
  dataset: null,
  config: loadConfig(),
  run: emptyRun(),
  alerts: [],
  invalidFields: [],
  checkpoints: [],
  interrupted: [],
  currentModel: null,
  memory: null,
  recovering: false,
  startRequested: false,
  runs: [],
  comparedRunKeys: [],
  evaluation: null,
  sweep: null,
  toggleCompare: (runKey) =>
    set((s) => ({
      comparedRunKeys: s.comparedRunKeys.includes(runKey)
        ? s.comparedRunKeys.filter((k) => k !== runKey)
        : [...s.comparedRunKeys, runKey],
    })),

  setFieldInvalid: (field, invalid) =>
    set((s) => {
      const has = s.invalidFields.includes(field);
      if (has === invalid) return s;
      return { invalidFields: invalid ? [...s.invalidFields, field] : s.invalidFields.filter((f) => f !== field) };
    }),
  setConfig: (patch) =>
    set((s) => {
      const config = { ...s.config, ...patch };
      saveConfig(config);
      return { config };
    }),
  pushAlert: (message, action, kind) =>
    set((s) => ({ alerts: [...s.alerts, { id: ++alertCounter, message, action, kind }] })),
  dismissAlert: (id) => set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) })),

  applyEvent: (event) => {
    const before = get();
    const { state, alerts, withdraw } = reduce(before, event);
    if (state === before && !alerts.length && !withdraw.length) return;
    const kept = withdraw.length
      ? before.alerts.filter((a) => !withdraw.some((kind) => kind === a.kind))
      : before.alerts;
    const raised = alerts.map((a): Alert => ({
      id: ++alertCounter,
      message: a.message,
      action: a.action && bindAction(a.action),
      kind: a.kind,
    }));
    set({ ...state, alerts: raised.length ? [...kept, ...raised] : kept });
  },
}));

/** An alert's button: the action reduce() described, run through the callbacks actions.ts sets. */
function bindAction(action: AlertActionSpec): AlertAction {
  const studio = () => useStudio.getState();
  switch (action.type) {
    case 'recover':
      return { label: action.label, perform: () => studio().onRecover?.(action.fault) };
    case 'prune':
      return { label: action.label, perform: () => studio().onPrune?.() };
    case 'resumeCheckpoint':
      return { label: action.label, perform: () => studio().onResumeCheckpoint?.(action.checkpointId) };
    default:
      return assertNever(action);
  }
}
