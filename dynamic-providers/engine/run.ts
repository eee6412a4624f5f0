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
import { findInIndex, lookupNeeds, newTaskIndex, refreshIndex, sharedTaskIndex, spendLookup, TaskIndex } from "./lookup";
import { DEFAULT_CHECK_TIMING, DurationEstimate, durationSamples, estimateDuration, historyDurations, nextCheckDelay, observedDuration, recordDuration } from "./model";
import { acquireSlot, slotIdle } from "./queue";
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
 * with none yet, a fraction of its age). A RUNNING holder is checked by a read of the account's
 * RUNNING tasks: once the holder is not among them, that read is the first half of the lookup before
 * our create; a task of this export among them is returned (adopt it), another one is watched in
 * turn. A PENDING holder is checked by DescribeExportTasks by its id.
 */
async function watchHolder(c: Ctx, api: ExportApi, first: ExportTaskInfo & { creationTime: number }, ix: TaskIndex, request: ExportRequest): Promise<ExportTaskInfo | undefined> {
    const estimate = estimateDuration(durationSamples(queueKeyOf(c.o)));
    const fraction = c.t.holderFraction ?? DEFAULT_CHECK_TIMING.holderFraction;
    let holder = first;
    for (;;) {
        const delay = clampToDeadline(nextCheckDelay(c.now() - holder.creationTime, estimate, c.t, fraction), c.now(), c.o.deadline);
        if (delay === undefined) {
            throw timeout(`waiting for the account's one export slot (held by task ${holder.taskId})`);
        }
        c.emit({ kind: "waiting-for-slot", holderTaskId: holder.taskId, delayMs: delay });
        await c.sleep(delay);
        if (holder.statusCode === "RUNNING") {
            const running = await readRunning(c, api, ix);
            if (running.some(t => t.taskId === holder.taskId)) {
                continue;
            }
            const mine = pickAdoptable(running, request);
            if (mine !== undefined) {
                return mine;
            }
            const next = running.find(t => t.creationTime !== undefined);
            if (next === undefined) {
                return undefined;
            }
            holder = { ...next, creationTime: next.creationTime as number };
            continue;
        }
        const seen = await describeWithin(c, api, holder.taskId);
        if (seen === undefined || !isActive(seen.statusCode)) {
            return undefined;
        }
        holder = { ...holder, statusCode: seen.statusCode };
    }
}

/** Waits until the slot is free (undefined) or our own task is found among the active ones. */
async function waitForSlot(c: Ctx, api: ExportApi, request: ExportRequest, waits: { n: number }, privateIndex: { ix?: TaskIndex }): Promise<ExportTaskInfo | undefined> {
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
            return watchHolder(c, api, { ...holder, creationTime: holder.creationTime }, indexOf(c, privateIndex), request);
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
 * How old (from its start) a read of RUNNING tasks may be for the lookup it begins to stand before a
 * create. Short: a task of the same export that another run creates after that read and that
 * finishes before our create is exported twice (AWS has no conditional create), so the read must be
 * as recent as a lookup of its own would be. The handoff from a status check to the next create
 * normally takes a few milliseconds; a process stalled longer (a loaded machine) looks again.
 */
const FRESH_READ_MS = 250;

/**
 * The account's recent exports to the same destination (bucket and prefix: this job, or a run of it;
 * in the index just read) stand for this process's durations while no task of it has finished, so
 * the first task is checked by a model too. Exports elsewhere (another job, a task not ours that held
 * the slot) say nothing of how long ours take.
 */
function seedModel(c: Ctx, ix: TaskIndex, request: ExportRequest): void {
    const key = queueKeyOf(c.o);
    if (c.o.queueKey === undefined || durationSamples(key).length > 0) {
        return;
    }
    const alike = [...ix.byId.values()].filter(t => t.destination === request.destination
        && (t.destinationPrefix ?? "exportedlogs") === request.destinationPrefix);
    for (const d of historyDurations(alike)) {
        recordDuration(key, d);
    }
}

/**
 * A COMPLETED task of this export, from the index brought up to date (shared with concurrent callers
 * of the queue key). Adopts early, off the critical path; it does not stand for the lookup right
 * before a create ({@link lookupBeforeCreate}).
 */
async function completedLookup(c: Ctx, api: ExportApi, request: ExportRequest, privateIndex: { ix?: TaskIndex }): Promise<ExportTaskInfo | undefined> {
    const ix = indexOf(c, privateIndex);
    await readIndex(c, api, ix, lookupFloor(c, request));
    seedModel(c, ix, request);
    return findInIndex(ix, request);
}

/** DescribeExportTasks of the RUNNING tasks (one page: one task runs at a time in an account), kept as the index's {@link TaskIndex.runningRead}. */
async function readRunning(c: Ctx, api: ExportApi, ix: TaskIndex): Promise<readonly ExportTaskInfo[]> {
    const started = ++ix.events;
    const at = c.now();
    const tasks = await listByStatus(c, api, "RUNNING");
    if (ix.runningRead === undefined || ix.runningRead.started < started) {
        ix.runningRead = { tasks, started, at };
    }
    return tasks;
}

/**
 * The lookup right before a create: the same export RUNNING, else COMPLETED, read in that order
 * (a task that completes between the two reads is in the second). A COMPLETED-only read would miss a
 * task of this export that another run has RUNNING at the read and that completes before our create
 * reaches AWS: no LimitExceededException then, and the range is exported twice. No call when the
 * last status check of our previous task made these reads moments ago (see {@link lookupNeeds}).
 */
async function lookupBeforeCreate(c: Ctx, api: ExportApi, request: ExportRequest, privateIndex: { ix?: TaskIndex }): Promise<ExportTaskInfo | undefined> {
    const ix = indexOf(c, privateIndex);
    const needs = lookupNeeds(ix, c.now(), FRESH_READ_MS);
    // The RUNNING tasks of the read this lookup stands on (none after a quick handoff: no such read).
    const running = needs === "both" ? await readRunning(c, api, ix) : needs === "handoff" ? [] : ix.runningRead?.tasks ?? [];
    if (needs === "both" || needs === "index") {
        await readIndex(c, api, ix, lookupFloor(c, request));
        seedModel(c, ix, request);
    }
    spendLookup(ix);
    return pickAdoptable(running, request) ?? findInIndex(ix, request);
}

/** What a status check found: the task as listed, `undefined` when AWS no longer lists it, or "not-completed". */
type Check = ExportTaskInfo | undefined | "not-completed";

/**
 * One status check of our task. When this process keeps the index of COMPLETED tasks for the queue
 * key, the check reads the account's RUNNING tasks (one call while ours runs) and, once ours is no
 * longer among them, the index: ours COMPLETED there, and the two reads, in that order, are the next
 * create's lookup (see {@link lookupNeeds}). When {@link readIndexFirst} says so (a task this
 * process created, whose end, were it done, is bounded so close before the check that the next
 * create follows it within {@link FRESH_READ_MS}) the index alone: ours COMPLETED, or
 * "not-completed". Neither running nor completed (PENDING, FAILED, CANCELLED), or no index:
 * DescribeExportTasks by id. Records when a check that did not see our task COMPLETED was sent.
 */
async function checkTask(c: Ctx, api: ExportApi, taskId: string, byIndex: boolean, estimate: DurationEstimate | undefined, createdAt: number): Promise<Check> {
    const ix = c.o.queueKey === undefined ? undefined : sharedTaskIndex(c.o.queueKey);
    const own = ix?.lastCreate?.taskId === taskId ? ix.lastCreate : undefined;
    const sentAt = c.now();
    const completedFirst = own !== undefined && readIndexFirst(own, estimate, sentAt);
    const seen = await checkOnce(c, api, ix, taskId, byIndex, completedFirst, createdAt);
    if (own !== undefined && (seen === "not-completed" || (seen !== undefined && seen.statusCode !== "COMPLETED"))) {
        // Not COMPLETED when AWS answered, after this was sent: its end (if it completes) is later.
        own.notDoneAt = sentAt;
    }
    return seen;
}

async function checkOnce(c: Ctx, api: ExportApi, ix: TaskIndex | undefined, taskId: string, byIndex: boolean, completedFirst: boolean, createdAt: number): Promise<Check> {
    if (byIndex && ix?.scanned === true) {
        if (!completedFirst) {
            const running = (await readRunning(c, api, ix)).find(t => t.taskId === taskId);
            if (running !== undefined) {
                return running;
            }
        }
        // Only tasks as new as ours: listed newest first, the head of the list, never a deeper read
        // of the history (an hour's margin for the difference between AWS's clock and ours).
        await readIndex(c, api, ix, createdAt - CLOCK_MARGIN_MS);
        const done = ix.byId.get(taskId);
        if (done !== undefined) {
            if (ix.lastCreate?.taskId === taskId && done.creationTime !== undefined && done.completionTime !== undefined) {
                ix.lastCreate.doneMs = Math.max(0, done.completionTime - done.creationTime);
            }
            return done;
        }
        if (completedFirst) {
            return "not-completed";
        }
    }
    return describeWithin(c, api, taskId);
}

/**
 * True when a check of this process's last created task `l`, sent at `now`, should read the index
 * alone (see {@link checkTask}): the task's end, were it done now, would be bounded within half of
 * {@link FRESH_READ_MS} before now (after the last check that did not see it done, or its create plus
 * the shortest likely run time), so the next create's lookup stands on that read.
 */
function readIndexFirst(l: NonNullable<TaskIndex["lastCreate"]>, estimate: DurationEstimate | undefined, now: number): boolean {
    const endAfter = Math.max(l.notDoneAt ?? -Infinity, estimate === undefined ? -Infinity : l.sentAt + estimate.lowMs);
    return now - endAfter <= FRESH_READ_MS / 2;
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
            const sentAt = c.now();
            const event = ix === undefined ? 0 : ix.createSent = ++ix.events;
            const id = await api.createExportTask(request);
            if (ix !== undefined) {
                ix.lastCreate = { taskId: id, sentAt, event };
            }
            c.emit({ kind: "created", taskId: id });
            return { task: pendingTask(id, request), adopted: false };
        } catch (e) {
            const kind = classifyError(e as ErrorLike);
            if (kind === "limit") {
                const mine = await waitForSlot(c, api, request, waits, privateIndex);
                if (mine !== undefined) {
                    return adopt(c, mine);
                }
                // A task not ours held the slot and has ended. While we waited, another run may have
                // created this very export, and seen it finish (AWS has no conditional create): look
                // again before creating (the RUNNING read that saw the holder gone is its first half).
                const done = c.o.lookupCompleted === false ? undefined : await lookupBeforeCreate(c, api, request, privateIndex);
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
    while (!isTerminal(current.statusCode)) {
        const expected = polls++ === 0 && estimate === undefined ? c.o.expectedDurationMs : undefined;
        const delay = clampToDeadline(expected !== undefined ? expected + 10
            : estimate === undefined ? pollDelay(c.now() - start, c.t, c.random()) : nextCheckDelay(c.now() - origin, estimate, c.t),
        c.now(), c.o.deadline);
        if (delay === undefined) {
            // The task stays in state with its status now (the checks may have read only the index of
            // COMPLETED tasks, or none may have been made yet): one describe, best effort.
            current = { ...current, ...await describeWithin(c, api, task.taskId).catch(() => undefined) };
            throw timeout(`waiting for export task ${task.taskId} (last status ${current.statusCode ?? "unknown"})`, current);
        }
        await c.sleep(delay);
        const checkedAt = c.now();
        const seen = await checkTask(c, api, task.taskId, c.o.lookupCompleted !== false, estimate, origin);
        if (seen === "not-completed") {
            lastActiveAt = checkedAt;
            continue;
        }
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
    const lookup = options.lookupCompleted !== false;
    // Behind other creates of this process, a COMPLETED task of this export is adopted without
    // queueing (off the critical path: the account's slot is not left idle while it reads). With the
    // queue idle, the lookup before the create below is the only one.
    const done = lookup && !slotIdle(queueKeyOf(options)) ? await completedLookup(c, api, request, privateIndex) : undefined;
    if (done !== undefined) {
        return adopt(c, done);
    }
    const free = await acquireSlot(queueKeyOf(options), options.deadline,
        () => timeout("queued behind other exports of this account"));
    try {
        // Another run may have started this export, or finished it, while this request queued.
        const late = lookup ? await lookupBeforeCreate(c, api, request, privateIndex) : undefined;
        const started = late !== undefined ? adopt(c, late) : await startOrAdopt(c, api, request, privateIndex);
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
