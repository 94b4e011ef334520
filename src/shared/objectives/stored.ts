// Objective settings as stored by this and earlier versions. Before objectives were modules, a run
// stored the objective's id and every objective's fields on itself (`noise`, `latentSize`,
// `temperature`); those are read into the objective's own settings here, and only here.
import {
  OBJECTIVES,
  choiceOf,
  isObjective,
  objectiveSettings,
  type ObjectiveChoice,
  type ObjectiveSettings,
  type PretrainObjective,
} from '.';
import { fieldList, resolveFields } from '../fields';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields earlier versions kept on every run, as the choices of the objectives they belong to. */
function flatFields(stored: Record<string, unknown>): ObjectiveChoice {
  const out: Record<string, Record<string, unknown>> = {};
  const put = (id: keyof typeof OBJECTIVES, key: string, value: unknown) => {
    if (value !== undefined) out[id] = { ...out[id], [key]: value };
  };
  const noise = isRecord(stored.noise) ? stored.noise : {};
  put('denoising', 'noise', noise.kind);
  put('denoising', 'noiseLevel', noise.level);
  put('gan', 'latentSize', stored.latentSize);
  put('contrastive', 'temperature', stored.temperature);
  return out as ObjectiveChoice;
}

/** The user's stored objective choice: this version's, or an earlier one's id and flat fields. */
export function storedChoice(shared: Record<string, unknown>): ObjectiveChoice | undefined {
  const o = shared.objective;
  const flat = flatFields(shared);
  const own = isRecord(o) ? (o as ObjectiveChoice) : typeof o === 'string' ? ({ id: o } as ObjectiveChoice) : {};
  const choice = { ...flat, ...own };
  return Object.keys(choice).length ? choice : undefined;
}

/**
 * A stored run's objective settings, completed with its defaults. An id this version does not
 * know is kept as it is, so that resuming the run is refused by name.
 */
export function storedSettings(config: Record<string, unknown>): ObjectiveSettings | undefined {
  const o = config.objective;
  const id = isRecord(o) ? o.id : o;
  if (id === undefined) return undefined;
  if (!isObjective(id)) return { id } as unknown as ObjectiveSettings;
  const own = isRecord(o) ? choiceOf(o as ObjectiveSettings) : { [id]: flatFields(config)[id] };
  return objectiveSettings(id, own as ObjectiveChoice);
}

/**
 * An earlier version's whole config as the user's choice: only the objective and the fields that
 * differ from the defaults (the rest were never chosen). Undefined when nothing differs.
 */
export function changedChoice(
  config: Record<string, unknown>,
  defaultId: PretrainObjective,
): ObjectiveChoice | undefined {
  const choice = storedChoice(config) ?? {};
  const out: Record<string, unknown> = {};
  if (choice.id !== undefined && choice.id !== defaultId) out.id = choice.id;
  for (const id of Object.keys(OBJECTIVES) as PretrainObjective[]) {
    const stored = (choice[id] ?? {}) as Record<string, unknown>;
    // A field's default may follow the fields before it (the noise level follows its kind).
    const before: Record<string, unknown> = {};
    const own: [string, unknown][] = [];
    for (const [key] of fieldList(OBJECTIVES[id].fields)) {
      const usual = resolveFields(OBJECTIVES[id].fields, before)[key];
      if (stored[key] !== undefined && stored[key] !== usual) own.push([key, stored[key]]);
      if (stored[key] !== undefined) before[key] = stored[key];
    }
    if (own.length) out[id] = Object.fromEntries(own);
  }
  return Object.keys(out).length ? (out as ObjectiveChoice) : undefined;
}
