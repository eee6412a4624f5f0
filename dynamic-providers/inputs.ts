/**
 * Validation and normalization of ExportTask inputs (the provider's `check`) and the replace rules
 * (its `diff`). Pure: no Pulumi, no SDK.
 */
import { createHash } from "crypto";
import {
    validateBucketName, validateLogGroupName, validatePrefix, validateRegion, validateRoleArn,
} from "../policies/validate";

/** Plain, validated inputs of the ExportTask provider. */
export interface ExportTaskInputs {
    logGroupName: string;
    /** Milliseconds since the epoch. */
    from: number;
    /** Milliseconds since the epoch. */
    to: number;
    destination: string;
    destinationPrefix: string;
    logStreamNamePrefix?: string;
    taskName: string;
    waitForCompletion: boolean;
    timeoutMinutes: number;
    region?: string;
    roleArn?: string;
}

/**
 * The value Pulumi sends for an input not known yet (during preview): the runtime's
 * `rpc.unknownValue`. Such inputs are passed through unchecked.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A `check` failure: the property and the reason, as Pulumi shows them. */
export interface CheckFailure {
    property: string;
    reason: string;
}

/** AWS's default `destinationPrefix` (CreateExportTask). */
export const DEFAULT_DESTINATION_PREFIX = "exportedlogs";
export const DEFAULT_TIMEOUT_MINUTES = 60;
/** Below this a timestamp is seconds, not ms: 10^11 ms is 1973, 10^11 s is the year 5138. */
const MIN_MS = 1e11;
/** Inputs whose change means another export: the resource is replaced. */
export const REPLACE_KEYS = [
    "logGroupName", "from", "to", "destination", "destinationPrefix", "logStreamNamePrefix", "taskName", "region", "roleArn",
] as const;
/** Inputs that only change how the provider waits: updated in place. */
export const UPDATE_KEYS = ["waitForCompletion", "timeoutMinutes"] as const;

/** A default task name: the resource name and a hash of the export inputs, stable and unique per export. */
export function defaultTaskName(resourceName: string, exportInputs: readonly unknown[]): string {
    const hash = createHash("sha256").update(JSON.stringify(exportInputs)).digest("hex").slice(0, 12);
    return `${resourceName.slice(0, 400)}-${hash}`;
}

/**
 * A validation error in the form of policies/validate's ValidationError ("[argument] message"), built
 * without subclassing Error: Pulumi's closure serializer turns `super(message)` into
 * `Error.call(this, message)`, which drops the message inside the dynamic-provider host.
 */
function invalid(argument: string, message: string): Error {
    return Object.assign(new Error(`[${argument}] ${message}`), { name: "ValidationError", argument });
}

/**
 * The message of a thrown validation error. When a serialized ValidationError arrives without its
 * message (see {@link invalid}), a generic one that still names the argument and value is used.
 */
function messageOf(e: unknown, property: string, value: unknown): string {
    const m = (e as { message?: unknown } | undefined)?.message;
    return typeof m === "string" && m !== ""
        ? m
        : `[${property}] ${JSON.stringify(value)} is not valid: see the ${property} rules in the README.`;
}

/** The latest time a JavaScript Date (and so an ISO-8601 string) can hold: 9999-12-31T23:59:59.999Z. */
export const MAX_MS = 253_402_300_799_999;

/** What {@link parseIsoTime} makes of a string. */
export type IsoParse =
    | { readonly ms: number }
    /** A date and time without `Z` or an offset: which zone is meant cannot be known. */
    | { readonly error: "no-zone" }
    /** The shape of ISO-8601, but no such calendar date or time (`2024-02-30`, `2024-13-01`, `T25:00`). */
    | { readonly error: "impossible" }
    | { readonly error: "format" };

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Strict ISO-8601: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDThh:mm[:ss[.sss]]` with `Z` or an
 * offset. Unlike `Date.parse`, it never rolls an impossible date over into the next month and never
 * reads a zone-less time in the host's zone, so the same text is the same instant everywhere.
 */
export function parseIsoTime(text: string): IsoParse {
    const m = ISO.exec(text.trim());
    if (m === null) {
        return { error: "format" };
    }
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const milli = Number((m[7] ?? "0").padEnd(3, "0"));
    const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
    if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
        return { error: "impossible" };
    }
    if (m[4] !== undefined && m[8] === undefined) {
        return { error: "no-zone" };
    }
    let offsetMin = 0;
    if (m[8] !== undefined && m[8] !== "Z") {
        const o = /^([+-])(\d{2}):?(\d{2})$/.exec(m[8]) as RegExpExecArray;
        if (Number(o[2]) > 23 || Number(o[3]) > 59) {
            return { error: "impossible" };
        }
        offsetMin = (o[1] === "-" ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]));
    }
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute, second, milli);
    return { ms: utc.getTime() - offsetMin * 60_000 };
}

/**
 * Milliseconds from a number (ms) or a strict ISO-8601 string ({@link parseIsoTime}); throws a
 * ValidationError naming `argument`. A date and time without a zone is refused rather than read in
 * the host's zone (a laptop and CI would export different ranges).
 */
export function toEpochMs(value: unknown, argument: string): number {
    let ms: number;
    if (typeof value === "number") {
        ms = value;
    } else if (typeof value === "string" && /^\d+$/.test(value.trim())) {
        ms = Number(value.trim());
    } else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
        const p = parseIsoTime(value);
        if ("error" in p) {
            throw invalid(argument, p.error === "no-zone"
                ? `${JSON.stringify(value)} has no time zone, and the host's zone would differ between machines: add one, e.g. "${value.trim()}Z" (UTC) or "${value.trim()}+02:00".`
                : p.error === "impossible"
                    ? `${JSON.stringify(value)} is not a calendar date and time (check the month, the day and the hour): write e.g. "2024-05-01T00:00:00Z".`
                    : `${JSON.stringify(value)} is not a valid ISO-8601 date: write e.g. "2024-05-01T00:00:00Z" or "2024-05-01" (midnight UTC).`);
        }
        ms = p.ms;
    } else {
        throw invalid(argument,
            `${JSON.stringify(value)} is neither milliseconds since the epoch nor an ISO-8601 string: write e.g. 1714521600000 or "2024-05-01T00:00:00Z".`);
    }
    if (!Number.isInteger(ms) || ms < 0) {
        throw invalid(argument, `${JSON.stringify(value)} must be a whole, non-negative number of milliseconds since the epoch.`);
    }
    if (ms < MIN_MS) {
        throw invalid(argument,
            `${ms} looks like seconds, not milliseconds since the epoch (CreateExportTask takes ms): write ${ms * 1000}.`);
    }
    if (ms > MAX_MS) {
        throw invalid(argument, `${JSON.stringify(value)} is after the year 9999: give milliseconds since the epoch (13 digits today) or an ISO-8601 time.`);
    }
    return ms;
}

function optionalString(news: Record<string, unknown>, key: string): string | undefined {
    const v = news[key];
    return v === undefined || v === null || v === "" ? undefined : String(v);
}

function nameOf(value: string, argument: string, what: string): string {
    if (value.length < 1 || value.length > 512) {
        throw invalid(argument, `${what} must be 1 to 512 characters long; this one has ${value.length}.`);
    }
    return value;
}

/**
 * Validates and normalizes the provider's inputs. Every problem is reported (not only the first), as
 * Pulumi shows them all at once. `now` is the check time in ms.
 */
export function checkInputs(news: Record<string, unknown>, now: number): { inputs: ExportTaskInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const attempt = <T>(property: string, f: () => T, fallback: T): T => {
        if (news[property] === UNKNOWN) {
            return UNKNOWN as unknown as T;
        }
        try {
            return f();
        } catch (e) {
            failures.push({ property, reason: messageOf(e, property, news[property]) });
            return fallback;
        }
    };
    const logGroupName = attempt("logGroupName", () => validateLogGroupName(news.logGroupName as string, "logGroupName"), "");
    const destination = attempt("destination", () => validateBucketName(news.destination as string, "destination"), "");
    const prefixIn = optionalString(news, "destinationPrefix");
    const destinationPrefix = prefixIn === undefined
        ? DEFAULT_DESTINATION_PREFIX
        : attempt("destinationPrefix", () => validatePrefix(prefixIn, "destinationPrefix"), prefixIn);
    const from = attempt("from", () => toEpochMs(news.from, "from"), NaN);
    const to = attempt("to", () => toEpochMs(news.to, "to"), NaN);
    const known = (v: number): boolean => typeof v === "number" && !Number.isNaN(v);
    if (known(to) && to > now) {
        failures.push({ property: "to", reason: `[to] ${new Date(to).toISOString()} is in the future: an export covers logs already ingested; use a time before now.` });
    }
    if (known(from) && known(to) && from >= to) {
        failures.push({ property: "from", reason: `[from] must be before [to] (${new Date(from).toISOString()} >= ${new Date(to).toISOString()}): swap them or widen the range.` });
    }
    const streamIn = optionalString(news, "logStreamNamePrefix");
    const logStreamNamePrefix = streamIn === undefined
        ? undefined
        : attempt("logStreamNamePrefix", () => nameOf(streamIn, "logStreamNamePrefix", "a log stream name prefix"), streamIn);
    const taskIn = optionalString(news, "taskName");
    const taskName = taskIn === undefined
        ? defaultTaskName("export", [logGroupName, from, to, destination, destinationPrefix, logStreamNamePrefix])
        : attempt("taskName", () => nameOf(taskIn, "taskName", "a task name"), taskIn);
    const region = optionalString(news, "region");
    if (region !== undefined && region !== UNKNOWN) {
        attempt("region", () => validateRegion(region, "region"), undefined);
    }
    const roleArn = optionalString(news, "roleArn");
    if (roleArn !== undefined && roleArn !== UNKNOWN) {
        attempt("roleArn", () => validateRoleArn(roleArn, "roleArn"), undefined);
    }
    const timeoutMinutes = news.timeoutMinutes === undefined || news.timeoutMinutes === null ? DEFAULT_TIMEOUT_MINUTES : Number(news.timeoutMinutes);
    if (!(timeoutMinutes > 0 && timeoutMinutes <= 24 * 60)) {
        failures.push({ property: "timeoutMinutes", reason: `[timeoutMinutes] ${JSON.stringify(news.timeoutMinutes)} must be a number of minutes above 0 and at most 1440.` });
    }
    const inputs: ExportTaskInputs = {
        logGroupName, from, to, destination, destinationPrefix, taskName,
        waitForCompletion: news.waitForCompletion === undefined || news.waitForCompletion === null ? true : news.waitForCompletion === true,
        timeoutMinutes,
    };
    if (logStreamNamePrefix !== undefined) {
        inputs.logStreamNamePrefix = logStreamNamePrefix;
    }
    if (region !== undefined) {
        inputs.region = region;
    }
    if (roleArn !== undefined) {
        inputs.roleArn = roleArn;
    }
    return { inputs, failures };
}

/** The diff of two input sets: which keys replace, and whether anything changed. */
export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; replaces: string[] } {
    const differs = (k: string): boolean => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null);
    const replaces = REPLACE_KEYS.filter(differs);
    const updates = UPDATE_KEYS.filter(differs);
    return { changes: replaces.length + updates.length > 0, replaces: [...replaces] };
}
