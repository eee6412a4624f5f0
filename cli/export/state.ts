/**
 * The backfill checkpoint, so that rerunning the same command after a crash or Ctrl-C skips what is
 * done and adopts the task that is still running instead of starting a duplicate. Two files:
 * - `<file>`: a snapshot of the whole state (JSON, written atomically: temporary file, then rename);
 * - `<file>.journal`: the chunks changed since that snapshot, one JSON line per change, appended.
 * A save appends the chunks marked changed ({@link markChanged}), so the bytes written over a
 * backfill grow with the number of changes, not with changes x chunks (issue 14: rewriting the whole
 * file twice per chunk wrote about 45 GiB for 10,000 chunks). The journal is folded into a new
 * snapshot once it outgrows it. Crash-safe: the journal's first line names the snapshot generation
 * it extends (a journal of an older generation is ignored, its changes being in the snapshot), and a
 * torn last line (a crash mid-append) is ignored. Version 2 files without a journal load as before.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ValidationError } from "../../policies/validate";
import { Chunk, chunkTaskName, isoTime, isRelativeTime, planJobChunks } from "./plan";

/** What the user asked for; two runs with the same spec are the same backfill. */
export interface JobSpec {
    readonly logGroupNames: readonly string[];
    /** `--from` / `--to` as typed (relative times are resolved once, in `from` / `to`). */
    readonly fromArg: string;
    readonly toArg: string;
    readonly from: number;
    /** Exclusive end of the range. */
    readonly to: number;
    readonly chunk: string;
    readonly chunkMs: number;
    readonly bucket: string;
    readonly prefix: string;
    readonly streamPrefix?: string;
    readonly region: string;
    readonly roleArn?: string;
    /**
     * `--since-last`: where each log group starts instead of `from` (the end of its last completed
     * export); a group at or past `to` has no chunk. Not part of the key: it continues the same backfill.
     */
    readonly groupFrom?: Readonly<Record<string, number>>;
}

/** Where a chunk is. `running`: a task was created (or adopted) and may still be active. */
export type ChunkStatus = "pending" | "running" | "completed" | "failed" | "cancelled";

export interface ChunkState extends Chunk {
    readonly taskName: string;
    status: ChunkStatus;
    taskId?: string;
    /** AWS's status message, or why the task could not be created. */
    message?: string;
    /** The task was created by an earlier run (found running or finished). */
    adopted?: boolean;
    /** Run time of the task as AWS reports it (completionTime - creationTime), when it does. */
    durationMs?: number;
    /**
     * When (epoch ms, this machine's clock) a run was first about to create this chunk's task,
     * checkpointed before that CreateExportTask was sent: no task of this chunk from these runs is
     * older, so the search for one a crashed run left reads no further back (see `adoptNotBefore`).
     */
    firstAttemptAt?: number;
}

/**
 * Version 2: chunk ends are exclusive (`[from, to)`). Version 1 files stored inclusive ends
 * (`to` = next chunk's start - 1 ms); {@link loadState} converts them.
 */
export const STATE_VERSION = 2;

export interface BackfillState {
    readonly version: typeof STATE_VERSION;
    readonly key: string;
    readonly job: JobSpec;
    readonly createdAt: string;
    updatedAt: string;
    readonly chunks: ChunkState[];
}

/**
 * The identity of a backfill: the fields that decide which tasks it creates, with the times as
 * typed (so `--from -7d` reruns resume the run that resolved it).
 */
export function jobKey(job: Omit<JobSpec, "from" | "to">): string {
    const identity = {
        logGroupNames: job.logGroupNames, from: job.fromArg.trim(), to: job.toArg.trim(), chunkMs: job.chunkMs,
        bucket: job.bucket, prefix: job.prefix, streamPrefix: job.streamPrefix ?? null, region: job.region, roleArn: job.roleArn ?? null,
    };
    return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 12);
}

/** `./.cwlogs-export/<bucket>-<key>.json`. */
export function defaultStatePath(bucket: string, key: string, cwd = process.cwd()): string {
    return path.join(cwd, ".cwlogs-export", `${bucket}-${key}.json`);
}

/** A fresh state: every chunk pending. */
export function newState(key: string, job: JobSpec, chunks: readonly Chunk[], now = new Date()): BackfillState {
    return {
        version: STATE_VERSION, key, job, createdAt: now.toISOString(), updatedAt: now.toISOString(),
        chunks: chunks.map(c => ({ ...c, taskName: chunkTaskName(c), status: "pending" as ChunkStatus })),
    };
}

/** How to recover from a checkpoint that cannot be trusted; nothing already exported is lost. */
export const RECOVER = "delete it (or pass another --state file) and rerun the same command: tasks already created are found " +
    "in AWS's task list by name, range and destination and adopted, not exported again.";

/**
 * Reads a state file; `undefined` when there is none. A version 1 file (inclusive chunk ends) is
 * converted, and `converted` says so. Throws a ValidationError naming `--state` when it is
 * unreadable or not a checkpoint at all; {@link checkState} checks its content against the plan.
 */
export function loadState(file: string): (BackfillState & { converted?: number }) | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") {
            return undefined;
        }
        throw new ValidationError("--state", `cannot read ${file} (${(e as Error).message}): fix its permissions, or pass another --state file.`);
    }
    let state: BackfillState;
    try {
        state = JSON.parse(text) as BackfillState;
    } catch {
        throw new ValidationError("--state", `${file} is not a cwlogs-export state file (not JSON): pass another --state file, or delete it to start over.`);
    }
    const version = (state as { version?: unknown } | null)?.version;
    if ((version !== 1 && version !== STATE_VERSION) || typeof state.key !== "string" || !Array.isArray(state.chunks)
        || typeof state.job !== "object" || state.job === null) {
        throw new ValidationError("--state", `${file} is not a cwlogs-export state file (or one of a newer version): pass another --state file, or delete it to start over.`);
    }
    const generation = (state as { journalGeneration?: unknown }).journalGeneration;
    if (typeof generation === "number") {
        delete (state as { journalGeneration?: unknown }).journalGeneration;
        replayJournal(file, state, generation);
    }
    if (version === 1) {
        // Version 1 stored CreateExportTask's inclusive end; the same tasks, written as exclusive ends.
        const chunks = state.chunks.map(c => (c !== null && typeof c === "object" && typeof c.to === "number" ? { ...c, to: c.to + 1 } : c));
        return { ...state, version: STATE_VERSION, chunks, converted: 1 };
    }
    return state;
}

const STATUSES: readonly string[] = ["pending", "running", "completed", "failed", "cancelled"];

function describeChunk(c: Chunk): string {
    return `${c.logGroupName} ${isoTime(c.from)}..${isoTime(c.to)}`;
}

/**
 * Checks a loaded checkpoint against the backfill the command plans (`job`, with the times this run
 * resolved): the same job, every planned chunk present once with its range and task name, valid
 * statuses, a task id wherever a task was started. Returns what is wrong, or `undefined`. A
 * checkpoint that fails is never used: a chunk dropped or marked completed by mistake would never
 * be exported, a shifted range would be exported twice.
 */
export function checkState(state: BackfillState, job: JobSpec): string | undefined {
    const saved = state.job as Partial<JobSpec>;
    let key: string | undefined;
    try {
        key = jobKey(state.job);
    } catch {
        key = undefined;
    }
    if (key !== state.key) {
        return "its job does not match its key (the file was edited)";
    }
    if (typeof saved.from !== "number" || typeof saved.to !== "number" || typeof saved.chunkMs !== "number" || !Array.isArray(saved.logGroupNames)) {
        return "its job has no resolved range";
    }
    if (!isRelativeTime(job.fromArg) && saved.from !== job.from) {
        return `its range starts at ${isoTime(saved.from)}, not at --from ${isoTime(job.from)}`;
    }
    if (!isRelativeTime(job.toArg) && saved.to !== job.to) {
        return `its range ends at ${isoTime(saved.to)}, not at --to ${isoTime(job.to)}`;
    }
    let planned: Chunk[];
    try {
        planned = planJobChunks(saved as JobSpec);
    } catch {
        return "its range is empty";
    }
    if (state.chunks.length !== planned.length) {
        return `it lists ${state.chunks.length} chunks where the plan has ${planned.length}`;
    }
    for (let i = 0; i < planned.length; i++) {
        const p = planned[i];
        const c = state.chunks[i] as Partial<ChunkState> | null;
        const where = `chunk ${i + 1} of ${planned.length} (${describeChunk(p)})`;
        if (c === null || typeof c !== "object") {
            return `${where} is ${JSON.stringify(c)}`;
        }
        if (c.logGroupName !== p.logGroupName || c.from !== p.from || c.to !== p.to || c.taskName !== chunkTaskName(p)) {
            const found = typeof c.from === "number" && typeof c.to === "number" ? `${c.logGroupName} ${isoTime(c.from)}..${isoTime(c.to)}` : JSON.stringify(c);
            return `${where} is recorded as ${found}${c.taskName !== chunkTaskName(p) ? ` named ${JSON.stringify(c.taskName)}` : ""}`;
        }
        if (typeof c.status !== "string" || !STATUSES.includes(c.status)) {
            return `${where} has status ${JSON.stringify(c.status)}`;
        }
        if (c.taskId !== undefined && (typeof c.taskId !== "string" || c.taskId === "")) {
            return `${where} has task id ${JSON.stringify(c.taskId)}`;
        }
        if ((c.status === "completed" || c.status === "running") && c.taskId === undefined) {
            return `${where} is ${c.status} without a task id`;
        }
    }
    return undefined;
}

/** The journal beside checkpoint `file`. */
export function journalPath(file: string): string {
    return `${file}.journal`;
}

/** Smallest journal folded into a new snapshot, whatever the snapshot's size. */
const MIN_COMPACT_BYTES = 64 * 1024;

interface Session {
    readonly state: BackfillState;
    generation: number;
    snapshotBytes: number;
    journalBytes: number;
    /** Chunk positions, built once per session. */
    index?: Map<ChunkState, number>;
}

/** What this process wrote to each checkpoint, so the next save can append instead of rewriting. */
const sessions = new Map<string, Session>();
const changed = new WeakMap<BackfillState, Set<ChunkState>>();

/** Bytes written to checkpoint files by this process (snapshots and journals), for benchmarks. */
export const checkpointBytes = { written: 0 };

const compactNext = new WeakSet<BackfillState>();

/**
 * Makes the next {@link saveState} of `state` write a whole snapshot (and an empty journal): at the
 * end of a run, so that the checkpoint a run leaves is one plain JSON file again.
 */
export function compactOnNextSave(state: BackfillState): void {
    compactNext.add(state);
}

/**
 * Marks chunks changed since the last save: the next {@link saveState} appends only them. A save
 * with nothing marked rewrites the whole snapshot (callers that do not mark stay correct).
 */
export function markChanged(state: BackfillState, ...chunks: ChunkState[]): void {
    let set = changed.get(state);
    if (set === undefined) {
        set = new Set();
        changed.set(state, set);
    }
    for (const c of chunks) {
        set.add(c);
    }
}

function writeAtomic(file: string, text: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    checkpointBytes.written += Buffer.byteLength(text);
}

/** Writes the whole state as a new snapshot generation and starts its journal. */
function compact(file: string, state: BackfillState, previous: number): Session {
    const generation = previous + 1;
    const snapshot = `${JSON.stringify({ ...state, journalGeneration: generation }, null, 2)}\n`;
    writeAtomic(file, snapshot);
    const header = `${JSON.stringify({ generation, key: state.key })}\n`;
    writeAtomic(journalPath(file), header);
    return { state, generation, snapshotBytes: Buffer.byteLength(snapshot), journalBytes: Buffer.byteLength(header) };
}

/**
 * Saves the state: appends the chunks marked with {@link markChanged} to the journal, or writes a
 * new snapshot (first save of this process, nothing marked, or a journal grown past the snapshot).
 * A crash never leaves a state that loads wrong (see the module comment).
 */
export function saveState(file: string, state: BackfillState): void {
    state.updatedAt = new Date().toISOString();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const marks = changed.get(state);
    changed.delete(state);
    const session = sessions.get(file);
    const final = compactNext.delete(state);
    if (final || session === undefined || session.state !== state || marks === undefined
        || session.journalBytes > Math.max(MIN_COMPACT_BYTES, session.snapshotBytes)) {
        sessions.set(file, compact(file, state, session?.generation ?? readGeneration(file)));
        return;
    }
    if (marks.size === 0) {
        return;
    }
    if (session.index === undefined) {
        session.index = new Map(state.chunks.map((c, i) => [c, i]));
    }
    let lines = "";
    for (const c of marks) {
        const i = session.index.get(c);
        if (i === undefined) {
            sessions.set(file, compact(file, state, session.generation));
            return;
        }
        lines += `${JSON.stringify({ i, c, u: state.updatedAt })}\n`;
    }
    fs.appendFileSync(journalPath(file), lines);
    session.journalBytes += Buffer.byteLength(lines);
    checkpointBytes.written += Buffer.byteLength(lines);
}

/** The snapshot generation of an existing checkpoint (0 when none): new generations must differ from it. */
function readGeneration(file: string): number {
    try {
        const g = (JSON.parse(fs.readFileSync(file, "utf8")) as { journalGeneration?: unknown }).journalGeneration;
        return typeof g === "number" ? g : 0;
    } catch {
        return 0;
    }
}

/**
 * Applies the journal of checkpoint `file` to `state` (loaded from its snapshot of `generation`).
 * Ignores a journal of another generation and a torn last line; refuses a damaged line elsewhere.
 */
function replayJournal(file: string, state: BackfillState, generation: number): void {
    let text: string;
    try {
        text = fs.readFileSync(journalPath(file), "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") {
            return;
        }
        throw new ValidationError("--state", `cannot read ${journalPath(file)} (${(e as Error).message}): fix its permissions, or pass another --state file.`);
    }
    const lines = text.split("\n");
    const complete = text.endsWith("\n") ? lines.slice(0, -1) : lines;
    const parsed: unknown[] = [];
    for (let n = 0; n < complete.length; n++) {
        try {
            parsed.push(JSON.parse(complete[n]));
        } catch {
            if (n === complete.length - 1) {
                break;
            }
            throw new ValidationError("--state", `${journalPath(file)} line ${n + 1} is damaged: ${RECOVER}`);
        }
    }
    const header = parsed[0] as { generation?: unknown; key?: unknown } | undefined;
    if (header?.generation !== generation || header.key !== state.key) {
        return;
    }
    for (const line of parsed.slice(1)) {
        const l = line as { i?: unknown; c?: unknown; u?: unknown } | null;
        if (l === null || typeof l.i !== "number" || !Number.isInteger(l.i) || l.i < 0 || l.i >= state.chunks.length || typeof l.c !== "object") {
            // A snapshot edited by hand: checkState compares every chunk with the plan and says what is wrong.
            continue;
        }
        state.chunks[l.i] = l.c as ChunkState;
        if (typeof l.u === "string") {
            state.updatedAt = l.u;
        }
    }
}

/** Counts of chunks by status. */
export function countByStatus(state: BackfillState): Record<ChunkStatus, number> {
    const counts: Record<ChunkStatus, number> = { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const c of state.chunks) {
        counts[c.status]++;
    }
    return counts;
}
