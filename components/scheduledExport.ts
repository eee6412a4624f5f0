import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_ENV, DEFAULT_NAMESPACE, METRIC_DIMENSIONS, METRIC_NAMES } from "../handlers/scheduledExport/config";
import { settingsItem, settingsSizeProblem } from "../handlers/scheduledExport/settings";
import { tickHoursOf } from "../handlers/scheduledExport/windows";
import { partitionOfRegion } from "../policies/partition";
import { ValidationError, validateBucketName, validateKmsKeyArn, validatePrefix } from "../policies/validate";
import { asResourceError } from "./inputs";
import { ScheduledExportArgs } from "./scheduledExportArgs";
import { scheduledExportPolicy } from "./scheduledExportPolicy";
export * from "./scheduledExportArgs";
import { lagThresholdHoursOf, scheduleSettingsOf, validateScheduledExportArgs } from "./scheduledExportValidation";
import { ScheduledExportAlarmArgs } from "./scheduledExportArgs";

/** Lambda's current Node.js runtime (Node 20 left maintenance in 2026). */
export const SCHEDULED_EXPORT_RUNTIME = "nodejs22.x";
export const DEFAULT_SCHEDULE_EXPRESSION = "rate(1 hour)";

/** The handler bundle `npm run build` writes, found from this file in the repo (ts) or the package (dist). */
export function scheduledExportBundlePath(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "dist", "bundles", "scheduledExport", "index.js");
        if (fs.existsSync(candidate)) {
            return candidate;
        }
        const inDist = path.join(dir, "bundles", "scheduledExport", "index.js");
        if (path.basename(dir) === "dist" && fs.existsSync(inDist)) {
            return inDist;
        }
        if (path.dirname(dir) === dir) {
            throw new Error("the ScheduledExport function's bundle (dist/bundles/scheduledExport/index.js) is missing: run `npm run build`.");
        }
    }
}

/**
 * Continuous export: a Lambda function, run by an EventBridge Scheduler schedule, that exports every
 * selected log group of this account and region window by window, exactly once, at AWS's one active
 * export task per account, keeping its progress in a DynamoDB table and reporting each group's lag as
 * CloudWatch embedded metrics. Its `roleArn` is the caller an archive bucket in another account lists
 * in `crossAccountCallerArns`.
 */
export class ScheduledExport extends pulumi.ComponentResource {
    /** ARN of the function's role, the export caller (for a cross-account bucket's `crossAccountCallerArns`). */
    public readonly roleArn: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    /**
     * The state table (retained on destroy unless `deleteStateOnDestroy`): each group's progress, and
     * the schedule's settings item (`pk` = `"settings"`). `cwlogs-export schedule status --table` reads it.
     */
    public readonly tableName: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly scheduleName: pulumi.Output<string>;
    /** Names of the CloudWatch alarms (`[]` without `alarm`): lag first, then repeated failures. */
    public readonly alarmNames: pulumi.Output<string[]>;
    /** The function role's inline policy, as JSON. */
    public readonly policyJson: pulumi.Output<string>;

    constructor(name: string, args: ScheduledExportArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:export:ScheduledExport", name, {}, opts);
        asResourceError(this, () => validateScheduledExportArgs(args));
        const bundle = asResourceError(this, () => {
            try {
                return scheduledExportBundlePath();
            } catch (e) {
                throw new ValidationError("ScheduledExport", (e as Error).message);
            }
        });

        const parent = { parent: this };
        const keep = { parent: this, retainOnDelete: args.deleteStateOnDestroy !== true };
        const region = args.region !== undefined ? pulumi.output(args.region) : aws.getRegionOutput({}, parent).region;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = region.apply(r => partitionOfRegion(r) ?? "aws");
        const prefix = pulumi.output(args.prefix ?? "exportedlogs").apply(p => asResourceError(this, () => {
            if (p !== "") {
                validatePrefix(p, "prefix");
            }
            return p.replace(/\/+$/, "");
        }));
        const regionArg = args.region === undefined ? {} : { region: args.region };

        const table = new aws.dynamodb.Table(`${name}-state`, {
            ...regionArg,
            billingMode: "PAY_PER_REQUEST",
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: { enabled: true },
            tags: args.tags,
        }, keep);
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            ...regionArg,
            name: `/cwlogs-export/scheduled/${name}`,
            retentionInDays: args.logRetentionInDays ?? 30,
            tags: args.tags,
        }, keep);

        const role = new aws.iam.Role(`${name}-role`, {
            description: `Runs the continuous CloudWatch Logs export ${name}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "LambdaAssumes", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags: args.tags,
        }, parent);
        const policyJson = pulumi.all([region, accountId, partition, args.bucketName, args.kmsKeyArn, table.arn, logGroup.arn, prefix])
            .apply(([r, account, p, bucket, key, tableArn, logGroupArn, keyPrefix]) => asResourceError(this, () => {
                validateBucketName(bucket, "bucketName");
                if (key !== undefined) {
                    validateKmsKeyArn(key, "kmsKeyArn");
                }
                return JSON.stringify(scheduledExportPolicy({
                    region: r, account, partition: p, logGroupNames: args.logGroupNames ?? [], logGroupNamePrefixes: args.logGroupNamePrefixes ?? [],
                    tagged: args.tag !== undefined, bucket, prefix: keyPrefix, kmsKeyArn: key, tableArn, functionLogGroupArn: logGroupArn,
                }));
            }));
        const rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyJson }, parent);

        const settingsJson = pulumi.all([args.bucketName, prefix]).apply(([bucket, keyPrefix]) => asResourceError(this, () => {
            const json = JSON.stringify(scheduleSettingsOf(args, bucket, keyPrefix));
            const problem = settingsSizeProblem(json);
            if (problem !== undefined) {
                throw new ValidationError("logGroupNames", problem);
            }
            return json;
        }));
        // Lambda's environment holds 4 KB in all (Lambda quotas): the settings live in the state table,
        // the function's environment names the table only.
        const settings = new aws.dynamodb.TableItem(`${name}-settings`, {
            ...regionArg,
            tableName: table.name,
            hashKey: "pk",
            item: settingsJson.apply(j => JSON.stringify(settingsItem(j))),
        }, parent);
        const environment = table.name.apply(tableName => JSON.stringify({ tableName }));

        const fn = new aws.lambda.Function(`${name}-function`, {
            ...regionArg,
            description: `Continuous CloudWatch Logs export to S3 (${name})`,
            runtime: SCHEDULED_EXPORT_RUNTIME,
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(bundle) }),
            role: role.arn,
            timeout: args.timeoutSeconds ?? 900,
            memorySize: 256,
            // One invocation at a time: the account has one export slot, and the state's lease expects it.
            reservedConcurrentExecutions: 1,
            environment: { variables: { [CONFIG_ENV]: environment } },
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            tags: args.tags,
        }, { parent: this, dependsOn: [rolePolicy, settings] });

        const schedulerRole = new aws.iam.Role(`${name}-scheduler-role`, {
            description: `Lets EventBridge Scheduler invoke ${name}'s export function`,
            assumeRolePolicy: accountId.apply(account => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "SchedulerAssumes", Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole",
                    // Confused-deputy guard: only schedules of this account.
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                }],
            })),
            tags: args.tags,
        }, parent);
        new aws.iam.RolePolicy(`${name}-scheduler-policy`, {
            role: schedulerRole.id,
            policy: fn.arn.apply(arn => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "InvokeExportFunction", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: arn }],
            })),
        }, parent);
        const schedule = new aws.scheduler.Schedule(`${name}-schedule`, {
            ...regionArg,
            description: `Ticks the continuous CloudWatch Logs export ${name}`,
            scheduleExpression: args.scheduleExpression ?? DEFAULT_SCHEDULE_EXPRESSION,
            scheduleExpressionTimezone: "UTC",
            flexibleTimeWindow: { mode: "OFF" },
            target: {
                arn: fn.arn,
                roleArn: schedulerRole.arn,
                // A missed tick is made up by the next one; retries would only queue behind the reserved concurrency.
                retryPolicy: { maximumRetryAttempts: 0 },
            },
        }, parent);

        const alarms = args.alarm === undefined ? undefined : scheduledExportAlarms(name, args, args.alarm, table.name, regionArg, this);

        this.roleArn = role.arn;
        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.tableName = table.name;
        this.logGroupName = logGroup.name;
        this.scheduleName = schedule.name;
        this.policyJson = policyJson;
        this.alarmNames = alarms === undefined ? pulumi.output([]) : pulumi.all(alarms.map(a => a.name));
        this.registerOutputs({
            alarmNames: this.alarmNames,
            roleArn: this.roleArn, functionName: this.functionName, functionArn: this.functionArn, tableName: this.tableName,
            logGroupName: this.logGroupName, scheduleName: this.scheduleName, policyJson: this.policyJson,
        });
    }
}

/**
 * The two alarms, on the Maximum over every group of the schedule (dimension `Schedule`), so groups
 * created after deployment are watched too. The lag alarm counts hours without any metric as
 * breaching (the function stopped ticking) when the schedule ticks at least daily.
 */
function scheduledExportAlarms(
    name: string, args: ScheduledExportArgs, alarm: ScheduledExportAlarmArgs, tableName: pulumi.Output<string>,
    regionArg: { region?: pulumi.Input<string> }, parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm[] {
    const ticks = tickHoursOf(args.scheduleExpression ?? DEFAULT_SCHEDULE_EXPRESSION);
    const periods = ticks <= 24 ? Math.max(1, ticks) : 1;
    const common = {
        ...regionArg,
        namespace: DEFAULT_NAMESPACE,
        dimensions: { [METRIC_DIMENSIONS.schedule]: tableName },
        statistic: "Maximum",
        period: 3600,
        alarmActions: [alarm.snsTopicArn],
        okActions: [alarm.snsTopicArn],
        tags: args.tags,
    };
    const lagHours = lagThresholdHoursOf(args);
    return [
        new aws.cloudwatch.MetricAlarm(`${name}-lag-alarm`, {
            ...common,
            alarmDescription: `A log group of the continuous export ${name} is more than ${lagHours} h behind, or the export function stopped reporting.`,
            metricName: METRIC_NAMES.lag,
            comparisonOperator: "GreaterThanThreshold",
            threshold: lagHours * 3600,
            evaluationPeriods: periods,
            datapointsToAlarm: periods,
            treatMissingData: ticks <= 24 ? "breaching" : "notBreaching",
        }, { parent }),
        new aws.cloudwatch.MetricAlarm(`${name}-failures-alarm`, {
            ...common,
            alarmDescription: `A window of the continuous export ${name} failed ${alarm.failureThreshold ?? 3} times in a row (it is retried, never skipped).`,
            metricName: METRIC_NAMES.failures,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: alarm.failureThreshold ?? 3,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
        }, { parent }),
    ];
}
