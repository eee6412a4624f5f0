import * as pulumi from "@pulumi/pulumi";

/** Alarms of a {@link ScheduledExport}, on the metrics its function publishes (embedded metric format). */
export interface ScheduledExportAlarmArgs {
    /**
     * SNS topic the alarms notify, on ALARM and on OK: a standard topic in the schedule's region whose
     * access policy lets `cloudwatch.amazonaws.com` publish (CloudWatch, "Using Amazon CloudWatch
     * alarms"). Required.
     */
    snsTopicArn: pulumi.Input<string>;
    /**
     * Alarm when any selected group's export lag (now minus the end of its last exported window)
     * exceeds this many hours, or when the function reports nothing for as long as the schedule's
     * ticks take (it stopped running). Must be above `windowHours + lagHours`, the lag every group
     * reaches just before its next window becomes due; at most 2,160 (90 days). Defaults to
     * `2 * windowHours + lagHours` (one window late; 60 for daily windows).
     */
    lagThresholdHours?: number;
    /**
     * Alarm when a group's window has failed this many times in a row (each failure is retried after
     * a backoff of 5 minutes doubling to 6 hours, never skipped). 1 to 100. Defaults to `3`.
     */
    failureThreshold?: number;
}

/** Arguments of {@link ScheduledExport}. At least one of `logGroupNames`, `logGroupNamePrefixes` and `tag` is required. */
export interface ScheduledExportArgs {
    /**
     * Log groups to export, by exact name. Thousands fit: the names travel in the state table's
     * settings item (400 KB; over that, the component refuses them naming this argument). When the
     * names would make the function role's policy longer than IAM's 10,240 characters for a role's
     * inline policies, the export permission goes to their shared path prefixes instead (e.g.
     * `log-group:/app/team1/*`, as few slashes dropped as needed); the function still exports only
     * the named groups.
     */
    logGroupNames?: string[];
    /**
     * Log group name prefixes: every group whose name starts with one is exported, including groups
     * created after deployment (picked up at the next tick). The role's export permissions cover
     * `log-group:<prefix>*`.
     */
    logGroupNamePrefixes?: string[];
    /**
     * Only groups carrying this tag (e.g. `{ key: "ExportToS3", value: "true" }`). With names or
     * prefixes, narrows them; alone, selects among all groups of the account and region (the role's
     * export permissions are then on every log group, as in seed 003's caller policy).
     */
    tag?: { key: string; value: string };
    /** Destination bucket, in the log groups' region (CloudWatch Logs exports only there); e.g. an ExportBucket's `bucketName`. Required. */
    bucketName: pulumi.Input<string>;
    /**
     * Key prefix of the exports, without leading "/". Objects land at
     * `<prefix>/<log group>/<yyyy>/<mm>/<dd>/<taskId>/<log stream>/000000.gz`
     * (the log group's leading "/" dropped). The bucket's policy must let CloudWatch Logs write under it
     * (ExportBucket `destinationPrefixes`). May be another stack's output (e.g. an archive account's
     * prefix). Defaults to `"exportedlogs"`, CreateExportTask's default.
     */
    prefix?: pulumi.Input<string>;
    /** `"date"` (`<yyyy>/<mm>/<dd>`) or `"hive"` (`dt=<yyyy-mm-dd>`, for Athena partition projection). Defaults to `"date"`. */
    layout?: "date" | "hive";
    /**
     * The destination bucket's SSE-KMS key: the function's role gets `kms:GenerateDataKey` and
     * `kms:Decrypt` on it (seed 003). An ExportBucket's `kmsKeyArn` plugs straight in (`undefined` with SSE-S3).
     */
    kmsKeyArn?: pulumi.Input<string | undefined>;
    /** Window length in hours, aligned to UTC: divides a day (1, 2, 3, 4, 6, 8, 12) or whole days (24, 48, ...). Defaults to `24`. */
    windowHours?: number;
    /**
     * Hours after a window's end before it is exported: data can take up to 12 hours to become
     * exportable (CloudWatch Logs, "Exporting log data to Amazon S3"). 0 to 168. Defaults to `12`.
     */
    lagHours?: number;
    /**
     * First window to export, as an ISO 8601 date or time in the past (e.g. `"2026-01-01"`); an
     * earlier date backfills. Defaults to the window of the function's first run.
     */
    start?: string;
    /** EventBridge Scheduler expression, `rate(...)` or `cron(...)`. Defaults to `"rate(1 hour)"`. */
    scheduleExpression?: string;
    /** The function's timeout in seconds (60-900): each run works until shortly before it. Defaults to `900`. */
    timeoutSeconds?: number;
    /** Retention of the function's own log group (its embedded lag metrics). Defaults to `30` days. */
    logRetentionInDays?: number;
    /**
     * Delete the state table and the function's log group on `pulumi destroy`. Defaults to `false`:
     * they are retained (Pulumi `retainOnDelete`), so a redeploy resumes where the export stopped.
     */
    deleteStateOnDestroy?: boolean;
    /**
     * CloudWatch alarms on the function's metrics (namespace `CwlogsExport/ScheduledExport`,
     * dimension `Schedule` = the state table's name): one on export lag, one on repeated failures,
     * both notifying an SNS topic. Defaults to no alarm.
     */
    alarm?: ScheduledExportAlarmArgs;
    /** Region of the log groups and the function. Defaults to the provider's region. */
    region?: pulumi.Input<string>;
    /** Tags for every taggable child. */
    tags?: Record<string, string>;
}
