/**
 * Finding the task an earlier (crashed or concurrent) run created for the same export, in accounts
 * with any number of old tasks. DescribeExportTasks has no name filter and pages 50 tasks at a time
 * (API_DescribeExportTasks: `limit` 1-50), so the COMPLETED list is read once per process and queue
 * key and then kept current cheaply:
 * - listed newest first: read from the start until a task already seen, and deeper only down to the
 *   oldest creation time a request can have (`notBefore`);
 * - listed oldest first (or in an unknown order): read everything once, then only from the last page
 *   on. With one active task per account (CloudWatch Logs quotas, "S3ExportTasks"), tasks complete in
 *   the order they were created, so new COMPLETED tasks only ever join the end of that list.
 * The index lives on `globalThis` (see ./queue) so every engine copy of a process shares it, and
 * concurrent lookups share one read. No SDK: pages come from the caller.
 */
import { matchesRequest } from "./decisions";
import { ExportRequest, ExportTaskInfo, ExportTaskPage } from "./types";

/** How DescribeExportTasks orders the tasks of a page, as seen from their creation times. */
export type ListOrder = "oldest-first" | "newest-first" | "unknown";

/**
 * The order of `tasks` (one page, in list order), given the creation time of the last task of the
 * previous page; `unknown` when the creation times do not tell (none listed, or all equal).
 */
export function listOrder(tasks: readonly ExportTaskInfo[], previousLast?: number): ListOrder {
    const times = [...(previousLast === undefined ? [] : [previousLast]),
        ...tasks.map(t => t.creationTime).filter((x): x is number => x !== undefined)];
    let up = 0;
    let down = 0;
    for (let i = 1; i < times.length; i++) {
        up += times[i] > times[i - 1] ? 1 : 0;
        down += times[i] < times[i - 1] ? 1 : 0;
    }
    return up > down ? "oldest-first" : down > up ? "newest-first" : "unknown";
}

/** Reads one page of COMPLETED tasks (50 at most) from `nextToken`, retries included. */
export type PageReader = (nextToken: string | undefined) => Promise<ExportTaskPage>;

/** The per-process index of COMPLETED tasks of one queue key. */
export interface TaskIndex {
    readonly byName: Map<string, ExportTaskInfo[]>;
    readonly byId: Map<string, ExportTaskInfo>;
    order: ListOrder;
    /** A first read was done. */
    scanned: boolean;
    /** Oldest first / unknown: the token that lists the last page read again (undefined: the first page). */
    tailToken?: string;
    /** Newest first: oldest creation time read so far, the token after it, and whether the list ended there. */
    deepest?: number;
    deepToken?: string;
    exhausted: boolean;
    /** The lowest `notBefore` asked for since the last read. */
    want?: number;
    running?: Promise<void>;
    next?: Promise<void>;
    /** DescribeExportTasks pages read, for tests and benchmarks. */
    pagesRead: number;
    /**
     * The last read of the account's RUNNING tasks (DescribeExportTasks by status): the tasks, the
     * event count at its start and its start (epoch ms). With a read of this index started after it,
     * it is a lookup that a create may follow (see {@link lookupNeeds}).
     */
    runningRead?: { readonly tasks: readonly ExportTaskInfo[]; readonly started: number; readonly at: number; spent?: boolean };
    /**
     * Order of events on this index (a counter, not a clock: two events in one millisecond stay
     * ordered): `events` counts them, `readStarted` is the count at the start of the last read,
     * `createSent` at this process's last CreateExportTask for the queue key.
     */
    events: number;
    readStarted?: number;
    createSent?: number;
    /**
     * This process's last task created for the queue key: its id, when the create was sent (epoch ms,
     * local clock), the event count then, when the last status check that did not see it COMPLETED
     * was sent, and its run time as AWS lists it once a read of the index showed it COMPLETED (see
     * {@link lookupNeeds}).
     */
    lastCreate?: { readonly taskId: string; readonly sentAt: number; readonly event: number; notDoneAt?: number; doneMs?: number };
}

export function newTaskIndex(): TaskIndex {
    return { byName: new Map(), byId: new Map(), order: "unknown", scanned: false, exhausted: false, pagesRead: 0, events: 0 };
}

function add(ix: TaskIndex, tasks: readonly ExportTaskInfo[]): number {
    let fresh = 0;
    for (const t of tasks) {
        if (t.statusCode !== "COMPLETED" || ix.byId.has(t.taskId)) {
            continue;
        }
        fresh++;
        ix.byId.set(t.taskId, t);
        const name = t.taskName ?? "";
        const list = ix.byName.get(name);
        if (list === undefined) {
            ix.byName.set(name, [t]);
        } else {
            list.push(t);
        }
    }
    return fresh;
}

function oldest(tasks: readonly ExportTaskInfo[]): number | undefined {
    const times = tasks.map(t => t.creationTime).filter((x): x is number => x !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
}

/** Reads from `token` on, learning the order, until the list ends or (newest first) tasks are older than `notBefore`. */
async function readFrom(ix: TaskIndex, read: PageReader, token: string | undefined, notBefore: number | undefined): Promise<void> {
    let last: number | undefined;
    for (;;) {
        const page = await read(token);
        ix.pagesRead++;
        add(ix, page.tasks);
        const seen = listOrder(page.tasks, last);
        if (ix.order === "unknown" && seen !== "unknown") {
            ix.order = seen;
        }
        last = page.tasks.length > 0 ? page.tasks[page.tasks.length - 1].creationTime ?? last : last;
        if (ix.order === "newest-first") {
            const o = oldest(page.tasks);
            ix.deepest = o === undefined ? ix.deepest : Math.min(ix.deepest ?? o, o);
            ix.deepToken = page.nextToken;
            ix.exhausted = page.nextToken === undefined;
            if (ix.exhausted || (notBefore !== undefined && ix.deepest !== undefined && ix.deepest < notBefore)) {
                return;
            }
        } else if (page.nextToken === undefined) {
            ix.tailToken = token;
            return;
        }
        token = page.nextToken;
    }
}

/** Newest first, after the first read: the new tasks at the head, until one already seen. */
async function readHead(ix: TaskIndex, read: PageReader): Promise<void> {
    let token: string | undefined;
    for (;;) {
        const page = await read(token);
        ix.pagesRead++;
        const fresh = add(ix, page.tasks);
        if (fresh < page.tasks.length || page.nextToken === undefined) {
            return;
        }
        token = page.nextToken;
    }
}

async function scan(ix: TaskIndex, read: PageReader, notBefore: number | undefined): Promise<void> {
    if (!ix.scanned) {
        await readFrom(ix, read, undefined, notBefore);
        ix.scanned = true;
        return;
    }
    if (ix.order === "newest-first") {
        await readHead(ix, read);
        if (!ix.exhausted && (notBefore === undefined || ix.deepest === undefined || ix.deepest >= notBefore)) {
            await readFrom(ix, read, ix.deepToken, notBefore);
        }
        return;
    }
    await readFrom(ix, read, ix.tailToken, notBefore);
}

/**
 * Brings `ix` up to date: every COMPLETED task created at or after `notBefore` (epoch ms; all of
 * them when undefined) that was listed when this call began is in it afterwards. Calls made while a
 * read runs share the one read that starts after it. A resumed token AWS refuses (expired) starts
 * the index over.
 */
export function refreshIndex(ix: TaskIndex, read: PageReader, notBefore?: number): Promise<void> {
    // -Infinity: every task, whatever its age.
    ix.want = Math.min(ix.want ?? Infinity, notBefore ?? -Infinity);
    const start = (): Promise<void> => {
        ix.readStarted = ++ix.events;
        const want = ix.want === undefined || ix.want === -Infinity ? undefined : ix.want;
        ix.want = undefined;
        ix.running = scan(ix, read, want).catch(async e => {
            if (!ix.scanned || (e as { name?: string }).name !== "InvalidParameterException") {
                throw e;
            }
            Object.assign(ix, newTaskIndex(), { pagesRead: ix.pagesRead, events: ix.events, readStarted: ix.readStarted, createSent: ix.createSent,
                runningRead: ix.runningRead, lastCreate: ix.lastCreate });
            await scan(ix, read, want);
        }).finally(() => { ix.running = undefined; });
        return ix.running;
    };
    if (ix.next !== undefined) {
        return ix.next;
    }
    if (ix.running !== undefined) {
        ix.next = ix.running.catch(() => undefined).then(() => {
            ix.next = undefined;
            return start();
        });
        return ix.next;
    }
    return start();
}

/**
 * Which reads the lookup before a create sent now (epoch ms) still needs, with `maxAgeMs` the longest
 * a read may stand for it (shorter than any export task runs):
 * - "none" when the last read of RUNNING tasks started at most `maxAgeMs` ago, after this process's
 *   last create, and a read of the index started after it has ended. A task of the same export
 *   that existed at the RUNNING read was seen: RUNNING in it, or COMPLETED in the index (one that
 *   completed in between too, as the index was read after). Missed are only tasks that went from
 *   PENDING or not yet created to COMPLETED between the RUNNING read and the create: a task's whole
 *   run in those milliseconds. One still active at the create surfaces through LimitExceededException.
 * - "handoff" when a read of the index showed this process's last task COMPLETED and the create
 *   follows its end by at most `maxAgeMs`: a task of the same export another run created after ours
 *   ended (one task is active per account at a time) and still ran at that read would have to run
 *   its whole course within those milliseconds. Our task's end is bounded with our clock alone: after
 *   the last check that did not see it COMPLETED was sent, and after we sent the create plus its run
 *   time as listed (completionTime less creationTime, one clock, AWS's; AWS created it after we sent
 *   the create).
 * - "index" when only the RUNNING read is recent enough (the index is read again);
 * - "both" otherwise: RUNNING tasks, then the index.
 * Reads stand for one lookup only: the caller marks them spent ({@link spendLookup}), so a lookup
 * made moments later (another export that adopted its task, created nothing) reads again.
 */
export function lookupNeeds(ix: TaskIndex, now: number, maxAgeMs: number): "none" | "handoff" | "index" | "both" {
    const idle = ix.running === undefined && ix.next === undefined;
    const l = ix.lastCreate;
    if (idle && l !== undefined && l.doneMs !== undefined && l.event === ix.createSent
        && now - Math.max(l.sentAt + l.doneMs, l.notDoneAt ?? -Infinity) <= maxAgeMs) {
        return "handoff";
    }
    const r = ix.runningRead;
    if (r === undefined || r.spent === true || now - r.at > maxAgeMs || (ix.createSent !== undefined && ix.createSent > r.started)) {
        return "both";
    }
    return idle && ix.readStarted !== undefined && ix.readStarted > r.started ? "none" : "index";
}

/** Marks the reads a lookup stood on as used ({@link lookupNeeds}). */
export function spendLookup(ix: TaskIndex): void {
    if (ix.runningRead !== undefined) {
        ix.runningRead.spent = true;
    }
    if (ix.lastCreate !== undefined) {
        ix.lastCreate.doneMs = undefined;
    }
}

/** The COMPLETED task of `request` in the index, if any. */
export function findInIndex(ix: TaskIndex, request: ExportRequest): ExportTaskInfo | undefined {
    return ix.byName.get(request.taskName)?.find(t => matchesRequest(t, request));
}

// A string, not a Symbol: Pulumi's closure serializer cannot serialize a captured Symbol.
const INDEX_KEY = "__cwlogsExportEngineTaskIndex";

/** The shared index of queue key `key` (account and region). */
export function sharedTaskIndex(key: string): TaskIndex {
    const g = globalThis as unknown as Record<string, Map<string, TaskIndex> | undefined>;
    let m = g[INDEX_KEY];
    if (m === undefined) {
        m = new Map();
        g[INDEX_KEY] = m;
    }
    let ix = m.get(key);
    if (ix === undefined) {
        ix = newTaskIndex();
        m.set(key, ix);
    }
    return ix;
}

/** Forgets the shared indexes (for tests and benchmarks). */
export function forgetTaskIndexes(): void {
    const g = globalThis as unknown as Record<string, Map<string, TaskIndex> | undefined>;
    g[INDEX_KEY]?.clear();
}
