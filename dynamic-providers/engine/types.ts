/**
 * The data the export engine works on: plain objects, no SDK types, so the engine can be driven by
 * the ExportTask provider, the command line or a test double alike.
 */

/** The CreateExportTask request, already validated and normalized (ms timestamps, default prefix). */
export interface ExportRequest {
    /** Unique, stable name of the task; how a rerun recognizes a task it created before a crash. */
    readonly taskName: string;
    readonly logGroupName: string;
    /** Milliseconds since the epoch, inclusive. */
    readonly from: number;
    /**
     * Milliseconds since the epoch, EXCLUSIVE: an event at exactly `to` belongs to the next range.
     * CreateExportTask's own `to` is inclusive, so only {@link awsTo} converts it, where the request
     * is sent and where listed tasks are matched against requests.
     */
    readonly to: number;
    /** Bucket name. */
    readonly destination: string;
    /** Key prefix without trailing "/"; AWS's default is `exportedlogs`. */
    readonly destinationPrefix: string;
    readonly logStreamNamePrefix?: string;
}

/** Export task status codes (DescribeExportTasks `status.code`). */
export type ExportStatus = "PENDING" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED" | "PENDING_CANCEL";

/** One export task as DescribeExportTasks lists it. */
export interface ExportTaskInfo {
    readonly taskId: string;
    readonly taskName?: string;
    readonly logGroupName?: string;
    readonly from?: number;
    /** As AWS lists it: inclusive (see {@link awsTo}). */
    readonly to?: number;
    readonly destination?: string;
    readonly destinationPrefix?: string;
    readonly statusCode?: string;
    readonly statusMessage?: string;
    readonly creationTime?: number;
    readonly completionTime?: number;
}

/** A page of DescribeExportTasks. */
export interface ExportTaskPage {
    readonly tasks: ExportTaskInfo[];
    readonly nextToken?: string;
}

/**
 * The three CloudWatch Logs calls the engine makes. Implementations must not retry on their own
 * (e.g. SDK clients with `maxAttempts: 1`): the engine owns retries, so that LimitExceededException
 * is waited out instead of retried three times within seconds.
 */
export interface ExportApi {
    createExportTask(request: ExportRequest): Promise<string>;
    describeExportTasks(query: { taskId?: string; statusCode?: ExportStatus; limit?: number; nextToken?: string }): Promise<ExportTaskPage>;
    cancelExportTask(taskId: string): Promise<void>;
}

/** Delays of the engine, in milliseconds. */
export interface Timing {
    /** Shortest pause between two status polls of our own task. Defaults to 250. */
    readonly pollMinMs: number;
    /** Longest pause between two status polls. Defaults to 30000. */
    readonly pollMaxMs: number;
    /**
     * A poll pause is this fraction of the time already waited (between min and max): short exports
     * are seen finishing quickly, long ones are not polled more than needed. Defaults to 0.2.
     */
    readonly pollFraction: number;
    /** First pause while another task holds the account's export slot. Defaults to 1000. */
    readonly slotBaseMs: number;
    /** Longest pause while another task holds the slot. Defaults to 30000. */
    readonly slotMaxMs: number;
    /** First pause after throttling, a 5xx or a dropped connection. Defaults to 200. */
    readonly retryBaseMs: number;
    /** Longest pause after throttling, a 5xx or a dropped connection. Defaults to 10000. */
    readonly retryMaxMs: number;
    /**
     * With a model of task durations (see ./model): pause between checks inside the modelled window,
     * as a fraction of its width. Defaults to 0.06.
     */
    readonly spreadFraction?: number;
    /** With a model: ceiling on status checks inside the modelled window. Defaults to 16. */
    readonly maxChecks?: number;
    /**
     * Pause while a task not ours holds the slot and its creationTime is listed, as a fraction of its
     * age when no duration is known yet. Defaults to 0.08.
     */
    readonly holderFraction?: number;
    /** With a model: shortest pause of a modelled check (not `pollMinMs`: see ./model). Defaults to 5. */
    readonly checkMinMs?: number;
    /** With a model: narrowest window, as a fraction of the mean duration. Defaults to 0.04. */
    readonly minWidthFraction?: number;
}

export const DEFAULT_TIMING: Timing = {
    pollMinMs: 250,
    pollMaxMs: 30_000,
    pollFraction: 0.2,
    slotBaseMs: 1_000,
    slotMaxMs: 30_000,
    retryBaseMs: 200,
    retryMaxMs: 10_000,
};
