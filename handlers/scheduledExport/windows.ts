/**
 * The continuous export's calendar, as pure functions: UTC-aligned windows, which of them are due,
 * the task name and S3 prefix of each. No clock, no SDK, no Pulumi: the handler and the component
 * both use it, and tests drive it with plain numbers.
 */
import { createHash } from "crypto";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Data can take up to 12 hours to become exportable (CloudWatch Logs export concepts). */
export const DEFAULT_LAG_MS = 12 * HOUR_MS;
/** Longest lag accepted: a week late is a misconfiguration, not patience. */
export const MAX_LAG_MS = 7 * DAY_MS;
export const DEFAULT_WINDOW_MS = DAY_MS;

/** How the date folder of a window is written. */
export type Layout = "date" | "hive";

/** The schedule's calendar settings, in milliseconds. */
export interface Calendar {
    /** Window length; divides a day or is whole days. */
    readonly windowMs: number;
    /** How long after a window's end it becomes due. */
    readonly lagMs: number;
}

/** One half-open window `[start, end)` of one log group. */
export interface Window {
    readonly start: number;
    /** Exclusive. */
    readonly end: number;
}

/** Why a window length is refused, or `undefined` when it is usable. */
export function windowProblem(windowMs: number): string | undefined {
    if (!Number.isInteger(windowMs) || windowMs < MINUTE_MS || windowMs % MINUTE_MS !== 0) {
        return "a window is a whole number of minutes, at least one";
    }
    if (DAY_MS % windowMs !== 0 && windowMs % DAY_MS !== 0) {
        return "a window must divide a day (1, 2, 3, 4, 6, 8, 12 or 24 hours, ...) or be whole days, so windows stay aligned to UTC midnight";
    }
    return undefined;
}

/** Why a lag is refused, or `undefined` when it is usable. */
export function lagProblem(lagMs: number): string | undefined {
    if (!Number.isFinite(lagMs) || lagMs < 0) {
        return "the lag cannot be negative";
    }
    if (lagMs > MAX_LAG_MS) {
        return "the lag is at most 7 days";
    }
    return undefined;
}

/** The start of the window holding `t` (windows are aligned to 1970-01-01T00:00Z, hence to UTC midnights). */
export function windowStartOf(t: number, windowMs: number): number {
    return Math.floor(t / windowMs) * windowMs;
}

/** The end of the last window that is due at `now`: windows ending at or before it are exportable. */
export function dueUntil(now: number, c: Calendar): number {
    return windowStartOf(now - c.lagMs, c.windowMs);
}

/**
 * The windows of one log group due at `now`, oldest first, starting at `next` (the start of its
 * first window not done yet), at most `limit` of them.
 */
export function dueWindows(next: number, now: number, c: Calendar, limit = Number.MAX_SAFE_INTEGER): Window[] {
    const until = dueUntil(now, c);
    const out: Window[] = [];
    for (let s = windowStartOf(next, c.windowMs); s + c.windowMs <= until && out.length < limit; s += c.windowMs) {
        out.push({ start: s, end: s + c.windowMs });
    }
    return out;
}

/** Number of windows due at `now` from `next` (without listing them). */
export function dueCount(next: number, now: number, c: Calendar): number {
    const s = windowStartOf(next, c.windowMs);
    return Math.max(0, Math.floor((dueUntil(now, c) - s) / c.windowMs));
}

/** PutLogEvents refuses events more than 14 days in the past (CloudWatch Logs API reference). */
export const MAX_EVENT_AGE_MS = 14 * DAY_MS;

/**
 * Where a log group's first window starts: the schedule's start, or, for a group created much later,
 * the window 14 days before its creation (no event can be older), so a group created a year after
 * the start does not export a year of empty windows.
 */
export function firstWindowStart(start: number, creationTime: number | undefined, windowMs: number): number {
    const s = windowStartOf(start, windowMs);
    return creationTime === undefined ? s : Math.max(s, windowStartOf(creationTime - MAX_EVENT_AGE_MS, windowMs));
}

/**
 * Export lag of a group: `now` minus the end of its last completed window (the start of its first
 * window not done yet).
 */
export function lagOf(next: number, now: number): number {
    return Math.max(0, now - next);
}

function pad(n: number, width = 2): string {
    return String(n).padStart(width, "0");
}

/** `20260102T0000Z`: a window start as it appears in task names. */
export function compactUtc(t: number): string {
    const d = new Date(t);
    return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
}

/**
 * The export task name of one window of one group: the same for every retry and every invocation,
 * so the engine adopts a task a crashed or concurrent invocation created instead of creating it
 * again. A hash of the group name keeps names of long or similar groups distinct and short
 * (CreateExportTask's taskName is at most 512 characters).
 */
export function taskNameOf(logGroupName: string, w: Window): string {
    const hash = createHash("sha256").update(logGroupName).digest("hex").slice(0, 12);
    const readable = logGroupName.replace(/^\/+/, "").replace(/[^\w.-]+/g, "-").slice(-64);
    return `cwlogs-scheduled-${readable}-${hash}-${compactUtc(w.start)}-${(w.end - w.start) / MINUTE_MS}m`;
}

/**
 * The destination prefix of a window: `<prefix>/<log group>/<yyyy>/<mm>/<dd>` by default, or
 * `<prefix>/<log group>/dt=<yyyy-mm-dd>` with the Hive layout. The group's leading "/" is dropped
 * (S3 keys have no empty segment); CloudWatch Logs then appends `<taskId>/<log stream>/000000.gz`.
 */
export function destinationPrefixOf(prefix: string, logGroupName: string, w: Window, layout: Layout = "date"): string {
    const d = new Date(w.start);
    const date = layout === "hive"
        ? `dt=${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
        : `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
    const group = logGroupName.replace(/^\/+/, "");
    return [prefix.replace(/\/+$/, ""), group, date].filter(s => s !== "").join("/");
}

/** Hours between two ticks of an EventBridge Scheduler expression, rounded up (a day for `cron(...)`). */
export function tickHoursOf(expression: string): number {
    const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression);
    if (rate === null) {
        return 24;
    }
    const n = Number(rate[1]);
    return rate[2].startsWith("minute") ? Math.ceil(n / 60) : rate[2].startsWith("hour") ? n : 24 * n;
}
