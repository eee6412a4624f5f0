import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link ScheduledExport}. At least one of `logGroupNames`, `logGroupNamePrefixes` and `tag` is required. */
export interface ScheduledExportArgs {
    /** Log groups to export, by exact name. */
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
    /** Region of the log groups and the function. Defaults to the provider's region. */
    region?: pulumi.Input<string>;
    /** Tags for every taggable child. */
    tags?: Record<string, string>;
}
