/**
 * The backfill loop behind `cwlogs-export export`: one chunk at a time through the ExportTask
 * engine (so the account never has two active tasks from us, and a foreign task holding the slot is
 * waited for), checkpointing every change, adopting what an earlier run started, and stopping
 * cleanly on Ctrl-C. No commander, no SDK: the engine's {@link ExportApi} is all it calls.
 */
import {
    cancelExport, describeTask, EngineOptions, ExportApi, ExportRequest, ExportTaskInfo, findInIndex, isExportError,
    ExplainContext, isTerminal, listExportTasks, matchesRequest, pickAdoptable, ProgressEvent, readCompletedTasks, recordDuration,
    runExport, Timing, waitForTask,
} from "../../dynamic-providers/engine";
import { ValidationError } from "../../policies/validate";
import { BackfillState, ChunkState, compactOnNextSave, markChanged, RECOVER } from "./state";

/** What the loop reports, for the progress display. */
export type BackfillEvent =
    | { readonly kind: "start"; readonly chunk: ChunkState; readonly adopting: boolean }
    | { readonly kind: "engine"; readonly chunk: ChunkState; readonly event: ProgressEvent }
    | { readonly kind: "done"; readonly chunk: ChunkState; readonly wallMs: number }
    | { readonly kind: "resumed"; readonly completed: number; readonly adopted: number; readonly running?: ChunkState }
    /** The task an earlier run left for this chunk ended FAILED or CANCELLED: the chunk is exported again. */
    | { readonly kind: "retrying"; readonly chunk: ChunkState; readonly taskId: string; readonly statusCode: string; readonly message?: string };

export interface BackfillOptions {
    readonly api: ExportApi;
    readonly state: BackfillState;
    /**
     * Persists the state (called after changes, the chunks changed marked with `markChanged` of
     * ./state; the completion of a chunk is saved with the creation of the next, right after
     * CreateExportTask is sent, so the save is not between two tasks).
     */
    readonly save: (state: BackfillState) => void;
    /** The checkpoint's path, for messages. */
    readonly file?: string;
    /** Engine queue key: account and region. */
    readonly queueKey: string;
    /** Wait for each task; `false` starts (or finds) one task and returns. Defaults to `true`. */
    readonly wait?: boolean;
    /** Aborting stops scheduling; the active task keeps running unless `cancelOnInterrupt`. */
    readonly signal?: AbortSignal;
    readonly cancelOnInterrupt?: boolean;
    readonly onEvent?: (event: BackfillEvent) => void;
    readonly explain?: ExplainContext;
    readonly timing?: Partial<Timing>;
    /** Per-chunk deadline, from the chunk's start. Defaults to 7 days. */
    readonly chunkTimeoutMs?: number;
    /**
     * AWS's task lists, read ahead (see {@link readTaskLists}) while the caller was still selecting
     * log groups and checking the bucket; read here when absent, or when they do not reach back to
     * this backfill's oldest chunk.
     */
    readonly lists?: Promise<TaskLists>;
}

/** What {@link reconcile} reads of AWS's task lists before anything is created. */
export interface TaskLists {
    /** The process's index of COMPLETED tasks for the queue key, read down to `notBefore`. */
    readonly index: Awaited<ReturnType<typeof readCompletedTasks>>;
    /** PENDING and RUNNING tasks. */
    readonly active: ExportTaskInfo[];
    /**
     * FAILED and CANCELLED tasks (up to {@link SCAN_PAGES} pages each); `undefined` when not read:
     * only a chunk with a recorded task needs them, and a new plan has none.
     */
    readonly ended?: ExportTaskInfo[];
    /** Creation time (epoch ms) the COMPLETED tasks were read back to. */
    readonly notBefore: number;
    /** When the reads began (epoch ms). */
    readonly readAt: number;
}

/**
 * How old lists read ahead may be when the backfill starts (a selection of many log groups can take
 * minutes): older ones are read again, so that adoption works from a recent view of AWS.
 */
const LISTS_MAX_AGE_MS = 30_000;

export interface BackfillResult {
    /** Tasks this run created. */
    created: number;
    /** Chunks whose task an earlier run had started (found running or finished). */
    adopted: number;
    /** Chunks completed before this run started. */
    alreadyDone: number;
    /** Chunks that failed in this run. */
    failed: ChunkState[];
    /** Ctrl-C: the loop stopped scheduling. */
    interrupted: boolean;
    /** Set after an interrupt: the task left running (or cancelled, with `cancelOnInterrupt`). */
    activeTask?: { readonly taskId: string; readonly cancelled: boolean };
    /** `wait: false`: the task started or still running when the loop returned. */
    startedTask?: { readonly chunk: ChunkState; readonly taskId: string; readonly alreadyRunning: boolean };
    /** CreateExportTask was refused (a set-up problem): the remaining chunks were not tried. */
    stoppedBy?: string;
}

/**
 * Pages of 50 tasks read of FAILED and CANCELLED tasks, to check the chunks the checkpoint records
 * (COMPLETED tasks are read without a cap, through the engine's index).
 */
const SCAN_PAGES = 20;

/** Tasks are created after the range they export has ended; the hour covers clocks that disagree. */
const CLOCK_MARGIN_MS = 3600_000;

function interruptedError(): Error {
    return Object.assign(new Error("interrupted"), { name: "Interrupted" });
}

function isInterrupt(e: unknown): boolean {
    return e instanceof Error && e.name === "Interrupted";
}

/** A sleep that rejects with an "Interrupted" error as soon as `signal` aborts. */
function abortableSleep(signal: AbortSignal | undefined): (ms: number) => Promise<void> {
    return ms => new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) {
            reject(interruptedError());
            return;
        }
        const onAbort = (): void => {
            clearTimeout(timer);
            reject(interruptedError());
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

/** The CreateExportTask request of a chunk. */
export function chunkRequest(state: BackfillState, c: ChunkState): ExportRequest {
    return {
        taskName: c.taskName, logGroupName: c.logGroupName, from: c.from, to: c.to,
        destination: state.job.bucket, destinationPrefix: state.job.prefix,
        ...(state.job.streamPrefix === undefined ? {} : { logStreamNamePrefix: state.job.streamPrefix }),
    };
}

function awsDuration(task: ExportTaskInfo): number | undefined {
    return task.creationTime !== undefined && task.completionTime !== undefined && task.completionTime >= task.creationTime
        ? task.completionTime - task.creationTime : undefined;
}

function median(values: readonly number[]): number | undefined {
    if (values.length === 0) {
        return undefined;
    }
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function listEnded(api: ExportApi, engine: EngineOptions): Promise<ExportTaskInfo[]> {
    return Promise.all([listExportTasks(api, "FAILED", SCAN_PAGES, engine), listExportTasks(api, "CANCELLED", SCAN_PAGES, engine)])
        .then(([failed, cancelled]) => [...failed, ...cancelled]);
}

/**
 * The task lists {@link reconcile} needs, the reads side by side (each is one round trip or a few,
 * and before the first task every one of them delays it). COMPLETED tasks are read down to creation
 * time `notBefore`: every task of a backfill was created after its chunk's range ended. FAILED and
 * CANCELLED tasks only with `ended` (a checkpoint that records tasks).
 */
export async function readTaskLists(api: ExportApi, queueKey: string, notBefore: number, ended: boolean): Promise<TaskLists> {
    const readAt = Date.now();
    const engine: EngineOptions = { deadline: readAt + 300_000, queueKey };
    const [index, pending, running, endedTasks] = await Promise.all([
        readCompletedTasks(api, engine, notBefore), listExportTasks(api, "PENDING", SCAN_PAGES, engine), listExportTasks(api, "RUNNING", SCAN_PAGES, engine),
        ended ? listEnded(api, engine) : undefined,
    ]);
    return { index, active: [...pending, ...running], ended: endedTasks, notBefore, readAt };
}

/**
 * The earliest creation time a task of chunk `c` can have (before the clock margin): the time of its
 * first attempt when the checkpoint recorded one, else the end of its range (a task is created after
 * the range it exports has ended; the name says which range).
 */
export function adoptionBound(c: Pick<ChunkState, "to" | "firstAttemptAt">): number {
    return c.firstAttemptAt !== undefined && c.firstAttemptAt >= c.to ? c.firstAttemptAt : c.to;
}

/** The earliest creation time (epoch ms) a task of `chunks` can have: how far back {@link reconcile} reads COMPLETED tasks. */
export function tasksNotBefore(chunks: readonly Pick<ChunkState, "to" | "firstAttemptAt">[]): number {
    return Math.min(...chunks.map(c => adoptionBound(c))) - CLOCK_MARGIN_MS;
}

/**
 * Reconciles the checkpoint with AWS before anything is created: a chunk whose task finished is
 * done, one whose task still runs is adopted, one whose task failed is tried again; chunks the
 * checkpoint does not know a task for are matched by task name, range and destination (a crash
 * between CreateExportTask and the checkpoint).
 */
async function reconcile(o: BackfillOptions, file: string): Promise<{ adopted: number }> {
    const { api, state } = o;
    const open = state.chunks.filter(c => c.status !== "completed");
    const notBefore = tasksNotBefore(state.chunks);
    const recorded = state.chunks.some(c => c.taskId !== undefined);
    const ahead = await o.lists;
    const lists = ahead !== undefined && ahead.notBefore <= notBefore && Date.now() - ahead.readAt <= LISTS_MAX_AGE_MS
        ? ahead : await readTaskLists(api, o.queueKey, notBefore, recorded);
    const { index, active } = lists;
    const ended = lists.ended ?? (recorded ? await listEnded(api, { deadline: Date.now() + 300_000, queueKey: o.queueKey }) : []);
    const byId = (id: string): ExportTaskInfo | undefined => active.find(t => t.taskId === id) ?? index.byId.get(id) ?? ended.find(t => t.taskId === id);
    // A chunk the checkpoint says is done must be done in AWS too, else it would never be exported.
    for (const c of state.chunks.filter(x => x.status === "completed")) {
        const task = byId(c.taskId as string);
        if (task !== undefined && (task.statusCode !== "COMPLETED" || !matchesRequest(task, chunkRequest(state, c)))) {
            throw new ValidationError("--state", `${file} says chunk ${c.logGroupName} ${new Date(c.from).toISOString()} is completed by task ${c.taskId}, ` +
                `but DescribeExportTasks lists that task as ${task.statusCode ?? "unknown"}${task.statusCode === "COMPLETED" ? " for another export" : ""}: ` +
                `the checkpoint is not trusted: ${RECOVER}`);
        }
        if (c.durationMs !== undefined) {
            recordDuration(o.queueKey, c.durationMs);
        }
    }
    if (open.length === 0) {
        return { adopted: 0 };
    }
    let adopted = 0;
    for (const c of open) {
        let task: ExportTaskInfo | undefined;
        if (c.taskId !== undefined) {
            task = byId(c.taskId);
            // A chunk recorded FAILED or CANCELLED is exported again: its task is not described one by one.
            if (task === undefined && c.status === "running") {
                task = await describeTask(api, c.taskId, { deadline: Date.now() + 60_000 });
            }
        }
        const recordedEnded = c.status === "failed" || c.status === "cancelled";
        if (task !== undefined && (task.statusCode === "FAILED" || task.statusCode === "CANCELLED")) {
            if (c.status === "running") {
                o.onEvent?.({ kind: "retrying", chunk: c, taskId: task.taskId, statusCode: task.statusCode, message: task.statusMessage });
            }
            task = undefined;
        } else if (task === undefined && recordedEnded) {
            task = undefined;
        }
        const request = chunkRequest(state, c);
        task ??= pickAdoptable(active, request) ?? findInIndex(index, request);
        markChanged(state, c);
        if (task === undefined) {
            c.status = "pending";
            c.taskId = undefined;
            continue;
        }
        c.taskId = task.taskId;
        c.adopted = true;
        adopted++;
        if (task.statusCode === "COMPLETED") {
            c.status = "completed";
            c.durationMs = awsDuration(task);
        } else {
            c.status = "running";
        }
        c.message = task.statusMessage;
    }
    o.save(state);
    return { adopted };
}

/** Runs the backfill described by `o.state`; never throws for a failed chunk (see the result). */
export async function runBackfill(o: BackfillOptions): Promise<BackfillResult> {
    const { api, state } = o;
    const emit = o.onEvent ?? (() => undefined);
    const wait = o.wait !== false;
    const sleep = abortableSleep(o.signal);
    const result: BackfillResult = {
        created: 0, adopted: 0, alreadyDone: state.chunks.filter(c => c.status === "completed").length, failed: [], interrupted: false,
    };
    const { adopted } = await reconcile(o, o.file ?? "the checkpoint");
    result.adopted = adopted;
    const running = state.chunks.filter(c => c.status === "running");
    emit({ kind: "resumed", completed: state.chunks.filter(c => c.status === "completed").length, adopted, running: running[0] });

    // A task still running holds the account's slot: finish it first, then the rest oldest first.
    const queue = [...running, ...state.chunks.filter(c => c.status !== "completed" && c.status !== "running")];
    const durations = state.chunks.map(c => c.durationMs).filter((d): d is number => d !== undefined);
    let active: ChunkState | undefined;
    // A finished chunk is saved with the next create (right after CreateExportTask is sent), or at the end.
    const save = (...changed: ChunkState[]): void => {
        markChanged(state, ...changed);
        o.save(state);
    };
    /** The last save of a run: the checkpoint left behind is one whole snapshot. */
    const saveFinal = (...changed: ChunkState[]): void => {
        compactOnNextSave(state);
        save(...changed);
    };
    let unsaved: ChunkState[] = [];
    // The first attempt of a chunk is checkpointed before its create: the first chunk's now, the
    // next one's with the save that follows each create (no save of its own between two tasks).
    const noteAttempt = (c: ChunkState | undefined): ChunkState[] => {
        if (c === undefined || c.firstAttemptAt !== undefined || (c.status === "running" && c.taskId !== undefined)) {
            return [];
        }
        c.firstAttemptAt = Date.now();
        return [c];
    };
    const firstNoted = noteAttempt(queue[0]);
    if (firstNoted.length > 0) {
        save(...firstNoted);
    }
    try {
        for (const [i, c] of queue.entries()) {
            if (o.signal?.aborted === true) {
                throw interruptedError();
            }
            active = c;
            const t0 = Date.now();
            const engine: EngineOptions = {
                deadline: t0 + (o.chunkTimeoutMs ?? 7 * 86_400_000),
                queueKey: o.queueKey,
                waitForCompletion: wait,
                // Looks up this chunk's task again right before creating: a concurrent run (another
                // --state file) may have started or finished it since reconcile() listed the tasks.
                expectedDurationMs: median(durations.slice(-5)),
                explain: o.explain,
                timing: o.timing,
                adoptNotBefore: adoptionBound(c) - CLOCK_MARGIN_MS,
                sleep,
                onProgress: event => {
                    if (event.kind === "created" || event.kind === "adopted") {
                        c.taskId = event.taskId;
                        c.status = "running";
                        c.adopted = event.kind === "adopted";
                        if (event.kind === "created") {
                            result.created++;
                        } else {
                            result.adopted++;
                        }
                        save(c, ...unsaved, ...noteAttempt(queue[i + 1]));
                        unsaved = [];
                    }
                    emit({ kind: "engine", chunk: c, event });
                },
            };
            const adopting = c.status === "running" && c.taskId !== undefined;
            emit({ kind: "start", chunk: c, adopting });
            let task: ExportTaskInfo | undefined;
            try {
                if (adopting) {
                    const seen = await describeTask(api, c.taskId as string, engine);
                    if (!wait && seen !== undefined && !isTerminal(seen.statusCode)) {
                        result.startedTask = { chunk: c, taskId: c.taskId as string, alreadyRunning: true };
                        saveFinal(...unsaved);
                        return result;
                    }
                    // Started by an earlier run: its run time so far is unknown, so no predicted first poll.
                    task = await waitForTask(api, seen ?? { taskId: c.taskId as string, statusCode: "RUNNING" }, { ...engine, expectedDurationMs: undefined });
                } else {
                    task = (await runExport(api, chunkRequest(state, c), engine)).task;
                    if (!wait && !isTerminal(task.statusCode)) {
                        result.startedTask = { chunk: c, taskId: task.taskId, alreadyRunning: false };
                        saveFinal(...unsaved);
                        return result;
                    }
                }
                c.status = "completed";
                c.message = task.statusMessage;
                c.durationMs = awsDuration(task);
                if (c.durationMs !== undefined) {
                    durations.push(c.durationMs);
                }
            } catch (e) {
                if (!isExportError(e)) {
                    throw e;
                }
                c.status = e.reason === "cancelled" ? "cancelled" : "failed";
                c.message = e.message;
                if (e.task !== undefined) {
                    c.taskId = e.task.taskId;
                }
                result.failed.push(c);
                if (e.reason === "rejected") {
                    result.stoppedBy = e.message;
                    saveFinal(c, ...unsaved);
                    emit({ kind: "done", chunk: c, wallMs: Date.now() - t0 });
                    return result;
                }
            }
            unsaved.push(c);
            emit({ kind: "done", chunk: c, wallMs: Date.now() - t0 });
            active = undefined;
        }
        saveFinal(...unsaved);
        return result;
    } catch (e) {
        if (!isInterrupt(e)) {
            saveFinal(...unsaved, ...(active === undefined ? [] : [active]));
            throw e;
        }
        result.interrupted = true;
        if (active?.taskId !== undefined && active.status === "running") {
            let cancelled = false;
            if (o.cancelOnInterrupt === true) {
                const outcome = await cancelExport(api, active.taskId, { deadline: Date.now() + 60_000 });
                cancelled = outcome === "cancelled";
                if (cancelled) {
                    active.status = "cancelled";
                    active.message = "cancelled on interrupt (--cancel-on-interrupt)";
                }
            }
            result.activeTask = { taskId: active.taskId, cancelled };
        }
        saveFinal(...unsaved, ...(active === undefined ? [] : [active]));
        return result;
    }
}
