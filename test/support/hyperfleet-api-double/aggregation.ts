import { adapterConditionType, type StoredResourceCondition, type StoredStatus } from './model.ts';

/**
 * The resource conditions the API derives from its required adapters' statuses:
 * `Reconciled`, `LastKnownReconciled`, then `<Adapter>Successful` for each required adapter
 * that has reported. Deterministic: the reference time is the resource's updated_time, not
 * the wall clock. Rules as in hyperfleet-api v0.3 (re-derived, not copied).
 */
export interface AggregationInput {
  generation: number;
  /** updated_time (or created_time) of the resource. */
  refTime: number;
  deleting: boolean;
  /** Only consulted while deleting: active children keep Reconciled False. */
  hasActiveChildren: boolean;
  required: readonly string[];
  statuses: Iterable<StoredStatus>;
  previous: readonly StoredResourceCondition[];
}

/** One required adapter's usable report: Available True or False at a generation not ahead of the resource. */
interface Snapshot {
  observedGeneration: number;
  observedTime: number;
  available: boolean;
  finalized: boolean;
  reason?: string;
  message?: string;
}

export function aggregateConditions(input: AggregationInput): StoredResourceCondition[] {
  const prevReconciled = input.previous.find((c) => c.type === 'Reconciled');
  const prevLkr = input.previous.find((c) => c.type === 'LastKnownReconciled');
  const snaps = snapshots(input);
  return [
    reconciled(input, snaps, prevReconciled),
    lastKnownReconciled(input, snaps, prevLkr),
    ...adapterConditions(input, snaps),
  ];
}

function snapshots(input: AggregationInput): Map<string, Snapshot> {
  const required = new Set(input.required);
  const out = new Map<string, Snapshot>();
  for (const s of input.statuses) {
    if (!required.has(s.adapter) || s.observedGeneration > input.generation) continue;
    const avail = s.conditions.find((c) => c.type === 'Available');
    if (!avail || avail.status === 'Unknown') continue;
    const finalized = s.conditions.find((c) => c.type === 'Finalized');
    out.set(s.adapter, {
      observedGeneration: s.observedGeneration,
      observedTime: s.lastReportTime,
      available: avail.status === 'True',
      finalized: finalized?.status === 'True',
      ...(avail.reason === undefined ? {} : { reason: avail.reason }),
      ...(avail.message === undefined ? {} : { message: avail.message }),
    });
  }
  return out;
}

function reconciled(
  input: AggregationInput,
  snaps: Map<string, Snapshot>,
  prev: StoredResourceCondition | undefined,
): StoredResourceCondition {
  const gen = input.generation;
  const met = (s: Snapshot | undefined) =>
    s !== undefined && s.observedGeneration === gen && (input.deleting ? s.finalized : s.available);
  const allMet = input.required.length > 0 && input.required.every((a) => met(snaps.get(a)));
  const ok = allMet && !(input.deleting && input.hasActiveChildren);
  const signal = input.deleting ? 'Finalized=True' : 'Available=True';

  let reason: string;
  let message: string;
  if (ok) {
    reason = 'ReconciledAll';
    message = 'All required adapters reported Available=True or Finalized=True at the current generation';
  } else if (input.deleting && allMet) {
    reason = 'ReconciledWaitingForChildren';
    message =
      'Deletion in progress: all required adapters reported Finalized=True but child resources remain';
  } else {
    reason = 'ReconciledMissingAdapters';
    const missing = input.required.filter((a) => !met(snaps.get(a))).sort();
    const reporting = input.required.filter((a) => snaps.has(a)).sort();
    message = `Required adapters not reporting ${signal}: [${missing.join(', ')}]. Currently reporting: [${reporting.join(', ')}]`;
  }

  const atGen = input.required.flatMap((a) => {
    const s = snaps.get(a);
    return s !== undefined && s.observedGeneration === gen ? [s.observedTime] : [];
  });
  const lastUpdated = atGen.length > 0 ? Math.min(...atGen) : input.refTime;
  const status = ok ? 'True' : 'False';
  let lastTransition: number;
  if (!prev) lastTransition = lastUpdated;
  else if (prev.status === status) lastTransition = prev.lastTransitionTime;
  else if (prev.status === 'True' && gen > prev.observedGeneration) lastTransition = input.refTime;
  else lastTransition = lastUpdated;

  return {
    type: 'Reconciled',
    status,
    reason,
    message,
    observedGeneration: gen,
    createdTime: prev?.createdTime ?? input.refTime,
    lastUpdatedTime: lastUpdated,
    lastTransitionTime: lastTransition,
  };
}

/**
 * Sticky "was it ever fully reconciled at some generation": True once every required adapter
 * reported Available=True at one generation, and it stays True while failures land only on
 * other generations than the one it tracks.
 */
function lastKnownReconciled(
  input: AggregationInput,
  snaps: Map<string, Snapshot>,
  prev: StoredResourceCondition | undefined,
): StoredResourceCondition {
  const req = input.required;
  const missing = req.length === 0 || req.some((a) => !snaps.has(a));
  const reported = req.flatMap((a) => {
    const s = snaps.get(a);
    return s ? [s] : [];
  });
  const allTrue = !missing && reported.every((s) => s.available);
  const gens = new Set(reported.map((s) => s.observedGeneration));
  const mixed = allTrue && gens.size > 1;
  const prevTrue = prev?.status === 'True';

  let ok: boolean;
  if (missing) ok = false;
  else if (allTrue) ok = !mixed || prevTrue;
  else
    ok = prevTrue && !reported.some((s) => !s.available && s.observedGeneration === prev?.observedGeneration);

  let observedGeneration: number;
  if (req.length === 0) observedGeneration = 1;
  else if (ok)
    observedGeneration =
      allTrue && !mixed ? (reported[0]?.observedGeneration ?? 1) : (prev?.observedGeneration ?? 1);
  else {
    const maxGen = Math.max(0, ...reported.map((s) => s.observedGeneration));
    observedGeneration = maxGen > 0 ? maxGen : (prev?.observedGeneration ?? 1);
  }

  let lastUpdated = prev?.lastUpdatedTime ?? input.refTime;
  if (req.length === 0) lastUpdated = input.refTime;
  else if (allTrue && !mixed) lastUpdated = Math.min(...reported.map((s) => s.observedTime));
  else if (!ok) {
    const atGen = reported.filter((s) => s.observedGeneration === observedGeneration);
    if (atGen.some((s) => !s.available)) lastUpdated = Math.min(...atGen.map((s) => s.observedTime));
  }

  const status = ok ? 'True' : 'False';
  let reason: string;
  let message: string;
  if (ok) {
    reason = 'AllAdaptersReconciled';
    message = 'All required adapters report Available=True for the tracked generation';
  } else if (missing) {
    reason = 'AdaptersMissingReports';
    message = 'Required adapters have not yet reported status';
  } else if (reported.some((s) => !s.available)) {
    reason = 'AdapterReportedNotAvailable';
    message = 'One or more required adapters report Available=False';
  } else {
    reason = 'AdaptersNotAtSameGeneration';
    message = 'Required adapters do not report a consistent Available state';
  }

  return {
    type: 'LastKnownReconciled',
    status,
    reason,
    message,
    observedGeneration,
    createdTime: prev?.createdTime ?? input.refTime,
    lastUpdatedTime: lastUpdated,
    lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : lastUpdated,
  };
}

function adapterConditions(input: AggregationInput, snaps: Map<string, Snapshot>): StoredResourceCondition[] {
  return input.required.flatMap((adapter) => {
    const s = snaps.get(adapter);
    if (!s) return [];
    const type = adapterConditionType(adapter);
    const prev = input.previous.find((c) => c.type === type);
    const status = s.available ? 'True' : 'False';
    return [
      {
        type,
        status,
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        ...(s.message === undefined ? {} : { message: s.message }),
        observedGeneration: s.observedGeneration,
        createdTime: prev?.createdTime ?? input.refTime,
        lastUpdatedTime: s.observedTime,
        lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : s.observedTime,
      },
    ];
  });
}
