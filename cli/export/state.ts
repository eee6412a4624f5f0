/**
 * The backfill checkpoint: a small JSON file written (atomically) after every change of a chunk, so
 * that rerunning the same command after a crash or Ctrl-C skips what is done and adopts the task
 * that is still running instead of starting a duplicate.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ValidationError } from "../../policies/validate";
import { Chunk, chunkTaskName } from "./plan";

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
}

export interface BackfillState {
    readonly version: 1;
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
        version: 1, key, job, createdAt: now.toISOString(), updatedAt: now.toISOString(),
        chunks: chunks.map(c => ({ ...c, taskName: chunkTaskName(c), status: "pending" as ChunkStatus })),
    };
}

/** Reads a state file; `undefined` when there is none. Throws a ValidationError naming `--state` when unreadable. */
export function loadState(file: string): BackfillState | undefined {
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
    if (state?.version !== 1 || typeof state.key !== "string" || !Array.isArray(state.chunks) || typeof state.job !== "object") {
        throw new ValidationError("--state", `${file} is not a cwlogs-export state file: pass another --state file, or delete it to start over.`);
    }
    return state;
}

/** Writes the state atomically (temporary file, then rename): a crash never leaves half a file. */
export function saveState(file: string, state: BackfillState): void {
    state.updatedAt = new Date().toISOString();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(tmp, file);
}

/** Counts of chunks by status. */
export function countByStatus(state: BackfillState): Record<ChunkStatus, number> {
    const counts: Record<ChunkStatus, number> = { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const c of state.chunks) {
        counts[c.status]++;
    }
    return counts;
}
