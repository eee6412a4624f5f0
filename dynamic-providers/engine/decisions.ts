/**
 * The export engine's decisions, as pure functions: what an error means, how long to wait, which
 * existing task to adopt, whether to cancel. No clock, no randomness of their own, no I/O.
 */
import { ExportRequest, ExportTaskInfo, Timing } from "./types";

/** What a failed API call means for the engine. */
export type ErrorKind =
    /** LimitExceededException: another task holds the account's one export slot. Wait, never fail. */
    | "limit"
    /** Throttling, a 5xx or a dropped connection: retry with backoff until the deadline. */
    | "transient"
    /** CancelExportTask on a task that has just finished: not an error. */
    | "already-finished"
    | "not-found"
    /** ResourceAlreadyExistsException on CreateExportTask: a task of that name exists; adopt it if it is the same export. */
    | "exists"
    /** Anything else (bad parameters, access denied): fail now with AWS's message. */
    | "fatal";

// Arrays, not Sets: Pulumi's closure serializer cannot serialize a Set (it captures an empty object).
// OperationAbortedException is CreateExportTask's "Multiple concurrent requests to update the same
// resource were in conflict" (API reference, Errors): nothing was created, so it is retried.
// The others are the SDK's throttling and transient error names, kept by name as well as by
// status (429, 5xx) because a proxy or an older endpoint may answer them with a 400.
const THROTTLING: readonly string[] = [
    "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
    "ProvisionedThroughputExceededException", "RequestThrottled", "SlowDown", "ServiceUnavailableException",
    "ServiceUnavailable", "InternalFailure", "InternalServerError", "RequestTimeout", "RequestTimeoutException",
    "OperationAbortedException",
];
const NETWORK: readonly string[] = ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED"];

/** The fields of an SDK v3 (or Node network) error the engine looks at. */
export interface ErrorLike {
    readonly name?: string;
    readonly code?: string;
    readonly message?: string;
    readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Classifies an error thrown by an {@link ExportApi} call. */
export function classifyError(error: ErrorLike): ErrorKind {
    const name = error.name ?? "";
    const message = error.message ?? "";
    if (name === "LimitExceededException") {
        return "limit";
    }
    if (name === "InvalidOperationException" && /already (finished|completed|been)|finished|not .*(pending|running)/i.test(message)) {
        return "already-finished";
    }
    if (name === "ResourceNotFoundException") {
        return "not-found";
    }
    if (name === "ResourceAlreadyExistsException") {
        return "exists";
    }
    const status = error.$metadata?.httpStatusCode;
    if (THROTTLING.includes(name) || (status !== undefined && (status >= 500 || status === 429))) {
        return "transient";
    }
    if (NETWORK.includes(error.code ?? "") || NETWORK.includes(name) || name === "TimeoutError"
        || /socket hang up|ECONNRESET|EPIPE|ECONNREFUSED|network|aborted/i.test(message)) {
        return "transient";
    }
    return "fatal";
}

/**
 * Exponential backoff with "equal jitter": half of the capped exponential step is fixed, the other
 * half random, so waiters spread out but never retry immediately. `random` is in [0, 1).
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
    const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
    return Math.round(step / 2 + (step / 2) * random);
}

/**
 * Pause before the next status poll of a task we own: a fraction of the time waited so far, within
 * [pollMinMs, pollMaxMs], with +-10% jitter. Detection lag stays proportional to the export's length.
 */
export function pollDelay(elapsedMs: number, timing: Timing, random: number): number {
    const base = Math.min(timing.pollMaxMs, Math.max(timing.pollMinMs, elapsedMs * timing.pollFraction));
    const jittered = base * (0.9 + 0.2 * random);
    return Math.round(Math.max(timing.pollMinMs, Math.min(timing.pollMaxMs, jittered)));
}

/** Clamps a pause so it ends at the deadline; `undefined` when the deadline has already passed. */
export function clampToDeadline(delayMs: number, now: number, deadline: number): number | undefined {
    const left = deadline - now;
    return left <= 0 ? undefined : Math.min(delayMs, left);
}

/** PENDING or RUNNING: the task holds the account's export slot and can be cancelled. */
export function isActive(statusCode: string | undefined): boolean {
    return statusCode === "PENDING" || statusCode === "RUNNING" || statusCode === "PENDING_CANCEL";
}

/** COMPLETED, FAILED or CANCELLED: the task will not change any more. */
export function isTerminal(statusCode: string | undefined): boolean {
    return statusCode === "COMPLETED" || statusCode === "FAILED" || statusCode === "CANCELLED";
}

/**
 * CreateExportTask's `to` for an exclusive range end. The API reference says of `to`: "Events with a
 * timestamp later than this time are not exported", so an event at exactly `to` IS exported; of
 * `from`: "Events with a timestamp earlier than this time are not exported"
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateExportTask.html).
 * Timestamps are whole milliseconds, so `[from, end)` is `[from, end - 1]` on the wire: two adjacent
 * ranges `[a, b)` and `[b, c)` export an event at `b` once. The one place the engine converts.
 */
export function awsTo(exclusiveEnd: number): number {
    return exclusiveEnd - 1;
}

/** True when `task` (as AWS lists it) is the export `request` describes (same name, log group, range and destination). */
export function matchesRequest(task: ExportTaskInfo, request: ExportRequest): boolean {
    return task.taskName === request.taskName
        && task.logGroupName === request.logGroupName
        && task.from === request.from
        && task.to === awsTo(request.to)
        && task.destination === request.destination
        && (task.destinationPrefix ?? "exportedlogs") === request.destinationPrefix;
}

/**
 * The task a rerun should adopt instead of exporting again: one matching the request that is still
 * PENDING/RUNNING (preferred) or COMPLETED. FAILED and CANCELLED tasks are not adopted: exporting
 * again is what the user wants then.
 */
export function pickAdoptable(tasks: readonly ExportTaskInfo[], request: ExportRequest): ExportTaskInfo | undefined {
    const mine = tasks.filter(t => matchesRequest(t, request));
    return mine.find(t => isActive(t.statusCode)) ?? mine.find(t => t.statusCode === "COMPLETED");
}

/**
 * Consecutive status polls without the task in DescribeExportTasks after which the engine stops
 * waiting: a task id from another account or region, or a task AWS no longer keeps.
 */
export const VANISHED_POLLS = 5;

/** What to do after CreateExportTask answered LimitExceededException, given the active tasks. */
export type SlotDecision =
    | { readonly kind: "adopt"; readonly task: ExportTaskInfo }
    | { readonly kind: "wait"; readonly holder: ExportTaskInfo | undefined }
    | { readonly kind: "create" };

/**
 * Decides between adopting our own task (a crashed run created it), waiting for another holder of
 * the slot, or creating again (the slot was freed between the refused create and this list).
 */
export function decideOnSlot(active: readonly ExportTaskInfo[], request: ExportRequest): SlotDecision {
    const mine = pickAdoptable(active, request);
    if (mine !== undefined) {
        return { kind: "adopt", task: mine };
    }
    const holder = active.find(t => isActive(t.statusCode));
    return holder === undefined ? { kind: "create" } : { kind: "wait", holder };
}

/** Delete of an ExportTask: cancel only a task that still runs; never touch exported objects. */
export function shouldCancel(statusCode: string | undefined): boolean {
    return statusCode === "PENDING" || statusCode === "RUNNING";
}

/** The S3 location of a task's objects: `s3://<bucket>/<prefix>/<taskId>/`. */
export function exportLocation(bucket: string, prefix: string, taskId: string): string {
    return `s3://${bucket}/${prefix === "" ? "" : `${prefix}/`}${taskId}/`;
}
