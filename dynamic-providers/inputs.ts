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

/** 9999-12-31T23:59:59.999Z: later times are typos. */
const MAX_MS = 253_402_300_799_999;
/** {@link MAX_MS}, for the command line. */
export const MAX_EPOCH_MS = MAX_MS;

/**
 * Strict ISO-8601: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDThh:mm[:ss[.sss]]` with `Z` or an
 * offset. Returns ms, `"no-zone"` for a date and time without a zone (which zone is meant cannot be
 * known; `Date.parse` would take the host's), `"impossible"` for no such date or time (`2024-02-30`,
 * `2024-13-01`, `T25:00`, which `Date.parse` rolls over or refuses), `undefined` for another shape.
 */
export function parseIsoTime(text: string): number | "no-zone" | "impossible" | undefined {
    const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(\.\d{1,3})?)?(Z|([+-])(\d\d):?(\d\d))?)?$/.exec(text.trim());
    if (m === null) {
        return undefined;
    }
    const n = m.map(x => Number(x ?? 0));
    const ms = Date.UTC(n[1], n[2] - 1, n[3], n[4], n[5], n[6], Math.round(n[7] * 1000));
    const d = new Date(ms);
    return d.getUTCMonth() !== n[2] - 1 || d.getUTCDate() !== n[3] || n[4] > 23 || n[5] > 59 || n[6] > 59 || n[10] > 23 || n[11] > 59
        ? "impossible" : m[4] !== undefined && m[8] === undefined ? "no-zone" : ms - (m[9] === "-" ? -1 : 1) * (n[10] * 60 + n[11]) * 60_000;
}

/**
 * Milliseconds from a number (ms) or a strict ISO-8601 string ({@link parseIsoTime}); throws a
 * ValidationError naming `argument`.
 */
export function toEpochMs(value: unknown, argument: string): number {
    const v = typeof value === "string" ? value.trim() : value;
    const ms = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : typeof v === "string" ? parseIsoTime(v) : undefined;
    const text = JSON.stringify(value);
    if (ms === "no-zone") {
        throw invalid(argument, `${text} has no time zone, so each host would read it in its own: add one, e.g. "${String(v)}Z".`);
    }
    if (ms === "impossible") {
        throw invalid(argument, `${text} is not a real date and time: check the month, the day and the hour.`);
    }
    if (ms === undefined) {
        throw invalid(argument, `${text} is neither ms since the epoch nor ISO-8601 with a zone: write e.g. 1714521600000 or "2024-05-01T00:00:00Z".`);
    }
    if (!Number.isInteger(ms) || ms < 0) {
        throw invalid(argument, `${text} must be a whole, non-negative number of ms since the epoch.`);
    }
    if (ms < MIN_MS) {
        throw invalid(argument,
            `${ms} looks like seconds, not milliseconds since the epoch (CreateExportTask takes ms): write ${ms * 1000}.`);
    }
    if (ms > MAX_MS) {
        throw invalid(argument, `${text} is after the year 9999: write ms since the epoch (13 digits).`);
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
    const wait = news.waitForCompletion;
    if (wait !== undefined && wait !== null && wait !== UNKNOWN && typeof wait !== "boolean") {
        // "true" read from stack config would otherwise count as false: the task would not be waited for.
        failures.push({ property: "waitForCompletion", reason: `[waitForCompletion] expected true or false, got ${JSON.stringify(wait)}: ` +
            `write waitForCompletion: true or false. From stack config, read it with \`config.requireBoolean("waitForCompletion")\`.` });
    }
    const inputs: ExportTaskInputs = {
        logGroupName, from, to, destination, destinationPrefix, taskName,
        waitForCompletion: news.waitForCompletion === undefined || news.waitForCompletion === null ? true : news.waitForCompletion === true,
        timeoutMinutes, ...JSON.parse(JSON.stringify({ logStreamNamePrefix, region, roleArn })) as Partial<ExportTaskInputs>,
    };
    return { inputs, failures };
}

/** The diff of two input sets: which keys replace, and whether anything changed. */
export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; replaces: string[] } {
    const differs = (k: string): boolean => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null);
    const replaces = REPLACE_KEYS.filter(differs);
    const updates = UPDATE_KEYS.filter(differs);
    return { changes: replaces.length + updates.length > 0, replaces: [...replaces] };
}
