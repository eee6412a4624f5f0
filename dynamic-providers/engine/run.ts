/**
 * The export engine: start an export (or adopt the one a crashed run started), wait out the
 * one-active-task limit, wait for the task to finish, retry transient failures, all within a deadline.
 * The decisions are in ./decisions; this module only sequences calls, sleeps and reports progress.
 */
import {
    awsTo, backoffDelay, clampToDeadline, classifyError, decideOnSlot, ErrorLike, isActive, isTerminal, pickAdoptable, pollDelay,
    shouldCancel, VANISHED_POLLS,
} from "./decisions";
import { describeFailure, ExplainContext, explainExportFailure } from "./explain";
import { findInIndex, newTaskIndex, refreshIndex, sharedTaskIndex, takeFreshRead, TaskIndex } from "./lookup";
import { checkWindow, DEFAULT_CHECK_TIMING, durationSamples, estimateDuration, historyDurations, nextCheckDelay, observedDuration, recordDuration } from "./model";
import { acquireSlot } from "./queue";
import { DEFAULT_TIMING, ExportApi, ExportRequest, ExportStatus, ExportTaskInfo, Timing } from "./types";

/** What the engine reports while it works (for logs and progress bars). */
export type ProgressEvent =
    | { readonly kind: "created"; readonly taskId: string }
    | { readonly kind: "adopted"; readonly taskId: string; readonly statusCode?: string }
    | { readonly kind: "waiting-for-slot"; readonly holderTaskId?: string; readonly delayMs: number }
    | { readonly kind: "status"; readonly taskId: string; readonly statusCode?: string }
    | { readonly kind: "retry"; readonly operation: string; readonly error: string; readonly delayMs: number };

/** Options of {@link runExport} and the other engine calls. */
export interface EngineOptions {
    /** Epoch milliseconds after which the engine gives up (queueing, waiting and retries included). */
    readonly deadline: number;
    /** Wait until the task is COMPLETED, FAILED or CANCELLED. Defaults to `true`. */
    readonly waitForCompletion?: boolean;
    /** Creates with the same key run one at a time in this process: use account and region. Defaults to `"default"`. */
    readonly queueKey?: string;
    readonly onProgress?: (event: ProgressEvent) => void;
    /** Overrides of {@link DEFAULT_TIMING}. */
    readonly timing?: Partial<Timing>;
    /** Facts for explaining permission failures. */
    readonly explain?: ExplainContext;
    /**
     * Expected run time of the task (e.g. learned from earlier chunks): the first status poll comes
     * then. Used only while this process has seen no task of `queueKey` finish: from then on the
     * engine's own model of durations decides (see ./model).
     */
    readonly expectedDurationMs?: number;
    /**
     * Look for a COMPLETED task of the same export (name, range, destination) before creating, to
     * adopt what a crashed or concurrent run started; a PENDING or RUNNING one surfaces through
     * LimitExceededException and is adopted then. Done before the request takes its place in the
     * queue. Defaults to `true`.
     */
    readonly lookupCompleted?: boolean;
    /**
     * Earliest creation time (epoch ms) a task of this export can have: when DescribeExportTasks lists
     * newest first, the lookup reads no page past it. Defaults to the range end (`to`) minus one hour:
     * a task is created after the range it exports has ended (the provider and the CLI refuse a `to`
     * in the future), and the hour covers clocks that disagree.
     */
    readonly adoptNotBefore?: number;
    /** Test hooks. */
    readonly sleep?: (ms: number) => Promise<void>;
    readonly random?: () => number;
    readonly now?: () => number;
}

/** Why the engine gave up. */
export type ExportErrorReason = "failed" | "cancelled" | "timeout" | "rejected" | "vanished";

/** An export that did not complete; `task` is set when a task exists (it must stay in state). */
export interface ExportError extends Error {
    readonly name: "ExportError";
    readonly reason: ExportErrorReason;
    readonly task?: ExportTaskInfo;
}

/**
 * Builds an {@link ExportError}. A factory, not a subclass of Error: Pulumi's closure serializer
 * rewrites `super(message)` into `Error.call(this, message)`, which drops the message.
 */
export function exportError(reason: ExportErrorReason, message: string, task?: ExportTaskInfo): ExportError {
    return Object.assign(new Error(message), { name: "ExportError" as const, reason, task });
}

/** True for errors thrown by the engine's {@link exportError}. */
export function isExportError(e: unknown): e is ExportError {
    return e instanceof Error && e.name === "ExportError";
}

/** The task the engine ended with; `adopted` when a previous run had created it. */
export interface ExportResult {
    readonly task: ExportTaskInfo;
    readonly adopted: boolean;
}

interface Ctx {
    readonly o: EngineOptions;
    readonly t: Timing;
    readonly now: () => number;
    readonly sleep: (ms: number) => Promise<void>;
    readonly random: () => number;
    readonly emit: (e: ProgressEvent) => void;
}

function makeContext(o: EngineOptions): Ctx {
    return {
        o,
        t: { ...DEFAULT_TIMING, ...o.timing },
        now: o.now ?? Date.now,
        sleep: o.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms))),
        random: o.random ?? Math.random,
        emit: o.onProgress ?? (() => undefined),
    };
}

function errorText(e: unknown): string {
    const x = e as ErrorLike;
    return `${x.name ?? "Error"}: ${x.message ?? String(e)}`;
}

/** Runs `fn`, retrying throttling, 5xx and dropped connections with backoff until the deadline. */
async function withRetries<T>(c: Ctx, operation: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
        try {
            return await fn();
        } catch (e) {
            const delay = classifyError(e as ErrorLike) === "transient"
                ? clampToDeadline(backoffDelay(attempt, c.t.retryBaseMs, c.t.retryMaxMs, c.random()), c.now(), c.o.deadline)
                : undefined;
            if (delay === undefined) {
                throw e;
            }
            c.emit({ kind: "retry", operation, error: errorText(e), delayMs: delay });
            await c.sleep(delay);
        }
    }
}

async function listByStatus(c: Ctx, api: ExportApi, statusCode: ExportStatus, maxPages = 1): Promise<ExportTaskInfo[]> {
    const tasks: ExportTaskInfo[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
        const token = nextToken;
        const out = await withRetries(c, "DescribeExportTasks", () => api.describeExportTasks({ statusCode, limit: 50, nextToken: token }));
        tasks.push(...out.tasks.filter(t => t.statusCode === statusCode));
        nextToken = out.nextToken;
        if (nextToken === undefined) {
            break;
        }
    }
    return tasks;
}

async function listActive(c: Ctx, api: ExportApi): Promise<ExportTaskInfo[]> {
    return [...await listByStatus(c, api, "PENDING"), ...await listByStatus(c, api, "RUNNING")];
}

function adopt(c: Ctx, task: ExportTaskInfo): ExportResult {
    c.emit({ kind: "adopted", taskId: task.taskId, statusCode: task.statusCode });
    return { task, adopted: true };
}

function timeout(what: string, task?: ExportTaskInfo): ExportError {
    return exportError("timeout", `deadline reached while ${what}: raise [timeoutMinutes].`, task);
}

function pendingTask(id: string, r: ExportRequest): ExportTaskInfo {
    return {
        taskId: id, taskName: r.taskName, logGroupName: r.logGroupName, from: r.from, to: awsTo(r.to),
        destination: r.destination, destinationPrefix: r.destinationPrefix, statusCode: "PENDING",
    };
}

/**
 * Watches a task not ours that holds the slot until it is no longer active: its age comes from its
 * creationTime (DescribeExportTasks), its likely end from the model of this account's durations (or,
 * with none yet, a fraction of its age), and each check is one DescribeExportTasks by its id.
 */
async function watchHolder(c: Ctx, api: ExportApi, holder: ExportTaskInfo & { creationTime: number }): Promise<void> {
    const estimate = estimateDuration(durationSamples(queueKeyOf(c.o)));
    const fraction = c.t.holderFraction ?? DEFAULT_CHECK_TIMING.holderFraction;
    for (;;) {
        const delay = clampToDeadline(nextCheckDelay(c.now() - holder.creationTime, estimate, c.t, fraction), c.now(), c.o.deadline);
        if (delay === undefined) {
            throw timeout(`waiting for the account's one export slot (held by task ${holder.taskId})`);
        }
        c.emit({ kind: "waiting-for-slot", holderTaskId: holder.taskId, delayMs: delay });
        await c.sleep(delay);
        const seen = await describeWithin(c, api, holder.taskId);
        if (seen === undefined || !isActive(seen.statusCode)) {
            return;
        }
    }
}

/** Waits until the slot is free (undefined) or our own task is found among the active ones. */
async function waitForSlot(c: Ctx, api: ExportApi, request: ExportRequest, waits: { n: number }): Promise<ExportTaskInfo | undefined> {
    let slept = false;
    for (;;) {
        const decision = decideOnSlot(await listActive(c, api), request);
        if (decision.kind === "adopt") {
            return decision.task;
        }
        if (decision.kind === "create" && slept) {
            return undefined;
        }
        const holder = decision.kind === "wait" ? decision.holder : undefined;
        if (holder?.creationTime !== undefined) {
            await watchHolder(c, api, { ...holder, creationTime: holder.creationTime });
            return undefined;
        }
        // No creation time listed (or the holder is not listed yet): blind backoff.
        const delay = clampToDeadline(backoffDelay(waits.n++, c.t.slotBaseMs, c.t.slotMaxMs, c.random()), c.now(), c.o.deadline);
        if (delay === undefined) {
            throw timeout(`waiting for the account's one export slot${holder ? ` (held by task ${holder.taskId})` : ""}`);
        }
        c.emit({ kind: "waiting-for-slot", holderTaskId: holder?.taskId, delayMs: delay });
        await c.sleep(delay);
        slept = true;
    }
}

/** The queue key of calls that give none (one account and region per process, e.g. a function). */
export const DEFAULT_QUEUE_KEY = "default";

function queueKeyOf(o: EngineOptions): string {
    return o.queueKey ?? DEFAULT_QUEUE_KEY;
}

/**
 * The index of COMPLETED tasks for this call: shared by the process when a queue key is given
 * (account and region), else private to the call (tasks of different accounts must not mix).
 */
function indexOf(c: Ctx, privateIndex: { ix?: TaskIndex }): TaskIndex {
    if (c.o.queueKey !== undefined) {
        return sharedTaskIndex(c.o.queueKey);
    }
    privateIndex.ix ??= newTaskIndex();
    return privateIndex.ix;
}

/** The index {@link indexOf} would return, without creating a private one (`undefined` when none was read). */
function existingIndexOf(c: Ctx, privateIndex: { ix?: TaskIndex }): TaskIndex | undefined {
    return c.o.queueKey === undefined ? privateIndex.ix : sharedTaskIndex(c.o.queueKey);
}

/** How far AWS's clock (a task's creationTime) may be behind ours, for lookups bounded by time. */
const CLOCK_MARGIN_MS = 3600_000;

/** The oldest creation time a task of `request` can have, for a lookup: the caller's bound, else the range end less the clock margin. */
function lookupFloor(c: Ctx, request: ExportRequest): number {
    return c.o.adoptNotBefore ?? request.to - CLOCK_MARGIN_MS;
}

function readIndex(c: Ctx, api: ExportApi, ix: TaskIndex, notBefore: number | undefined): Promise<void> {
    return refreshIndex(ix, token => withRetries(c, "DescribeExportTasks",
        () => api.describeExportTasks({ statusCode: "COMPLETED", limit: 50, nextToken: token })), notBefore);
}

/**
 * How old a status check's read of the index may be to stand for the lookup before the next create.
 * Short: a task of the same chunk that another run creates and finishes between that read and our
 * create is exported twice (AWS has no conditional create), so the read must be as recent as a
 * lookup of its own would be. The handoff from the check to the next create normally takes a few
 * milliseconds; a process stalled longer (a loaded machine) looks again.
 */
const FRESH_READ_MS = 250;

async function completedLookup(c: Ctx, api: ExportApi, request: ExportRequest, privateIndex: { ix?: TaskIndex }): Promise<ExportTaskInfo | undefined> {
    const ix = indexOf(c, privateIndex);
    if (!takeFreshRead(ix, Date.now(), FRESH_READ_MS)) {
        await readIndex(c, api, ix, lookupFloor(c, request));
    }
    const key = queueKeyOf(c.o);
    if (c.o.queueKey !== undefined && durationSamples(key).length === 0) {
        // No task of this process has finished yet: the account's recent exports to the same
        // destination (bucket and prefix: this job, or a run of it; listed by the read just made)
        // stand for it, so the first task is checked by a model too. Exports elsewhere (another
        // job, the task not ours that held the slot) say nothing of how long ours take.
        const alike = [...ix.byId.values()].filter(t => t.destination === request.destination
            && (t.destinationPrefix ?? "exportedlogs") === request.destinationPrefix);
        for (const d of historyDurations(alike)) {
            recordDuration(key, d);
        }
    }
    return findInIndex(ix, request);
}

/**
 * The lookup again once a queued request has the slot: a task of this export that another run had
 * PENDING or RUNNING at the first lookup, and that ended while the tasks before this request ran, is
 * COMPLETED now. No call when the index was read after this process's last create (the status checks
 * by the index keep it so): a task of this export that completed after that read ran after our last
 * task, and it is still active at our create unless it ended in the gap (LimitExceededException then
 * surfaces it). Otherwise one read, while the account's slot is free: correctness over one round trip.
 */
async function queuedLookup(c: Ctx, api: ExportApi, request: ExportRequest, privateIndex: { ix?: TaskIndex }): Promise<ExportTaskInfo | undefined> {
    const ix = existingIndexOf(c, privateIndex);
    if (ix === undefined) {
        return undefined;
    }
    if (ix.createSent !== undefined && (ix.readStarted === undefined || ix.readStarted < ix.createSent)) {
        await readIndex(c, api, ix, lookupFloor(c, request));
    }
    return findInIndex(ix, request);
}

/**
 * One status check of our task. Inside the model's window, when this process already keeps the
 * index of COMPLETED tasks for the queue key, the check is a read of that index (one call, usually
 * one page): if the task is there it is COMPLETED, and the same read serves as the next create's
 * lookup. Otherwise (no index, or past the window, where a FAILED task would never show up there)
 * DescribeExportTasks by id.
 */
async function checkTask(c: Ctx, api: ExportApi, taskId: string, byIndex: boolean, createdAt: number): Promise<{ seen?: ExportTaskInfo; listed: boolean }> {
    const ix = c.o.queueKey === undefined ? undefined : sharedTaskIndex(c.o.queueKey);
    if (byIndex && ix?.scanned === true) {
        // Only tasks as new as ours: listed newest first, the head of the list, never a deeper read
        // of the history (an hour's margin for the difference between AWS's clock and ours).
        await readIndex(c, api, ix, createdAt - CLOCK_MARGIN_MS);
        const done = ix.byId.get(taskId);
        if (done !== undefined) {
            ix.freshAt = Date.now();
            return { seen: done, listed: true };
        }
        return { listed: false };
    }
    const seen = await describeWithin(c, api, taskId);
    return { seen, listed: true };
}

/** The same export (name, range, destination) PENDING, RUNNING or COMPLETED: started by a crashed or concurrent run. */
async function findMine(c: Ctx, api: ExportApi, request: ExportRequest, privateIndex: { ix?: TaskIndex }): Promise<ExportTaskInfo | undefined> {
    return pickAdoptable(await listActive(c, api), request) ?? await completedLookup(c, api, request, privateIndex);
}

/**
 * CreateExportTask, or adoption of the same export a crashed or concurrent run started; never a
 * duplicate. After a lost answer (it may have been a success) and after ResourceAlreadyExistsException
 * (the API reference does not say when AWS refuses a name, so nothing is guessed: only the same
 * export is adopted, anything else is refused naming the task), it looks before creating again.
 */
async function startOrAdopt(c: Ctx, api: ExportApi, request: ExportRequest, privateIndex: { ix?: TaskIndex }): Promise<ExportResult> {
    const waits = { n: 0 };
    for (let retries = 0; ; ) {
        try {
            const ix = existingIndexOf(c, privateIndex);
            if (ix !== undefined) {
                ix.freshAt = undefined;
                ix.createSent = ++ix.events;
            }
            const id = await api.createExportTask(request);
            c.emit({ kind: "created", taskId: id });
            return { task: pendingTask(id, request), adopted: false };
        } catch (e) {
            const kind = classifyError(e as ErrorLike);
            if (kind === "limit") {
                const mine = await waitForSlot(c, api, request, waits);
                if (mine !== undefined) {
                    return adopt(c, mine);
                }
                // A task not ours held the slot and has ended. While we waited, another run may have
                // created this very export and seen it finish (AWS has no conditional create), so
                // look again before creating: one read per wait, never on the uncontended path.
                const done = c.o.lookupCompleted === false ? undefined : await completedLookup(c, api, request, privateIndex);
                if (done !== undefined) {
                    return adopt(c, done);
                }
                continue;
            }
            const mine = kind === "exists" ? await findMine(c, api, request, privateIndex) : undefined;
            if (mine !== undefined) {
                return adopt(c, mine);
            }
            if (kind !== "transient") {
                const why = c.o.explain ? explainExportFailure((e as ErrorLike).message ?? String(e), c.o.explain) : undefined;
                throw exportError("rejected", `CreateExportTask refused: ${errorText(e)}${kind === "exists" ? ` (no task "${request.taskName}" of this export is active or COMPLETED: rename it)` : ""}${why === undefined ? "" : `\nWhy: ${why}`}`);
            }
            const delay = clampToDeadline(backoffDelay(retries++, c.t.retryBaseMs, c.t.retryMaxMs, c.random()), c.now(), c.o.deadline);
            if (delay === undefined) {
                throw timeout(`retrying CreateExportTask after ${errorText(e)}`);
            }
            c.emit({ kind: "retry", operation: "CreateExportTask", error: errorText(e), delayMs: delay });
            await c.sleep(delay);
            const existing = await findMine(c, api, request, privateIndex);
            if (existing !== undefined) {
                return adopt(c, existing);
            }
        }
    }
}

/**
 * The process's index of COMPLETED tasks for `options.queueKey` (account and region), brought up to
 * date down to tasks created at `notBefore` (epoch ms; all when undefined). Later lookups of runExport
 * with the same queue key read only what is new.
 */
export async function readCompletedTasks(api: ExportApi, options: EngineOptions, notBefore?: number): Promise<TaskIndex> {
    const c = makeContext(options);
    const ix = indexOf(c, {});
    await readIndex(c, api, ix, notBefore);
    return ix;
}

/** The tasks with `statusCode`, up to `maxPages` pages of 50, with retries (for callers outside the engine). */
export function listExportTasks(api: ExportApi, statusCode: ExportStatus, maxPages: number, options: EngineOptions): Promise<ExportTaskInfo[]> {
    return listByStatus(makeContext(options), api, statusCode, maxPages);
}

async function describeWithin(c: Ctx, api: ExportApi, taskId: string): Promise<ExportTaskInfo | undefined> {
    try {
        const page = await withRetries(c, "DescribeExportTasks", () => api.describeExportTasks({ taskId }));
        return page.tasks.find(t => t.taskId === taskId);
    } catch (e) {
        if (classifyError(e as ErrorLike) === "not-found") {
            return undefined;
        }
        throw e;
    }
}

/** DescribeExportTasks by id (with retries); `undefined` when AWS no longer lists the task. */
export async function describeTask(api: ExportApi, taskId: string, options: EngineOptions): Promise<ExportTaskInfo | undefined> {
    return describeWithin(makeContext(options), api, taskId);
}

/**
 * Polls our task until it is terminal; COMPLETED returns it, FAILED/CANCELLED throw an explained error.
 * Checks follow the model of this queue key's durations (./model): the first just before the
 * earliest likely end, then short pauses proportional to the spread; the task's duration joins
 * the model when it completes.
 */
export async function waitForTask(api: ExportApi, task: ExportTaskInfo, options: EngineOptions): Promise<ExportTaskInfo> {
    const c = makeContext(options);
    const key = queueKeyOf(options);
    const start = c.now();
    // A task started by an earlier run: its age counts from its listed creation time.
    const origin = task.creationTime !== undefined && task.creationTime <= start ? task.creationTime : start;
    const watchedFromStart = task.creationTime === undefined;
    const estimate = estimateDuration(durationSamples(key));
    let current = task;
    let polls = 0;
    let unseen = 0;
    let lastActiveAt: number | undefined = start;
    let byIndexSince = false;
    while (!isTerminal(current.statusCode)) {
        const expected = polls++ === 0 && estimate === undefined ? c.o.expectedDurationMs : undefined;
        const delay = clampToDeadline(expected !== undefined ? expected + 10
            : estimate === undefined ? pollDelay(c.now() - start, c.t, c.random()) : nextCheckDelay(c.now() - origin, estimate, c.t),
        c.now(), c.o.deadline);
        if (delay === undefined) {
            if (byIndexSince) {
                // The index only lists COMPLETED tasks: the task's last status comes from one describe.
                current = { ...current, ...await describeWithin(c, api, task.taskId).catch(() => undefined) };
            }
            throw timeout(`waiting for export task ${task.taskId} (last status ${current.statusCode ?? "unknown"})`, current);
        }
        await c.sleep(delay);
        const checkedAt = c.now();
        // The window as the schedule widens it: with durations that barely vary, the checks right
        // after the earliest likely end are inside it, and read the index.
        const inWindow = estimate !== undefined && checkedAt - origin <= checkWindow(estimate, c.t).highMs;
        const check = await checkTask(c, api, task.taskId, inWindow && c.o.lookupCompleted !== false, origin);
        if (!check.listed) {
            lastActiveAt = checkedAt;
            byIndexSince = true;
            continue;
        }
        byIndexSince = false;
        const seen = check.seen;
        unseen = seen === undefined ? unseen + 1 : 0;
        if (unseen >= VANISHED_POLLS) {
            throw exportError("vanished", `export task ${task.taskId} is no longer listed by DescribeExportTasks: check its account and region.`, current);
        }
        current = seen === undefined ? current : { ...current, ...seen };
        if (!isTerminal(current.statusCode)) {
            lastActiveAt = checkedAt;
        } else if (current.statusCode === "COMPLETED") {
            const d = observedDuration(current, watchedFromStart ? { createdAt: start, lastActiveAt, firstDoneAt: checkedAt } : {});
            if (d !== undefined) {
                recordDuration(key, d);
            }
        }
        c.emit({ kind: "status", taskId: task.taskId, statusCode: current.statusCode });
    }
    if (current.statusCode !== "COMPLETED") {
        const status = current.statusCode ?? "FAILED";
        const message = c.o.explain
            ? describeFailure(status, current.statusMessage, c.o.explain)
            : `export task ${status}: ${current.statusMessage ?? ""}`;
        throw exportError(status === "CANCELLED" ? "cancelled" : "failed", message, current);
    }
    return current;
}

/**
 * Runs one export: queue behind other creates of this process for the same key, create or adopt,
 * then (by default) wait for completion. Throws {@link ExportError}.
 */
export async function runExport(api: ExportApi, request: ExportRequest, options: EngineOptions): Promise<ExportResult> {
    const c = makeContext(options);
    const privateIndex: { ix?: TaskIndex } = {};
    // Off the critical path: the lookup runs before this request takes its place in the queue, so
    // the account's slot is not left idle while it reads.
    const done = options.lookupCompleted === false ? undefined : await completedLookup(c, api, request, privateIndex);
    if (done !== undefined) {
        return adopt(c, done);
    }
    const free = await acquireSlot(queueKeyOf(options), options.deadline,
        () => timeout("queued behind other exports of this account"));
    try {
        const late = options.lookupCompleted === false ? undefined : await queuedLookup(c, api, request, privateIndex);
        if (late !== undefined) {
            return adopt(c, late);
        }
        const started = await startOrAdopt(c, api, request, privateIndex);
        if (options.waitForCompletion === false || started.task.statusCode === "COMPLETED") {
            return started;
        }
        return { task: await waitForTask(api, started.task, options), adopted: started.adopted };
    } finally {
        free();
    }
}

/** What {@link cancelExport} did. */
export type CancelOutcome = "cancelled" | "not-running" | "already-finished" | "not-found";

/** CancelExportTask when the task is PENDING or RUNNING; a task that just finished is not an error. */
export async function cancelExport(api: ExportApi, taskId: string, options: EngineOptions): Promise<CancelOutcome> {
    const c = makeContext(options);
    const task = await describeTask(api, taskId, options);
    if (task === undefined) {
        return "not-found";
    }
    if (!shouldCancel(task.statusCode)) {
        return "not-running";
    }
    try {
        await withRetries(c, "CancelExportTask", () => api.cancelExportTask(taskId));
        return "cancelled";
    } catch (e) {
        const kind = classifyError(e as ErrorLike);
        if (kind === "already-finished" || kind === "not-found") {
            return kind;
        }
        throw e;
    }
}
