/**
 * One tick of the continuous export: take the lease, find the selected groups and their progress,
 * export due windows (most lagging group first) through the export engine until the time budget
 * runs out, and report lag and failures as CloudWatch embedded metrics.
 */
import { EngineOptions, ExportApi, ExportRequest, isExportError, runExport } from "../../dynamic-providers/engine";
import { ScheduleConfig, DEFAULT_NAMESPACE } from "./config";
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

interface Progress {
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
        // The last task's run time: the next task's first status poll comes then (windows of one schedule export alike).
        const learned: { durationMs?: number } = {};
        for (;;) {
            const now = d.now();
            const ready = [...progress.entries()]
                .filter(([name, p]) => !skip.has(name) && (p.retryAfter === undefined || p.retryAfter <= now) && dueCount(p.next, now, cal) > 0)
                .sort((a, b) => a[1].next - b[1].next || a[0].localeCompare(b[0]));
            if (ready.length === 0) {
                break;
            }
            if (Date.now() >= deadline) {
                report.stoppedBy = "budget";
                break;
            }
            const [name, p] = ready[0];
            const w = dueWindows(p.next, now, cal, 1)[0];
            const outcome = await exportWindow(d, name, p, w, deadline, learned);
            if (outcome === "stop") {
                report.stoppedBy = "budget";
                break;
            }
            if (outcome === "vanished") {
                report.vanished.push(name);
                skip.add(name);
            } else if (outcome.error !== undefined) {
                report.failed.push(outcome);
                skip.add(name);
            } else {
                report.exported.push(outcome);
            }
        }
        const now = d.now();
        for (const [name, p] of progress) {
            const g: GroupReport = {
                logGroupName: name, next: p.next, lagMs: lagOf(p.next, now), due: dueCount(p.next, now, cal), failures: p.failures,
                lastError: p.lastError,
            };
            report.groups.push(g);
            log(JSON.stringify(metricLine(d.config.metricsNamespace ?? DEFAULT_NAMESPACE, now, g,
                report.exported.filter(x => x.logGroupName === name).length)));
        }
        return report;
    } finally {
        await d.store.releaseLease(d.owner);
    }
}

/** Exports one window; `"stop"` when the budget ran out with the task still running (the next tick adopts it). */
async function exportWindow(
    d: TickDeps, name: string, p: Progress, w: Window, deadline: number, learned: { durationMs?: number },
): Promise<WindowOutcome | "stop" | "vanished"> {
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
    // COMPLETED tasks worth reading (active ones surface through LimitExceededException anyway).
    const resumed = p.state?.attemptStart === w.start;
    if (!resumed) {
        await d.store.markAttempt(name, w.start);
    }
    const writes: Promise<void>[] = [];
    try {
        const result = await runExport(d.api, request, {
            ...d.engine,
            deadline,
            lookupCompleted: resumed,
            expectedDurationMs: learned.durationMs,
            onProgress: e => {
                if (e.kind === "created" || e.kind === "adopted") {
                    writes.push(d.store.markAttempt(name, w.start, e.taskId));
                }
            },
        });
        await Promise.all(writes);
        const t = result.task;
        if (!result.adopted && t.creationTime !== undefined && t.completionTime !== undefined) {
            learned.durationMs = Math.max(0, t.completionTime - t.creationTime);
        }
        await d.store.markDone(name, w.start, w.end, result.task.taskId, d.now());
        p.next = w.end;
        p.failures = 0;
        p.retryAfter = undefined;
        p.state = undefined;
        return { logGroupName: name, start: w.start, end: w.end, taskId: result.task.taskId, adopted: result.adopted };
    } catch (e) {
        await Promise.allSettled(writes);
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
        await d.store.markFailed(name, w.start, e.message, p.failures, p.retryAfter, now);
        return { logGroupName: name, start: w.start, end: w.end, taskId: e.task?.taskId, error: e.message };
    }
}

/** One CloudWatch embedded-metric-format record for a group. */
export function metricLine(namespace: string, now: number, g: GroupReport, exported: number): Record<string, unknown> {
    return {
        _aws: {
            Timestamp: now,
            CloudWatchMetrics: [{
                Namespace: namespace,
                Dimensions: [["LogGroup"]],
                Metrics: [
                    { Name: "ExportLagSeconds", Unit: "Seconds" },
                    { Name: "WindowsDue", Unit: "Count" },
                    { Name: "ConsecutiveFailures", Unit: "Count" },
                    { Name: "WindowsExported", Unit: "Count" },
                ],
            }],
        },
        LogGroup: g.logGroupName,
        ExportLagSeconds: Math.round(g.lagMs / 1000),
        WindowsDue: g.due,
        ConsecutiveFailures: g.failures,
        WindowsExported: exported,
        ...(g.lastError === undefined ? {} : { LastError: g.lastError.slice(0, 500) }),
    };
}
