/** Validation of {@link ScheduledExportArgs}, before anything is created. */
import { ValidationError, validateBucketName, validateKmsKeyArn, validateLogGroupName, validatePrefix, validateRegion } from "../policies/validate";
import { HOUR_MS, lagProblem, windowProblem } from "../handlers/scheduledExport/windows";
import { ScheduleSettings } from "../handlers/scheduledExport/config";
import { settingsSizeProblem } from "../handlers/scheduledExport/settings";
import { known, plain } from "./inputs";
import { ScheduledExportArgs } from "./scheduledExportArgs";

const RATE = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/;
// EventBridge Scheduler cron: six fields (minutes hours day-of-month month day-of-week year).
const CRON = /^cron\(\s*\S+(\s+\S+){5}\s*\)$/;

/** The settings the function reads from its table's settings item, once the bucket and prefix are known. */
export function scheduleSettingsOf(args: ScheduledExportArgs, bucket: string, prefix: string): ScheduleSettings {
    return {
        bucket, prefix,
        layout: args.layout ?? "date",
        windowMs: (args.windowHours ?? 24) * HOUR_MS,
        lagMs: (args.lagHours ?? 12) * HOUR_MS,
        ...(args.start === undefined ? {} : { start: Date.parse(args.start) }),
        ...(args.logGroupNames === undefined ? {} : { logGroupNames: args.logGroupNames }),
        ...(args.logGroupNamePrefixes === undefined ? {} : { logGroupNamePrefixes: args.logGroupNamePrefixes }),
        ...(args.tag === undefined ? {} : { tag: args.tag }),
    };
}

/** Throws a {@link ValidationError} for the first bad argument; `now` is the deployment's clock. */
export function validateScheduledExportArgs(args: ScheduledExportArgs, now = Date.now()): void {
    const names = args.logGroupNames ?? [];
    const prefixes = args.logGroupNamePrefixes ?? [];
    if (names.length === 0 && prefixes.length === 0 && args.tag === undefined) {
        throw new ValidationError("logGroupNames",
            "nothing is selected: give [logGroupNames], [logGroupNamePrefixes] or [tag] (e.g. { key: \"ExportToS3\", value: \"true\" }).");
    }
    names.forEach(n => validateLogGroupName(n, "logGroupNames"));
    prefixes.forEach(p => {
        if (p === "") {
            throw new ValidationError("logGroupNamePrefixes", "a prefix must not be empty: select every group with [tag], or name a prefix.");
        }
        validateLogGroupName(p, "logGroupNamePrefixes");
    });
    if (args.tag !== undefined && (args.tag.key === "" || args.tag.key.startsWith("aws:"))) {
        throw new ValidationError("tag", `${JSON.stringify(args.tag.key)} is not a usable tag key: name a non-empty key not starting with "aws:".`);
    }
    // An output (e.g. from a StackReference) is checked when it resolves, with the bucket.
    const prefix = plain(args.prefix);
    if (known(prefix) && prefix !== undefined && prefix !== "") {
        validatePrefix(prefix, "prefix");
    }
    if (args.layout !== undefined && args.layout !== "date" && args.layout !== "hive") {
        throw new ValidationError("layout", `${JSON.stringify(args.layout)} is not a layout: use "date" (yyyy/mm/dd) or "hive" (dt=yyyy-mm-dd).`);
    }
    if (args.windowHours !== undefined) {
        const h = args.windowHours;
        if (typeof h !== "number" || !Number.isInteger(h) || h <= 0 || windowProblem(h * HOUR_MS) !== undefined) {
            throw new ValidationError("windowHours",
                `${JSON.stringify(h)} does not divide a day: use 1, 2, 3, 4, 6, 8, 12 or 24 hours, or whole days (48, 72, ...), so windows stay aligned to UTC midnight.`);
        }
    }
    if (args.lagHours !== undefined) {
        const problem = typeof args.lagHours === "number" ? lagProblem(args.lagHours * HOUR_MS) : "the lag is a number of hours";
        if (problem !== undefined) {
            throw new ValidationError("lagHours",
                `${JSON.stringify(args.lagHours)}: ${problem}. Use 0 to 168 hours; 12 covers the up to 12 hours CloudWatch Logs takes to make data exportable.`);
        }
    }
    if (args.start !== undefined) {
        const t = Date.parse(args.start);
        if (Number.isNaN(t)) {
            throw new ValidationError("start", `${JSON.stringify(args.start)} is not a date: write an ISO 8601 date such as "2026-01-01".`);
        }
        if (t > now) {
            throw new ValidationError("start",
                `${JSON.stringify(args.start)} is in the future: give a past date to backfill from, or leave [start] out to begin with the current window.`);
        }
    }
    if (args.scheduleExpression !== undefined) {
        const e = args.scheduleExpression;
        const rate = RATE.exec(e);
        if ((rate === null || Number(rate[1]) < 1) && !CRON.test(e)) {
            throw new ValidationError("scheduleExpression",
                `${JSON.stringify(e)} is not a recurring EventBridge Scheduler expression: use "rate(1 hour)" or a six-field "cron(0 * * * ? *)".`);
        }
    }
    const t = args.timeoutSeconds;
    if (t !== undefined && (!Number.isInteger(t) || t < 60 || t > 900)) {
        throw new ValidationError("timeoutSeconds", `${JSON.stringify(t)} is out of range: use 60 to 900 seconds (Lambda's maximum).`);
    }
    const bucket = plain(args.bucketName);
    if (known(bucket)) {
        validateBucketName(bucket, "bucketName");
    }
    // Checked again once an output bucket or prefix resolves; these are at most 63 and 1,024 characters.
    const settingsProblem = settingsSizeProblem(JSON.stringify(scheduleSettingsOf(args,
        known(bucket) ? bucket : "", known(prefix) && prefix !== undefined ? prefix.replace(/\/+$/, "") : "exportedlogs")));
    if (settingsProblem !== undefined) {
        throw new ValidationError("logGroupNames", settingsProblem);
    }
    validateAlarm(args);
    const key = plain(args.kmsKeyArn);
    if (known(key) && key !== undefined) {
        validateKmsKeyArn(key, "kmsKeyArn");
    }
    const region = plain(args.region);
    if (known(region)) {
        validateRegion(region, "region");
    }
}

const SNS_TOPIC_ARN = /^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;
export const MAX_LAG_THRESHOLD_HOURS = 2160;

/** The lag alarm's threshold: the one given, or one window late. */
export function lagThresholdHoursOf(args: ScheduledExportArgs): number {
    return args.alarm?.lagThresholdHours ?? 2 * (args.windowHours ?? 24) + (args.lagHours ?? 12);
}

function validateAlarm(args: ScheduledExportArgs): void {
    const a = args.alarm;
    if (a === undefined) {
        return;
    }
    const topic = plain(a.snsTopicArn);
    if (known(topic) && (typeof topic !== "string" || !SNS_TOPIC_ARN.test(topic))) {
        throw new ValidationError("alarm.snsTopicArn",
            `${JSON.stringify(topic)} is not an SNS topic ARN: give a standard topic's ARN, arn:aws:sns:<region>:<account>:<topic name> (e.g. an aws.sns.Topic's arn).`);
    }
    const floor = (args.windowHours ?? 24) + (args.lagHours ?? 12);
    const lag = a.lagThresholdHours;
    if (lag !== undefined && (typeof lag !== "number" || !Number.isFinite(lag) || lag <= floor || lag > MAX_LAG_THRESHOLD_HOURS)) {
        throw new ValidationError("alarm.lagThresholdHours",
            `${JSON.stringify(lag)} is out of range: use more than ${floor} hours (windowHours + lagHours, the lag every group reaches before its next window is due) ` +
            `and at most ${MAX_LAG_THRESHOLD_HOURS} (90 days).`);
    }
    const f = a.failureThreshold;
    if (f !== undefined && (!Number.isInteger(f) || f < 1 || f > 100)) {
        throw new ValidationError("alarm.failureThreshold", `${JSON.stringify(f)} is out of range: use a whole number of consecutive failures from 1 to 100.`);
    }
}
