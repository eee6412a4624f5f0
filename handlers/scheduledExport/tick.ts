/**
 * One tick of the continuous export: take the lease, find the selected groups and their progress,
 * export due windows (most lagging group first) through the export engine until the time budget
 * runs out, and report lag and failures as CloudWatch embedded metrics.
 */
import {
    DEFAULT_QUEUE_KEY, durationSamples, EngineOptions, ExportApi, ExportRequest, ExportTaskInfo, isExportError, listExportTasks, MODEL_SAMPLES, pickAdoptable,
    recordDuration, runExport, waitForTask,
} from "../../dynamic-providers/engine";
import { DEFAULT_NAMESPACE, METRIC_DIMENSIONS, METRIC_NAMES, ScheduleConfig } from "./config";
import { LogGroupInfo } from "./logGroups";
import { GroupState, StateStore } from "./state";
import {
    Calendar, DEFAULT_LAG_MS, DEFAULT_WINDOW_MS, destinationPrefixOf, dueCount, dueWindows, firstWindowStart, lagOf, MINUTE_MS, taskNameOf,
    Window, windowStartOf,
} from "./windows";

export interface TickDeps {
    readonly config: ScheduleConfig;
    readonly store: StateStore;
    readonly api: ExportApi;
    readonly listGroups: () => Promise<LogGroupInfo[]>;
    /** The schedule's clock (which windows are due); `Date.now` in Lambda, controllable in tests. */
    readonly now: () => number;
    /** Milliseconds this invocation may still run (Lambda's `getRemainingTimeInMillis`). */
    readonly remainingMs: () => number;
    /** Identifies this invocation in the lease. */
    readonly owner: string;
    /** Where metric and report lines go; `console.log` in Lambda (its log group feeds CloudWatch metrics). */
    readonly log?: (line: string) => void;
    /** Engine options for tests (timing, sleep). */
    readonly engine?: Partial<Pick<EngineOptions, "timing" | "sleep" | "random">>;
    /** Time kept back from the budget to write state and metrics before Lambda stops the function. Defaults to 20 s. */
    readonly reserveMs?: number;
}

export interface WindowOutcome {
    readonly logGroupName: string;
    readonly start: number;
    readonly end: number;
    readonly taskId?: string;
    readonly adopted?: boolean;
    readonly error?: string;
}

export interface GroupReport {
    readonly logGroupName: string;
    /** Start of the first window not exported yet. */
    readonly next: number;
    readonly lagMs: number;
    readonly due: number;
    readonly failures: number;
    readonly lastError?: string;
}

export interface TickReport {
    /** False when another invocation held the lease: this one did nothing. */
    readonly lease: boolean;
    readonly exported: WindowOutcome[];
    readonly failed: WindowOutcome[];
    /** Groups whose CreateExportTask said the group no longer exists (deleted after listing). */
    readonly vanished: string[];
    readonly groups: GroupReport[];
    /** Why the tick stopped with windows still due. */
    readonly stoppedBy?: "budget";
}

/** Retry pause after the `failures`-th consecutive failure of a window: 5 min doubling to 6 h. */
export function retryDelayMs(failures: number): number {
    return Math.min(6 * 60 * MINUTE_MS, 5 * MINUTE_MS * 2 ** Math.max(0, failures - 1));
}

export interface Progress {
    next: number;
    state?: GroupState;
    failures: number;
    retryAfter?: number;
    lastError?: string;
}

function calendarOf(c: ScheduleConfig): Calendar {
    return { windowMs: c.windowMs ?? DEFAULT_WINDOW_MS, lagMs: c.lagMs ?? DEFAULT_LAG_MS };
}

/** Runs one tick. Throws only when the state store or the listing fails (the next tick retries). */
export async function tick(d: TickDeps): Promise<TickReport> {
    const log = d.log ?? (line => console.log(line));
    const cal = calendarOf(d.config);
    const deadline = Date.now() + d.remainingMs() - (d.reserveMs ?? 20_000);
    const report = { lease: false, exported: [] as WindowOutcome[], failed: [] as WindowOutcome[], vanished: [] as string[], groups: [] as GroupReport[] } as
        { -readonly [K in keyof TickReport]: TickReport[K] };
    // The lease outlives this invocation's budget, so no second invocation starts while it works.
    if (!await d.store.acquireLease(d.owner, Date.now(), d.remainingMs() + 60_000)) {
        log(JSON.stringify({ message: "another invocation holds the lease; nothing to do" }));
        return report;
    }
    report.lease = true;
    const writes = new Writes();
    let flushDone = (): void => undefined;
    try {
        const start = d.config.start ?? await d.store.start(windowStartOf(d.now(), cal.windowMs));
        const [groups, states] = await Promise.all([d.listGroups(), d.store.loadGroups()]);
        const progress = new Map<string, Progress>();
        for (const g of groups) {
            const state = states.get(g.logGroupName);
            progress.set(g.logGroupName, {
                next: state?.next ?? firstWindowStart(start, g.creationTime, cal.windowMs),
                state, failures: state?.failures ?? 0, retryAfter: state?.retryAfter, lastError: state?.lastError,
            });
        }
        const skip = new Set<string>();
        // Run times recorded by earlier ticks: the first poll of this tick's first task comes on time too.
        const learned: number[] = [...states.values()].flatMap(g => g.lastDurationMs === undefined ? [] : [g.lastDurationMs]);
        // The engine's model decides when to look (see exportWindow); a cold function (a new
        // container) has none yet: the run times stored with "done" stand for it, as the account's
        // recent exports do for the CLI and the provider.
        if (durationSamples(MODEL_KEY).length === 0) {
            for (const ms of learned.slice(-MODEL_SAMPLES)) {
                recordDuration(MODEL_KEY, ms);
            }
        }
        let ahead: Prepared | undefined;
        // "Done" of the last window, written once the next CreateExportTask has been answered: the
        // create, which holds the slot, does not share the state store's (or moto's) time with it.
        let deferredDone: { group: string; write: () => void } | undefined;
        flushDone = (): void => {
            deferredDone?.write();
            deferredDone = undefined;
        };
        for (;;) {
            writes.throwIfFailed();
            const now = d.now();
            const pick = nextWindow(progress, skip, now, cal);
            if (pick === undefined) {
                break;
            }
            if (deferredDone?.group === pick.name) {
                // Its next window's claim must land after this "done", which removes the previous claim.
                flushDone();
            }
            if (Date.now() >= deadline) {
                report.stoppedBy = "budget";
                break;
            }
            const prepared = ahead !== undefined && ahead.name === pick.name && ahead.w.start === pick.w.start ? ahead : prepare(d, pick.name, pick.p, pick.w, deadline, writes);
            ahead = undefined;
            // While this window's task holds the account's slot, the next window is claimed (and looked up
            // if a crashed run may have exported it), so the slot is not idle waiting on the state store.
            const onStarted = (): void => {
                flushDone();
                const following = nextWindow(progress, skip, now, cal, { name: pick.name, next: pick.w.end });
                if (following !== undefined && following.name !== pick.name) {
                    ahead = prepare(d, following.name, following.p, following.w, deadline, writes);
                }
            };
            const outcome = await exportWindow(d, prepared, pick.p, deadline, learned, writes, onStarted);
            if (outcome === "stop") {
                report.stoppedBy = "budget";
                break;
            }
            if (outcome === "vanished") {
                report.vanished.push(pick.name);
                skip.add(pick.name);
            } else if ("failed" in outcome) {
                report.failed.push(outcome.failed);
                skip.add(pick.name);
            } else {
                report.exported.push(outcome.window);
                deferredDone = { group: pick.name, write: outcome.done };
            }
        }
        flushDone();
        await writes.settle();
        const now = d.now();
        for (const [name, p] of progress) {
            const g: GroupReport = {
                logGroupName: name, next: p.next, lagMs: lagOf(p.next, now), due: dueCount(p.next, now, cal), failures: p.failures,
                lastError: p.lastError,
            };
            report.groups.push(g);
            log(JSON.stringify(metricLine(d.config.metricsNamespace ?? DEFAULT_NAMESPACE, d.config.tableName, now, g,
                report.exported.filter(x => x.logGroupName === name).length)));
        }
        return report;
    } finally {
        flushDone();
        await writes.settle().catch(() => undefined);
        await d.store.releaseLease(d.owner);
    }
}

/**
 * State writes that run beside the exports (the task id, "done", "failed"): a failure surfaces at the
 * next window and fails the tick, as an awaited write would, without the slot waiting on each write.
 */
class Writes {
    private readonly all: Promise<unknown>[] = [];
    private readonly tails = new Map<string, Promise<unknown>>();
    private failure: { error: unknown } | undefined;

    track<T>(p: Promise<T>): Promise<T> {
        this.all.push(p.catch(e => { this.failure ??= { error: e }; }));
        return p;
    }

    /**
     * Runs `write` after the earlier writes of the same group, in order (a claim must not land
     * before the previous window's "done", which removes the claim), and not at all after one of
     * them failed: as after a crash, the next tick adopts from what was stored.
     */
    chain<T>(group: string, write: () => Promise<T>): Promise<T> {
        const p = (this.tails.get(group) ?? Promise.resolve()).then(write);
        this.tails.set(group, p);
        return this.track(p);
    }

    throwIfFailed(): void {
        if (this.failure !== undefined) {
            throw this.failure.error;
        }
    }

    async settle(): Promise<void> {
        while (this.all.length > 0) {
            await Promise.all(this.all.splice(0));
        }
        this.throwIfFailed();
    }
}

/** The due window to export next: the most lagging group's oldest, ties by name; `advanced` moves one group as if its window were done. */
export function nextWindow(
    progress: ReadonlyMap<string, Progress>, skip: ReadonlySet<string>, now: number, cal: Calendar, advanced?: { name: string; next: number },
): { name: string; p: Progress; w: Window } | undefined {
    let best: { name: string; p: Progress; next: number } | undefined;
    for (const [name, p] of progress) {
        const next = advanced?.name === name ? advanced.next : p.next;
        if (skip.has(name) || (p.retryAfter !== undefined && p.retryAfter > now) || dueCount(next, now, cal) === 0) {
            continue;
        }
        if (best === undefined || next < best.next || (next === best.next && name.localeCompare(best.name) < 0)) {
            best = { name, p, next };
        }
    }
    return best === undefined ? undefined : { name: best.name, p: best.p, w: dueWindows(best.next, now, cal, 1)[0] };
}

/**
 * Expected run time of the next task from the run times seen in this tick (their median: windows of
 * one schedule export alike, and one slow task should not delay every later first poll).
 */
export function expectedDurationOf(seen: readonly number[]): number | undefined {
    if (seen.length === 0) {
        return undefined;
    }
    const sorted = [...seen].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** A window made ready to export: its request, its claim in the store, and a task a crashed run may have left. */
interface Prepared {
    readonly name: string;
    readonly w: Window;
    readonly request: ExportRequest;
    readonly claimed: Promise<void>;
    readonly earlier: Promise<ExportTaskInfo | undefined>;
}

/**
 * The engine's `pollMinMs` for a tick: the floor of its polls outside its model's window (a task far
 * later than the durations seen, or any task before one has finished), a tenth of the expected run
 * time, 25 ms to 250 ms (the engine's default minimum, also used while nothing is expected yet).
 */
export function shortPollMs(expectedMs: number | undefined): number {
    return expectedMs === undefined ? 250 : Math.min(250, Math.max(25, Math.round(expectedMs / 10)));
}

/**
 * The engine's queue key of the function (none is given): one function exports one account and
 * region, so the durations its engine model keeps are that account's.
 */
const MODEL_KEY = DEFAULT_QUEUE_KEY;

/** Pages of 50 COMPLETED tasks read when looking for a crashed run's task (as the engine does). */
const COMPLETED_PAGES = 3;

function prepare(d: TickDeps, name: string, p: Progress, w: Window, deadline: number, writes: Writes): Prepared {
    const request: ExportRequest = {
        taskName: taskNameOf(name, w),
        logGroupName: name,
        from: w.start,
        // Exclusive: the engine turns it into CreateExportTask's inclusive `to`.
        to: w.end,
        destination: d.config.bucket,
        destinationPrefix: destinationPrefixOf(d.config.prefix, name, w, d.config.layout),
    };
    // A window attempted before may have a task of a crashed invocation: only then is the list of
    // tasks worth reading (and the claim already stands). A claim written ahead is idempotent.
    const resumed = p.state?.attemptStart === w.start;
    const claimed = resumed ? Promise.resolve() : writes.chain(name, () => d.store.markAttempt(name, w.start));
    const options: EngineOptions = { ...d.engine, deadline };
    // The active tasks first, then COMPLETED: a task that completes between the reads is in the second
    // (read side by side, it could be in neither, and be exported again).
    const earlier = resumed
        ? Promise.all([listExportTasks(d.api, "PENDING", 1, options), listExportTasks(d.api, "RUNNING", 1, options)])
            .then(async active => pickAdoptable([...active.flat(), ...await listExportTasks(d.api, "COMPLETED", COMPLETED_PAGES, options)], request))
        : Promise.resolve(undefined);
    // Handled here so a window prepared ahead and then not exported (budget, failure) raises nothing;
    // awaiting the originals below still throws.
    claimed.catch(() => undefined);
    earlier.catch(() => undefined);
    return { name, w, request, claimed, earlier };
}

/** Exports one window; `"stop"` when the budget ran out with the task still running (the next tick adopts it). */
async function exportWindow(
    d: TickDeps, prepared: Prepared, p: Progress, deadline: number, learned: number[], writes: Writes, started: () => void,
): Promise<{ window: WindowOutcome; done: () => void } | { failed: WindowOutcome } | "stop" | "vanished"> {
    const { name, w, request } = prepared;
    const options: EngineOptions = { ...d.engine, deadline };
    try {
        await prepared.claimed;
        const earlier = await prepared.earlier;
        const result = earlier !== undefined
            ? { task: earlier, adopted: true }
            : await runExport(d.api, request, { ...options, lookupCompleted: false, waitForCompletion: false });
        writes.chain(name, () => d.store.markAttempt(name, w.start, result.task.taskId));
        started();
        const expected = expectedDurationOf(learned);
        // When to look is the engine's model of the durations this process has seen (./model of the
        // engine, kept on globalThis, so a warm function keeps it from tick to tick, and seeded from
        // the stored run times in a new one): durations that do not vary are checked right at the
        // modelled end, varying ones one step into the window and then at short steps through it (a
        // first poll at the median would leave the slot idle for up to half the spread after every
        // task that ends early). The median run time only floors the polls outside the model's
        // window. An adopted task started earlier: its age counts from its creation (AWS's clock).
        const t = await waitForTask(d.api, result.task, { ...options, timing: { pollMinMs: shortPollMs(expected), ...d.engine?.timing } });
        const durationMs = t.creationTime !== undefined && t.completionTime !== undefined ? Math.max(0, t.completionTime - t.creationTime) : undefined;
        if (durationMs !== undefined) {
            learned.push(durationMs);
        }
        p.next = w.end;
        p.failures = 0;
        p.retryAfter = undefined;
        p.state = undefined;
        const completedAt = d.now();
        return {
            window: { logGroupName: name, start: w.start, end: w.end, taskId: t.taskId, adopted: result.adopted },
            // After the task id is stored (both conditional on the same item), beside the next task.
            done: () => { writes.chain(name, () => d.store.markDone(name, w.start, w.end, t.taskId, completedAt, durationMs)); },
        };
    } catch (e) {
        if (!isExportError(e)) {
            throw e;
        }
        if (e.reason === "timeout") {
            return "stop";
        }
        if (e.reason === "rejected" && /ResourceNotFoundException/.test(e.message)) {
            return "vanished";
        }
        const now = d.now();
        p.failures += 1;
        p.retryAfter = now + retryDelayMs(p.failures);
        p.lastError = e.message;
        p.state = { logGroupName: name, attemptStart: w.start, failures: p.failures };
        const failures = p.failures;
        const retryAfter = p.retryAfter;
        writes.chain(name, () => d.store.markFailed(name, w.start, e.message, failures, retryAfter, now));
        return { failed: { logGroupName: name, start: w.start, end: w.end, taskId: e.task?.taskId, error: e.message } };
    }
}

/**
 * One CloudWatch embedded-metric-format record for a group, published under two dimension sets: the
 * group's own, and the schedule's (every group of the schedule in one series, so one alarm on its
 * Maximum covers groups created after deployment too).
 */
export function metricLine(namespace: string, schedule: string, now: number, g: GroupReport, exported: number): Record<string, unknown> {
    return {
        _aws: {
            Timestamp: now,
            CloudWatchMetrics: [{
                Namespace: namespace,
                Dimensions: [[METRIC_DIMENSIONS.logGroup], [METRIC_DIMENSIONS.schedule]],
                Metrics: [
                    { Name: METRIC_NAMES.lag, Unit: "Seconds" },
                    { Name: METRIC_NAMES.due, Unit: "Count" },
                    { Name: METRIC_NAMES.failures, Unit: "Count" },
                    { Name: METRIC_NAMES.exported, Unit: "Count" },
                ],
            }],
        },
        [METRIC_DIMENSIONS.logGroup]: g.logGroupName,
        [METRIC_DIMENSIONS.schedule]: schedule,
        [METRIC_NAMES.lag]: Math.round(g.lagMs / 1000),
        [METRIC_NAMES.due]: g.due,
        [METRIC_NAMES.failures]: g.failures,
        [METRIC_NAMES.exported]: exported,
        ...(g.lastError === undefined ? {} : { LastError: g.lastError.slice(0, 500) }),
    };
}
