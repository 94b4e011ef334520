// The UI's single store. The worker owns tensors and the run; this holds what the UI shows.
// How worker events change it is reducer.ts (pure); this file applies that and holds the alerts.
import { create } from 'zustand';
import type { WorkerEvent } from '../shared/protocol';
import { assertNever } from '../shared/assertNever';
import { DEFAULT_IMAGE_OPTIONS } from '../shared/defaults';
import { choose, readSettings, resetStage } from '../shared/settings/choices';
import { resolveConfig } from '../shared/settings/resolve';
import type { ConfigPatch, StudioSettings } from '../shared/settings/types';
import type { Stage } from '../shared/types/training';
import type { RunFault } from '../shared/types/faults';
import { emptyRun, reduce, withResolvedConfig, type AlertActionSpec, type StudioData } from './reducer';

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
  /**
   * The user changed settings (a stage's own ones go to `stage`, by default the one shown): they
   * are kept as choices, which the defaults never overwrite.
   */
  setConfig(patch: ConfigPatch, stage?: Stage): void;
  /** Forgets the user's changes to what the shown stage uses: its defaults apply again. */
  resetStageSettings(): void;
  pushAlert(message: string, action?: AlertAction, kind?: string): void;
  dismissAlert(id: number): void;
  /** Applies a worker event: reduce() for the state, then its alerts (bound to the callbacks above). */
  applyEvent(e: WorkerEvent): void;
}

let alertCounter = 0;

// The training settings (the user's choices per stage) are kept across reloads, in this browser only.
const SETTINGS_KEY = 'pretrain-studio:settings';
/** Where versions before per-stage settings kept one config for both stages (read once, migrated). */
const LEGACY_CONFIG_KEY = 'pretrain-studio:config';

function loadSettings(): StudioSettings {
  const read = (key: string): unknown => {
    try {
      const stored = globalThis.localStorage?.getItem(key);
      return stored ? JSON.parse(stored) : null;
    } catch {
      return null; // unreadable: start afresh
    }
  };
  return readSettings(read(SETTINGS_KEY), read(LEGACY_CONFIG_KEY));
}

function saveSettings(settings: StudioSettings): void {
  try {
    globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch {
    // storage full or disabled: the settings simply do not survive a reload
  }
}

const initialSettings = loadSettings();

export const useStudio = create<StudioState>()((set, get) => ({
  workerReady: false,
  datasetLoading: null,
  datasetProgress: null,
  imageOptions: { ...DEFAULT_IMAGE_OPTIONS },
  dataset: null,
  settings: initialSettings,
  config: resolveConfig(initialSettings, { dataset: null, checkpoints: [] }),
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
  lrFinders: {},
  importanceProgress: null,
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
  setConfig: (patch, stage) =>
    set((s) => {
      const settings = choose(s.settings, patch, stage);
      saveSettings(settings);
      return withResolvedConfig(s, { ...s, settings });
    }),
  resetStageSettings: () =>
    set((s) => {
      const settings = resetStage(s.settings, s.settings.stage);
      saveSettings(settings);
      return withResolvedConfig(s, { ...s, settings });
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
