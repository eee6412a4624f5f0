/**
 * The backfill plan: times as people type them (ISO-8601, ms epoch, `-7d`), chunk sizes, and the
 * split of a range into export chunks. Pure: the clock is a parameter.
 *
 * Every end here is EXCLUSIVE, as in "from Monday to Tuesday": a chunk is `[start, nextStart)`, the
 * same contract as ExportTask's `to` and the engine's `ExportRequest.to`. The engine alone turns it
 * into CreateExportTask's inclusive `to` (`awsTo`, citing the API reference), so consecutive chunks,
 * and a chunk next to an ExportTask, neither overlap nor leave a gap.
 */
import { MAX_EPOCH_MS as MAX_MS, parseIsoTime } from "../../dynamic-providers/inputs";
import { ValidationError } from "../../policies/validate";

const UNIT_MS: Readonly<Record<string, number>> = {
    ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000,
};

/** The named chunk sizes. */
export const NAMED_CHUNKS: Readonly<Record<string, number>> = { hour: UNIT_MS.h, day: UNIT_MS.d, week: UNIT_MS.w };

/** The Unix epoch (1970-01-01) was a Thursday: week chunks start on Monday 00:00 UTC, 4 days later. */
const WEEK_OFFSET_MS = 4 * UNIT_MS.d;

/** Shorter chunks only multiply tasks: each one waits for the account's single export slot. */
const MIN_CHUNK_MS = 60_000;

function duration(text: string): number | undefined {
    const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
    return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]];
}

/**
 * Parses a point in time: ISO-8601 with a zone (`2026-11-01T00:00:00Z`, `2026-11-01` = midnight UTC),
 * milliseconds since the epoch (`1441490400000`), `now`, or relative to `now` (`-7d`, `-12h`, `-30m`,
 * `-2w`). Throws a {@link ValidationError} naming `flag`.
 */
export function parseTime(text: string, flag: string, now: number): number {
    const t = text.trim();
    if (t === "now") {
        return now;
    }
    const rel = /^-(.+)$/.exec(t);
    if (rel !== null) {
        const d = duration(rel[1]);
        if (d === undefined) {
            throw new ValidationError(flag, `${JSON.stringify(text)} is not a relative time: use a number and a unit, e.g. -30m, -12h, -7d or -2w.`);
        }
        return inRange(now - d, text, flag);
    }
    let ms: number;
    if (/^\d+$/.test(t)) {
        if (t.length >= 10 && t.length < 12) {
            throw new ValidationError(flag, `${JSON.stringify(text)} looks like epoch seconds: CloudWatch Logs takes milliseconds, so write ${t}000.`);
        }
        ms = Number(t);
    } else {
        const p = parseIsoTime(t);
        if (typeof p !== "number") {
            const why = p === "no-zone" ? ` (add a zone: ${t}Z)` : p === "impossible" ? " (no such calendar date or time: check the month, the day and the hour)" : "";
            throw new ValidationError(flag, `${JSON.stringify(text)} is not a time${why}: use ISO-8601 with a zone (2026-11-01T00:00:00Z), ` +
                "a date (2026-11-01, midnight UTC), milliseconds since the epoch, now, or a relative time like -7d.");
        }
        ms = p;
    }
    return inRange(ms, text, flag);
}

/** 10^11 ms is 1973-03-03: anything earlier is a mistake (seconds, a typo), and CloudWatch Logs holds no such events. */
const MIN_MS = 1e11;

function inRange(ms: number, text: string, flag: string): number {
    if (ms < MIN_MS) {
        throw new ValidationError(flag, `${JSON.stringify(text)} is before ${isoTime(MIN_MS)} (10^11 ms since the epoch): ` +
            "give milliseconds since the epoch (13 digits today), an ISO-8601 time, or a relative time like -7d.");
    }
    if (ms > MAX_MS) {
        throw new ValidationError(flag, `${JSON.stringify(text)} is after the year 9999: give milliseconds since the epoch (13 digits today), an ISO-8601 time, or now.`);
    }
    return ms;
}

/** True when `text` is relative to the time it is read (`now`, `-7d`). */
export function isRelativeTime(text: string): boolean {
    return /^\s*(now|-.+)\s*$/.test(text);
}

/** Parses `--chunk`: `hour`, `day`, `week` or a duration (`6h`, `90m`, `2d`); returns milliseconds. */
export function parseChunk(text: string): number {
    const t = text.trim().toLowerCase();
    const ms = NAMED_CHUNKS[t] ?? duration(t);
    if (ms === undefined || ms < MIN_CHUNK_MS) {
        throw new ValidationError("--chunk", `${JSON.stringify(text)} is not a chunk size: use hour, day, week or a duration of at least 1m (30m, 6h, 2d).`);
    }
    return ms;
}

/** One export task's worth of a backfill: `[from, to)`. */
export interface Chunk {
    readonly logGroupName: string;
    /** Inclusive, ms since the epoch. */
    readonly from: number;
    /** Exclusive, ms since the epoch (the next chunk's `from`). */
    readonly to: number;
}

function firstBoundary(from: number, chunkMs: number): number {
    const offset = chunkMs % UNIT_MS.w === 0 ? WEEK_OFFSET_MS : 0;
    return Math.floor((from - offset) / chunkMs) * chunkMs + offset + chunkMs;
}

/** Number of chunks {@link planChunks} makes per log group, without making them. */
export function chunkCount(from: number, to: number, chunkMs: number): number {
    const next = firstBoundary(from, chunkMs);
    return next >= to ? 1 : 1 + Math.ceil((to - next) / chunkMs);
}

/**
 * Splits `[from, to)` (`to` exclusive) into chunks of `chunkMs` for each log group, boundaries aligned
 * to UTC multiples of the chunk size (weeks on Monday 00:00 UTC), so that reruns and neighbouring
 * ranges produce the same chunks. The first and last chunk may be partial. Log groups are kept in
 * the given order; within one, chunks run oldest first.
 */
export function planChunks(logGroupNames: readonly string[], from: number, to: number, chunkMs: number): Chunk[] {
    if (!(to > from)) {
        throw new ValidationError("--to", `must be after --from (${new Date(from).toISOString()}): swap them, or widen the range.`);
    }
    const boundaries: number[] = [from];
    let next = firstBoundary(from, chunkMs);
    while (next < to) {
        boundaries.push(next);
        next += chunkMs;
    }
    boundaries.push(to);
    const chunks: Chunk[] = [];
    for (const logGroupName of logGroupNames) {
        for (let i = 0; i + 1 < boundaries.length; i++) {
            chunks.push({ logGroupName, from: boundaries[i], to: boundaries[i + 1] });
        }
    }
    return chunks;
}

/**
 * The chunks of a job: {@link planChunks} per log group, from the group's own start when
 * `groupFrom` gives one (`--since-last`); a group whose start is at or past `to` has none.
 */
export function planJobChunks(job: { readonly logGroupNames: readonly string[]; readonly from: number; readonly to: number; readonly chunkMs: number;
    readonly groupFrom?: Readonly<Record<string, number>> }): Chunk[] {
    if (job.groupFrom === undefined) {
        return planChunks(job.logGroupNames, job.from, job.to, job.chunkMs);
    }
    return job.logGroupNames.flatMap(g => {
        const from = Math.max(job.from, job.groupFrom?.[g] ?? job.from);
        return from < job.to ? planChunks([g], from, job.to, job.chunkMs) : [];
    });
}

/** `2026-11-01T00:00:00Z`, dropping zero milliseconds. */
export function isoTime(ms: number): string {
    return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** The task name of a chunk: stable across reruns (how a rerun recognizes the task it started). */
export function chunkTaskName(chunk: Chunk): string {
    const group = chunk.logGroupName.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").slice(-200) || "log-group";
    return `cwlogs-export_${group}_${isoTime(chunk.from).replace(/[-:]/g, "")}`;
}

/** `1h02m`, `3m05s`, `12.3s`: a human duration. */
export function formatDuration(ms: number): string {
    if (ms < 60_000) {
        return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
    }
    const s = Math.round(ms / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(sec).padStart(2, "0")}s`;
}
