/**
 * When to look at a task: a model of how long export tasks take, learned from the durations seen in
 * this process for one queue key (account and region), and the schedule of status checks it gives.
 * Pure functions, plus the per-process sample store on `globalThis` (like ./queue: the
 * dynamic-provider host deserializes one engine copy per provider string, and all must share it).
 *
 * Why a model: AWS runs one export task per account at a time (CloudWatch Logs quotas,
 * "S3ExportTasks"), so every moment between the end of one task and the next CreateExportTask is
 * lost for the whole account. Polling at a fraction of the time waited (the old rule) notices a
 * 1-hour task up to 12 minutes late; a model of the end notices it within a small part of the
 * observed spread, with a bounded number of calls.
 */
import { Timing } from "./types";

/** What the model expects of the next task's run time, in milliseconds. */
export interface DurationEstimate {
    /** Earliest likely end, measured from the task's creation. */
    readonly lowMs: number;
    /** Latest likely end. */
    readonly highMs: number;
    readonly meanMs: number;
    /** Durations the estimate is built on. */
    readonly samples: number;
}

/** Durations kept per queue key: recent ones, since task lengths drift with the data exported. */
export const MODEL_SAMPLES = 32;

/**
 * The estimate from `samples` (ms): the observed range, widened by the expected gap between the
 * observed and the true extremes of n draws ((max - min) / (n - 1) on each side, for n >= 2). With a
 * single sample the spread is unknown and +-50% around it is assumed (exports of similar ranges
 * vary about that much). `undefined` without samples.
 */
export function estimateDuration(samples: readonly number[]): DurationEstimate | undefined {
    const s = samples.filter(x => Number.isFinite(x) && x >= 0);
    if (s.length === 0) {
        return undefined;
    }
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    if (s.length === 1) {
        return { lowMs: mean * 0.5, highMs: mean * 1.5, meanMs: mean, samples: 1 };
    }
    const min = Math.min(...s);
    const max = Math.max(...s);
    const widen = (max - min) / (s.length - 1);
    return { lowMs: Math.max(0, min - widen), highMs: max + widen, meanMs: mean, samples: s.length };
}

/** Tuning of {@link nextCheckDelay}; part of {@link Timing} through {@link CheckTiming}. */
export interface CheckTiming {
    /**
     * Pause between two checks inside the modelled window, as a fraction of its width
     * (latest - earliest likely end). The slot stays idle half a pause on average after the task
     * ends, so 0.06 costs about 3% of the spread. Defaults to 0.06.
     */
    readonly spreadFraction: number;
    /** Ceiling on checks inside the modelled window: the pause is at least width / this. Defaults to 16. */
    readonly maxChecks: number;
    /**
     * While a task not ours holds the slot and no duration is known yet, pause this fraction of the
     * holder's age (its creationTime in DescribeExportTasks): idle after it ends stays under this
     * fraction of its run time plus one call (a 5 s holder: 0.4 s and the call). Defaults to 0.08.
     */
    readonly holderFraction: number;
    /**
     * Shortest pause of a check the model schedules. Inside the window the number of checks is
     * already bounded by `maxChecks`, so the floor of polls without a model (`pollMinMs`) does not
     * apply there: the schedule scales with the task's length, whatever it is. This only keeps a
     * degenerate estimate (tasks that take no time) from spinning. Defaults to 5.
     */
    readonly checkMinMs: number;
    /**
     * Narrowest modelled window, as a fraction of the mean: with durations that barely vary
     * (width near 0), the window still extends this far past the earliest likely end, so a task
     * a little late is checked at short pauses and not at the fallback's (20% of the time waited).
     * Defaults to 0.04.
     */
    readonly minWidthFraction: number;
}

export const DEFAULT_CHECK_TIMING: CheckTiming = { spreadFraction: 0.06, maxChecks: 16, holderFraction: 0.08, checkMinMs: 5, minWidthFraction: 0.04 };

/**
 * The window in which the model looks for a task's end, as {@link nextCheckDelay} schedules it: from
 * the earliest likely end to the latest, at least `minWidthFraction` of the mean wide (durations that
 * barely vary give a window of width near 0). Checks inside it are the short, bounded ones.
 */
export function checkWindow(estimate: DurationEstimate, t: Partial<CheckTiming> = {}): { readonly lowMs: number; readonly highMs: number } {
    const minWidth = t.minWidthFraction ?? DEFAULT_CHECK_TIMING.minWidthFraction;
    return { lowMs: estimate.lowMs, highMs: Math.max(estimate.highMs, estimate.lowMs + estimate.meanMs * minWidth) };
}

/**
 * Pause before the next status check of a task that has run `elapsedMs` (since its creation),
 * given the model's estimate: up to one step into the window (at the earliest likely end itself when
 * durations do not vary), then short pauses proportional to the spread (at most `maxChecks` of them
 * across the window, at least `checkMinMs`), past the latest likely end (the model was wrong) pauses
 * that grow from the window's step with the overrun; beyond twice the mean, or without a model, the
 * fallback: `fallbackFraction` of the time waited, between `pollMinMs` and `pollMaxMs`. Deterministic
 * (no jitter): the queue is in-process and its one waiter per key does not need spreading out.
 */
export function nextCheckDelay(elapsedMs: number, estimate: DurationEstimate | undefined, t: Timing & Partial<CheckTiming>, fallbackFraction = t.pollFraction): number {
    const c = { ...DEFAULT_CHECK_TIMING, ...stripUndefined(t) };
    const clamp = (ms: number): number => Math.round(Math.min(t.pollMaxMs, Math.max(t.pollMinMs, ms)));
    if (estimate !== undefined) {
        const floor = Math.max(0, c.checkMinMs);
        const { highMs } = checkWindow(estimate, c);
        const width = highMs - estimate.lowMs;
        // Not capped by pollMaxMs: the step is already bounded by the window (maxChecks of them).
        const step = Math.max(width * c.spreadFraction, width / Math.max(1, c.maxChecks));
        if (elapsedMs < estimate.lowMs) {
            // Waiting for the earliest likely end itself is not bounded by pollMaxMs: nothing is missed.
            // Durations that vary: a task done at the earliest likely end would have beaten every
            // duration seen (the estimate is widened past them), so a check then would almost never
            // see it done; the first check is one step into the window, where each check sees the
            // tasks that ended in the step before it: one call fewer per task, and only such a rare
            // fast task waits longer (in the +-50% simulation, 1.2 calls fewer for 0.25% more idle).
            // Durations that do not vary (the window widened to its narrowest): tasks end right at
            // it, look then.
            const narrow = estimate.highMs < highMs;
            return Math.max(floor, Math.round(estimate.lowMs - elapsedMs + (narrow ? 0 : step)));
        }
        if (elapsedMs < highMs) {
            return Math.round(Math.max(floor, Math.min(step, highMs - elapsedMs + step / 2)));
        }
        // Past the window the model was wrong, most often by a little (a window from few samples is
        // narrow): pauses start at the window's step and grow with the overrun (`fallbackFraction` of
        // it), so a task a little late is seen a step late. A task running more than twice the mean
        // is not what the model knows: the fallback below, as without a model.
        if (elapsedMs - highMs <= estimate.meanMs) {
            const windowStep = width / Math.max(1, c.maxChecks);
            return Math.round(Math.min(t.pollMaxMs, Math.max(floor, windowStep, (elapsedMs - highMs) * fallbackFraction)));
        }
    }
    return clamp(elapsedMs * fallbackFraction);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A task's run time from what was seen: AWS's creationTime and completionTime when both are listed,
 * else the middle of the last check that saw it active and the first that saw it finished, from
 * when it was created (local clock). `undefined` when neither is known.
 */
export function observedDuration(
    aws: { creationTime?: number; completionTime?: number },
    local: { createdAt?: number; lastActiveAt?: number; firstDoneAt?: number },
): number | undefined {
    if (aws.creationTime !== undefined && aws.completionTime !== undefined && aws.completionTime >= aws.creationTime) {
        return aws.completionTime - aws.creationTime;
    }
    if (local.createdAt === undefined || local.firstDoneAt === undefined) {
        return undefined;
    }
    const end = local.lastActiveAt === undefined ? local.firstDoneAt : (local.lastActiveAt + local.firstDoneAt) / 2;
    return Math.max(0, end - local.createdAt);
}

/** Durations taken from the account's history when this process has seen none: a few recent ones. */
export const HISTORY_SAMPLES = 8;

/**
 * The run times (completionTime - creationTime, as AWS lists them) of the `n` most recently created
 * of `tasks` that list both, oldest first: what the account's earlier exports took, for a model that
 * has no sample of its own yet (the first task of a process).
 */
export function historyDurations(tasks: Iterable<{ creationTime?: number; completionTime?: number }>, n = HISTORY_SAMPLES): number[] {
    const timed: { at: number; d: number }[] = [];
    for (const t of tasks) {
        if (t.creationTime !== undefined && t.completionTime !== undefined && t.completionTime >= t.creationTime) {
            timed.push({ at: t.creationTime, d: t.completionTime - t.creationTime });
        }
    }
    return timed.sort((a, b) => a.at - b.at).slice(-n).map(x => x.d);
}

// A string, not a Symbol: Pulumi's closure serializer cannot serialize a captured Symbol.
const MODELS_KEY = "__cwlogsExportEngineDurations";

function models(): Map<string, number[]> {
    const g = globalThis as unknown as Record<string, Map<string, number[]> | undefined>;
    let m = g[MODELS_KEY];
    if (m === undefined) {
        m = new Map();
        g[MODELS_KEY] = m;
    }
    return m;
}

/** Adds a task duration seen for `key` (account and region) in this process. */
export function recordDuration(key: string, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) {
        return;
    }
    const m = models();
    const s = m.get(key) ?? [];
    s.push(durationMs);
    if (s.length > MODEL_SAMPLES) {
        s.splice(0, s.length - MODEL_SAMPLES);
    }
    m.set(key, s);
}

/** The durations seen for `key` in this process, oldest first. */
export function durationSamples(key: string): readonly number[] {
    return models().get(key) ?? [];
}

/** Forgets the durations of `key`, or of every key (for tests and benchmarks). */
export function forgetDurations(key?: string): void {
    if (key === undefined) {
        models().clear();
    } else {
        models().delete(key);
    }
}
