/**
 * `ExportTask`: one CloudWatch Logs export to S3 as a Pulumi resource (seeds 001-003).
 * `pulumi up` starts it and waits, `pulumi refresh` reads its status, `pulumi destroy` cancels it
 * while it runs. Exported objects are never deleted.
 */
import * as pulumi from "@pulumi/pulumi";
import { defaultTaskName } from "./inputs";
import { ExportTaskProviderShell } from "./loader";

/** Arguments of {@link ExportTask}; names follow CreateExportTask. */
export interface ExportTaskArgs {
    /** The log group to export (1-512 characters of a-z A-Z 0-9 _ - / . #). Changing it replaces the resource. */
    logGroupName: pulumi.Input<string>;
    /**
     * Start of the range: milliseconds since the epoch, an ISO-8601 string or a `Date`; events ingested
     * at or after it are exported. A number below 10^11 is refused as seconds. An ISO-8601 string needs
     * a zone (`Z` or `+02:00`; a date alone is midnight UTC): a zone-less date and time is refused, as
     * the host's zone would differ between machines. Changing it replaces the resource.
     */
    from: pulumi.Input<number | string | Date>;
    /**
     * End of the range, exclusive (an event at exactly `to` belongs to the next range; the engine sends
     * CreateExportTask's inclusive `to` as `to - 1 ms`), same forms as `from`; must be after `from` and not in the future.
     * Data can take up to 12 hours to become exportable (seed 001): a warning is logged when `to` is
     * within the last 12 hours. Changing it replaces the resource.
     */
    to: pulumi.Input<number | string | Date>;
    /** Name of the destination bucket, in the log group's region. Changing it replaces the resource. */
    destination: pulumi.Input<string>;
    /**
     * S3 key prefix of the exported objects (no leading "/", no "//", at most 512 characters).
     * Defaults to `exportedlogs` (AWS's default). Changing it replaces the resource.
     */
    destinationPrefix?: pulumi.Input<string>;
    /** Export only log streams whose names start with this. Defaults to all streams. Changing it replaces the resource. */
    logStreamNamePrefix?: pulumi.Input<string>;
    /**
     * Name of the export task. Defaults to the resource name followed by a hash of the export inputs,
     * which is stable and unique: a rerun after a crash recognizes and adopts its task by this name.
     */
    taskName?: pulumi.Input<string>;
    /** Wait in `create` until the task is COMPLETED (FAILED or CANCELLED is an error). Defaults to `true`. Updated in place. */
    waitForCompletion?: pulumi.Input<boolean>;
    /**
     * Bound on the whole create, queueing behind other exports of the account included; on expiry the
     * task stays in state and `pulumi refresh` shows its status. Defaults to `60`. Updated in place.
     */
    timeoutMinutes?: pulumi.Input<number>;
    /** Region of the log group and the bucket. Defaults to the environment's (`AWS_REGION`). Changing it replaces the resource. */
    region?: pulumi.Input<string>;
    /**
     * Role to assume (STS AssumeRole) for every API call, e.g. the cross-account caller role of seed 003.
     * Defaults to the environment's credentials. Never give keys as inputs: they would be stored in state.
     * Changing it replaces the resource.
     */
    roleArn?: pulumi.Input<string>;
}

const TWELVE_HOURS_MS = 12 * 3600_000;

/** The provider is stateless: one instance, so every ExportTask serializes to the same `__provider`. */
const provider = new ExportTaskProviderShell();

function ms(v: number | string | Date): number | string {
    return v instanceof Date ? v.getTime() : v;
}

/** A time input as the provider receives it; `pulumi.output` would turn a bare Date into `{}`. */
function wireTime(v: pulumi.Input<number | string | Date>): pulumi.Input<number | string> {
    if (pulumi.Output.isInstance(v)) {
        return v.apply(ms);
    }
    return v instanceof Promise ? v.then(ms) : ms(v as number | string | Date);
}

/** One CloudWatch Logs export task (type `pulumi-nodejs:dynamic/cwlogs:ExportTask`). */
export class ExportTask extends pulumi.dynamic.Resource {
    /** The export task ID AWS assigned. */
    declare readonly taskId: pulumi.Output<string>;
    /** Status code: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED or PENDING_CANCEL. */
    declare readonly status: pulumi.Output<string>;
    declare readonly statusMessage: pulumi.Output<string | undefined>;
    /** Epoch ms, when AWS reports it. */
    declare readonly creationTime: pulumi.Output<number | undefined>;
    /** Epoch ms, when AWS reports it. */
    declare readonly completionTime: pulumi.Output<number | undefined>;
    /** `s3://<bucket>/<prefix>/<taskId>/`, where the objects land. */
    declare readonly exportLocation: pulumi.Output<string>;
    declare readonly taskName: pulumi.Output<string>;
    declare readonly from: pulumi.Output<number>;
    declare readonly to: pulumi.Output<number>;

    constructor(name: string, args: ExportTaskArgs, opts?: pulumi.CustomResourceOptions) {
        const from = wireTime(args.from);
        const to = wireTime(args.to);
        const taskName = args.taskName ?? pulumi
            .all([args.logGroupName, from, to, args.destination, args.destinationPrefix, args.logStreamNamePrefix])
            .apply(parts => defaultTaskName(name, parts));
        super(provider, name, {
            ...args, from, to, taskName,
            taskId: undefined, status: undefined, statusMessage: undefined,
            creationTime: undefined, completionTime: undefined, exportLocation: undefined,
        }, opts, "cwlogs", "ExportTask");
        pulumi.output(to).apply(t => {
            const ms = typeof t === "number" ? t : Date.parse(t);
            if (!Number.isNaN(ms) && ms <= Date.now() && Date.now() - ms < TWELVE_HOURS_MS) {
                void pulumi.log.warn(`[to] ${new Date(ms).toISOString()} is within the last 12 hours: log data can take up to ` +
                    `12 hours to become exportable (CloudWatch Logs User Guide, S3Export.html), so this export may miss recent events.`, this);
            }
        });
    }
}
