/**
 * The manifest of a backfill: what was exported, chunk by chunk (log group and range -> export task
 * -> S3 location -> objects and bytes found there when the bucket can be listed). It is written beside
 * the checkpoint (`<state>.manifest.json`) at the end of every `export` run, and `cwlogs-export
 * verify --manifest FILE` checks later that the objects are still there.
 *
 * AWS writes an export task's objects under `<destinationPrefix>/<taskId>/<logStream>/000000.gz`
 * (CloudWatch Logs User Guide, S3ExportTasks.html), so a task's objects are the keys under
 * `<prefix>/<taskId>/`.
 */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as path from "path";
import { awsErrorName } from "../aws";
import { isoTime } from "./plan";
import { BackfillState, ChunkStatus } from "./state";

export const MANIFEST_KIND = "cwlogs-export-manifest";
export const MANIFEST_VERSION = 1;

/** One chunk of the backfill and, once a task exported it, where its objects are. */
export interface ManifestChunk {
    readonly logGroupName: string;
    /** Range of the chunk, ms since the epoch: `[from, to)`. */
    readonly from: number;
    readonly to: number;
    /** The same range, ISO-8601, for people reading the file. */
    readonly range: string;
    readonly status: ChunkStatus;
    readonly taskName: string;
    readonly taskId?: string;
    /** `s3://<bucket>/<prefix>/<taskId>/`: where AWS wrote the task's objects. */
    readonly location?: string;
    /** Objects and bytes under `location` when it was listed (completed chunks only). */
    readonly objects?: number;
    readonly bytes?: number;
    /** Why `location` could not be listed (e.g. no s3:ListBucket), when it could not. */
    readonly listError?: string;
}

/** The manifest file. */
export interface Manifest {
    readonly kind: typeof MANIFEST_KIND;
    readonly version: typeof MANIFEST_VERSION;
    readonly generatedAt: string;
    /** The checkpoint it was built from. */
    readonly stateFile: string;
    readonly region: string;
    readonly bucket: string;
    readonly prefix: string;
    readonly logGroupNames: readonly string[];
    readonly from: number;
    readonly to: number;
    readonly chunk: string;
    readonly chunks: readonly ManifestChunk[];
}

/** What listing one task's folder found. */
export type TaskListing = { readonly objects: number; readonly bytes: number } | { readonly error: string };

/** `<state>.manifest.json` beside `<state>.json`. */
export function manifestPath(stateFile: string): string {
    return `${stateFile.replace(/\.json$/i, "")}.manifest.json`;
}

/** The key prefix of a task's objects: `<prefix>/<taskId>/`. */
export function taskKeyPrefix(prefix: string, taskId: string): string {
    return `${prefix.replace(/\/+$/, "")}/${taskId}/`;
}

/**
 * The manifest of `state`. `listings` holds what listing each completed task's folder found, by task
 * ID; a completed chunk without one has no counts.
 */
export function buildManifest(state: BackfillState, stateFile: string, listings: ReadonlyMap<string, TaskListing>, now = new Date()): Manifest {
    const j = state.job;
    return {
        kind: MANIFEST_KIND, version: MANIFEST_VERSION, generatedAt: now.toISOString(), stateFile,
        region: j.region, bucket: j.bucket, prefix: j.prefix, logGroupNames: j.logGroupNames, from: j.from, to: j.to, chunk: j.chunk,
        chunks: state.chunks.map(c => {
            const listed = c.status === "completed" && c.taskId !== undefined ? listings.get(c.taskId) : undefined;
            return {
                logGroupName: c.logGroupName, from: c.from, to: c.to, range: `${isoTime(c.from)}..${isoTime(c.to)}`,
                status: c.status, taskName: c.taskName,
                ...(c.taskId === undefined ? {} : { taskId: c.taskId, location: `s3://${j.bucket}/${taskKeyPrefix(j.prefix, c.taskId)}` }),
                ...(listed === undefined ? {} : "error" in listed ? { listError: listed.error } : { objects: listed.objects, bytes: listed.bytes }),
            };
        }),
    };
}

/** Pages of ListObjectsV2 one task folder may take (1,000 keys a page). */
const MAX_PAGES = 1000;

/**
 * Objects and bytes under `<prefix>/<taskId>/` (AWS's `aws-logs-write-test` permission-check object
 * left out, wherever it is).
 */
export async function listTaskObjects(s3: S3Client, bucket: string, prefix: string, taskId: string): Promise<TaskListing> {
    let objects = 0;
    let bytes = 0;
    let token: string | undefined;
    try {
        for (let page = 0; page < MAX_PAGES; page++) {
            const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: taskKeyPrefix(prefix, taskId), ContinuationToken: token }));
            for (const o of out.Contents ?? []) {
                if ((o.Key ?? "").endsWith("aws-logs-write-test")) {
                    continue;
                }
                objects++;
                bytes += o.Size ?? 0;
            }
            token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
            if (token === undefined) {
                return { objects, bytes };
            }
        }
        return { error: `more than ${MAX_PAGES * 1000} objects: not counted` };
    } catch (e) {
        return { error: `${awsErrorName(e)}: ${e instanceof Error ? e.message : String(e)}` };
    }
}

/**
 * Reads a manifest file; throws an Error saying what is wrong (the caller names its flag). Checks
 * the fields `verify` relies on, not every field.
 */
export function readManifest(file: string): Manifest {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new Error((e as NodeJS.ErrnoException).code === "ENOENT" ? `${file} does not exist` : `cannot read ${file} (${(e as Error).message})`);
    }
    let m: Partial<Manifest> | null;
    try {
        m = JSON.parse(text) as Partial<Manifest> | null;
    } catch {
        throw new Error(`${file} is not JSON`);
    }
    if (m === null || typeof m !== "object" || m.kind !== MANIFEST_KIND) {
        throw new Error(`${file} is not a cwlogs-export manifest (a checkpoint's manifest is <state>.manifest.json)`);
    }
    if (m.version !== MANIFEST_VERSION) {
        throw new Error(`${file} is a manifest of version ${JSON.stringify(m.version)}; this cwlogs-export reads version ${MANIFEST_VERSION}`);
    }
    if (typeof m.bucket !== "string" || typeof m.prefix !== "string" || typeof m.region !== "string" || !Array.isArray(m.chunks)) {
        throw new Error(`${file} lacks its bucket, prefix, region or chunks (edited or damaged)`);
    }
    for (const [i, c] of m.chunks.entries()) {
        if (c === null || typeof c !== "object" || typeof c.logGroupName !== "string" || typeof c.status !== "string"
            || (c.taskId !== undefined && typeof c.taskId !== "string") || (c.status === "completed" && c.taskId === undefined)) {
            throw new Error(`${file}: chunk ${i + 1} is not a manifest chunk with a log group, a status and (when completed) a task ID`);
        }
    }
    return m as Manifest;
}

function loadPrevious(file: string): Manifest | undefined {
    try {
        return readManifest(file);
    } catch {
        return undefined;
    }
}

/** Completed tasks' folders listed side by side: a small pool, so a large backfill does not take a call at a time. */
const LIST_CONCURRENCY = 4;

/**
 * Lists each task's folder as soon as its chunk completes, while the next task runs, so the manifest
 * at the end of a run waits only for the last one (a 10,000-chunk backfill does not end with 10,000
 * listings). Pass {@link EarlyListings.started} to {@link writeManifest}. A listing never rejects.
 */
export class EarlyListings {
    readonly started = new Map<string, Promise<TaskListing>>();
    constructor(private readonly s3: () => S3Client, private readonly bucket: string, private readonly prefix: string) {}
    /** Starts listing the folder of `taskId` (once). */
    add(taskId: string): void {
        if (!this.started.has(taskId)) {
            this.started.set(taskId, listTaskObjects(this.s3(), this.bucket, this.prefix, taskId));
        }
    }
}

/**
 * Writes the manifest of `state` beside `stateFile`, atomically, and returns its path. Task folders
 * an earlier manifest of the same checkpoint already counted are not listed again: the counts are
 * what the export wrote, and `verify` is what checks they are still there. Never throws: a manifest
 * that cannot be written is a warning (the export itself is done and checkpointed).
 */
export async function writeManifest(s3: S3Client, state: BackfillState, stateFile: string, warn: (text: string) => void,
    early?: ReadonlyMap<string, Promise<TaskListing>>): Promise<string | undefined> {
    const file = manifestPath(stateFile);
    try {
        const listings = new Map<string, TaskListing>();
        for (const [id, listing] of early ?? []) {
            listings.set(id, await listing);
        }
        for (const c of loadPrevious(file)?.chunks ?? []) {
            if (listings.has(c.taskId ?? "")) {
                continue;
            }
            if (c.status === "completed" && c.taskId !== undefined && typeof c.objects === "number" && typeof c.bytes === "number") {
                listings.set(c.taskId, { objects: c.objects, bytes: c.bytes });
            }
        }
        const todo = [...new Set(state.chunks.filter(c => c.status === "completed" && c.taskId !== undefined && !listings.has(c.taskId))
            .map(c => c.taskId as string))];
        let next = 0;
        await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, todo.length) }, async () => {
            while (next < todo.length) {
                const id = todo[next++];
                listings.set(id, await listTaskObjects(s3, state.job.bucket, state.job.prefix, id));
            }
        }));
        const manifest = buildManifest(state, stateFile, listings);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
        fs.renameSync(tmp, file);
        return file;
    } catch (e) {
        warn(`warning: the manifest ${file} was not written (${(e as Error).message}); the checkpoint is, and the next run writes the manifest.\n`);
        return undefined;
    }
}
