/**
 * ScheduledExport under mocks: the children a `pulumi up` would create (types, names, parents,
 * providers), the function's settings, its role policy proven by evaluation (seed 003's caller
 * permissions on the selected groups only, plus the state table), and bad input with exact messages.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import { settled } from "../support/programs";
import type { ScheduledExport as ScheduledExportClass, ScheduledExportArgs } from "../../components";
import { PolicyDocument } from "../../policies";
import { decide } from "../support/simulate";
import { GroupState, StateStore } from "../../handlers/scheduledExport/state";
import { tick } from "../../handlers/scheduledExport/tick";
import { ExportApi } from "../../dynamic-providers/engine";

/** The EMF records the handler's tick writes for one group of a schedule whose state table is `tableName`. */
async function emfRecords(tableName: string, state: Partial<GroupState>): Promise<Record<string, unknown>[]> {
    const lines: string[] = [];
    const store: StateStore = {
        acquireLease: async () => true, releaseLease: async () => undefined, start: async p => p,
        loadGroups: async () => new Map([["/app/api", { logGroupName: "/app/api", failures: 0, ...state }]]),
        markAttempt: async () => undefined, markDone: async () => true, markFailed: async () => undefined,
    };
    const api = new Proxy({}, { get: () => () => { throw new Error("no export is due"); } }) as ExportApi;
    const now = Date.UTC(2026, 0, 10, 6);
    await tick({
        config: { tableName, bucket: "archive-bucket", prefix: "p", windowMs: 86_400_000, lagMs: 43_200_000 }, store, api,
        listGroups: async () => [{ logGroupName: "/app/api" }], now: () => now, remainingMs: () => 60_000, owner: "t", log: l => lines.push(l),
    });
    return lines.map(l => JSON.parse(l) as Record<string, unknown>);
}

const A = "111111111111";
const ROLE = `arn:aws:iam::${A}:role/scheduled-role`;
const group = (name: string): string => `arn:aws:logs:us-east-1:${A}:log-group:${name}`;

/** The settings the component writes into its table's settings item (what the function reads). */
function settingsOf(m: InstalledMocks, name: string): Record<string, unknown> {
    const item = JSON.parse(m.named(`${name}-settings`).inputs.item as string) as Record<string, { S: string }>;
    assert.strictEqual(item.pk.S, "settings");
    return JSON.parse(item.settings.S) as Record<string, unknown>;
}
/** The function's `CWLOGS_SCHEDULE`. */
function envOf(m: InstalledMocks, name: string): Record<string, unknown> {
    return JSON.parse((m.named(`${name}-function`).inputs.environment as { variables: Record<string, string> }).variables.CWLOGS_SCHEDULE) as Record<string, unknown>;
}

describe("ScheduledExport (component, mocks)", () => {
    let m: InstalledMocks;
    let ScheduledExport: typeof ScheduledExportClass;

    before(() => {
        // Names and ARNs as AWS gives them (the documented mock echoes inputs only).
        m = installMocks({
            accountId: A, region: "us-east-1",
            state: r => r.type === "aws:dynamodb/table:Table"
                ? { name: `${r.name}-abc`, arn: `arn:aws:dynamodb:us-east-1:${A}:table/${r.name}-abc` }
                : r.type === "aws:cloudwatch/logGroup:LogGroup" ? { arn: `arn:aws:logs:us-east-1:${A}:log-group:${String(r.inputs.name)}` }
                    : r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" ? { name: `${r.name}-abc` } : undefined,
        });
        ({ ScheduledExport } = require("../../components") as typeof import("../../components"));
    });
    beforeEach(() => m.clear());

    it("creates the table, log group, role, function and schedule under the component, with the documented defaults", async () => {
        const c = new ScheduledExport("nightly", { logGroupNames: ["/app/api"], logGroupNamePrefixes: ["/aws/lambda/"], bucketName: "archive-bucket" });
        await valueOf(c.policyJson);
        await m.settled();
        const component = m.named("nightly");
        assert.strictEqual(component.type, "cwlogs:export:ScheduledExport");
        assert.deepStrictEqual(m.resources.filter(r => r.parent === component.urn).map(r => `${r.type} ${r.name}`).sort(), [
            "aws:cloudwatch/logGroup:LogGroup nightly-logs",
            "aws:dynamodb/table:Table nightly-state",
            "aws:dynamodb/tableItem:TableItem nightly-settings",
            "aws:iam/role:Role nightly-role",
            "aws:iam/role:Role nightly-scheduler-role",
            "aws:iam/rolePolicy:RolePolicy nightly-policy",
            "aws:iam/rolePolicy:RolePolicy nightly-scheduler-policy",
            "aws:lambda/function:Function nightly-function",
            "aws:scheduler/schedule:Schedule nightly-schedule",
        ]);
        const fn = m.named("nightly-function").inputs;
        assert.strictEqual(fn.runtime, "nodejs22.x");
        assert.strictEqual(fn.handler, "index.handler");
        assert.strictEqual(fn.reservedConcurrentExecutions, 1);
        assert.strictEqual(fn.timeout, 900);
        assert.deepStrictEqual(fn.loggingConfig, { logFormat: "Text", logGroup: "/cwlogs-export/scheduled/nightly" });
        // The environment (4 KB at most for all variables) names the table; the settings are its item.
        assert.deepStrictEqual(envOf(m, "nightly"), { tableName: "nightly-state-abc" });
        const item = m.named("nightly-settings").inputs;
        assert.strictEqual(item.tableName, "nightly-state-abc");
        assert.strictEqual(item.hashKey, "pk");
        assert.ok(m.named("nightly-function").dependencies.includes(m.named("nightly-settings").urn), "the function's first tick finds its settings");
        assert.deepStrictEqual(settingsOf(m, "nightly"), {
            bucket: "archive-bucket", prefix: "exportedlogs", layout: "date", windowMs: 86_400_000, lagMs: 43_200_000,
            logGroupNames: ["/app/api"], logGroupNamePrefixes: ["/aws/lambda/"],
        });
        const schedule = m.named("nightly-schedule").inputs;
        assert.strictEqual(schedule.scheduleExpression, "rate(1 hour)");
        assert.deepStrictEqual(schedule.flexibleTimeWindow, { mode: "OFF" });
        assert.strictEqual((schedule.target as { arn: string }).arn, `arn:aws:mock:us-east-1:${A}:aws:lambda/function:Function/nightly-function`);
        assert.strictEqual(m.named("nightly-logs").inputs.retentionInDays, 30);
        assert.deepStrictEqual(m.named("nightly-state").inputs.hashKey, "pk");
        assert.strictEqual(JSON.parse(m.named("nightly-scheduler-role").inputs.assumeRolePolicy as string).Statement[0].Principal.Service, "scheduler.amazonaws.com");
        assert.match(await valueOf(c.roleArn), /nightly-role/);
    });

    it("its role may export the selected groups (names and prefixes) and use its table, and nothing else (evaluated)", async () => {
        const c = new ScheduledExport("sel", {
            logGroupNames: ["/app/api"], logGroupNamePrefixes: ["/aws/lambda/"], bucketName: "archive-bucket", prefix: "logs",
        });
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        await m.settled();
        const tableArn = `arn:aws:dynamodb:us-east-1:${A}:table/sel-state-abc`;
        const ask = (action: string, resource: string, context: Record<string, string> = {}) =>
            decide({ principal: ROLE, action, resource, resourceAccount: A, identityPolicies: [policy], context });
        // Seed 003's five caller actions.
        assert.strictEqual(await ask("logs:CreateExportTask", group("/app/api")), "Allowed");
        assert.strictEqual(await ask("logs:CreateExportTask", group("/aws/lambda/created-next-year")), "Allowed", "prefix covers later groups");
        assert.strictEqual(await ask("logs:DescribeLogStreams", group("/aws/lambda/x")), "Allowed");
        assert.strictEqual(await ask("logs:CreateExportTask", group("/app/api-other")), "ImplicitlyDenied");
        assert.strictEqual(await ask("logs:CreateExportTask", group("/secrets/db")), "ImplicitlyDenied");
        assert.strictEqual(await ask("logs:DescribeLogStreams", group("/secrets/db")), "ImplicitlyDenied");
        for (const action of ["logs:DescribeExportTasks", "logs:CancelExportTask", "logs:DescribeLogGroups"]) {
            assert.strictEqual(await ask(action, "*"), "Allowed", action);
        }
        assert.strictEqual(await ask("s3:PutObject", "arn:aws:s3:::archive-bucket/logs/app/api/2026/01/01/t/s/000000.gz",
            { "s3:x-amz-acl": "bucket-owner-full-control" }), "Allowed");
        assert.strictEqual(await ask("s3:PutObject", "arn:aws:s3:::archive-bucket/elsewhere/x"), "ImplicitlyDenied");
        for (const action of ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:GetItem"]) {
            assert.strictEqual(await ask(action, tableArn), "Allowed", action);
        }
        assert.strictEqual(await ask("dynamodb:PutItem", `arn:aws:dynamodb:us-east-1:${A}:table/other`), "ImplicitlyDenied");
        assert.strictEqual(await ask("logs:PutLogEvents", `${group("/cwlogs-export/scheduled/sel")}:log-stream:2026/01/01/x`), "Allowed", "its own logs");
        assert.strictEqual(await ask("logs:PutLogEvents", `${group("/app/api")}:log-stream:x`), "ImplicitlyDenied");
        assert.strictEqual(await ask("logs:ListTagsForResource", group("/app/api")), "ImplicitlyDenied", "no tag, no tag reads");
    });

    it("selected by tag only: seed 003's unscoped caller statement plus ListTagsForResource", async () => {
        const c = new ScheduledExport("tagged", { tag: { key: "ExportToS3", value: "true" }, bucketName: "archive-bucket" });
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        assert.deepStrictEqual(policy.Statement[0], {
            Sid: "CloudWatchLogsExportTasks", Effect: "Allow",
            Action: ["logs:CreateExportTask", "logs:CancelExportTask", "logs:DescribeExportTasks", "logs:DescribeLogStreams", "logs:DescribeLogGroups"],
            Resource: "*",
        });
        assert.strictEqual(await decide({ principal: ROLE, action: "logs:ListTagsForResource", resource: group("/any"), resourceAccount: A, identityPolicies: [policy] }), "Allowed");
    });

    it("passes the window, lag, start, layout and schedule through, and an explicit provider reaches every child", async () => {
        const provider = new aws.Provider("acct-b", { region: "eu-west-1" });
        new ScheduledExport("custom", {
            logGroupNamePrefixes: ["/app/"], bucketName: "b-bucket", windowHours: 6, lagHours: 0, start: "2026-01-01", layout: "hive",
            scheduleExpression: "cron(15 * * * ? *)", timeoutSeconds: 300, logRetentionInDays: 7,
        }, { provider });
        await m.settled();
        const config = settingsOf(m, "custom");
        assert.strictEqual(config.windowMs, 6 * 3_600_000);
        assert.strictEqual(config.lagMs, 0);
        assert.strictEqual(config.start, Date.UTC(2026, 0, 1));
        assert.strictEqual(config.layout, "hive");
        assert.strictEqual(m.named("custom-schedule").inputs.scheduleExpression, "cron(15 * * * ? *)");
        assert.strictEqual(m.named("custom-function").inputs.timeout, 300);
        assert.strictEqual(m.named("custom-logs").inputs.retentionInDays, 7);
        const children = m.resources.filter(r => r.custom && r.name.startsWith("custom-"));
        assert.strictEqual(children.length, 9);
        for (const r of children) {
            assert.match(r.provider, /pulumi:providers:aws::acct-b::/, r.name);
        }
    });

    it("retains the state table and the function's log group on destroy unless deleteStateOnDestroy", async () => {
        const retained = async (name: string, args: Partial<ScheduledExportArgs>): Promise<Record<string, boolean | undefined>> => {
            const seen: Record<string, boolean | undefined> = {};
            // Children inherit the component's transformations, which see each child's options.
            new ScheduledExport(name, { logGroupNames: ["/app/api"], bucketName: "archive-bucket", ...args }, {
                transformations: [t => { seen[t.name] = t.opts.retainOnDelete; return undefined; }],
            });
            await m.settled();
            return seen;
        };
        const kept = await retained("keep", {});
        assert.strictEqual(kept["keep-state"], true);
        assert.strictEqual(kept["keep-logs"], true);
        assert.notStrictEqual(kept["keep-function"], true);
        const dropped = await retained("drop", { deleteStateOnDestroy: true });
        assert.strictEqual(dropped["drop-state"], false);
        assert.strictEqual(dropped["drop-logs"], false);
    });

    const bad: [string, Partial<ScheduledExportArgs>, string][] = [
        ["an empty selection", { logGroupNames: [], logGroupNamePrefixes: [] },
            '[logGroupNames] nothing is selected: give [logGroupNames], [logGroupNamePrefixes] or [tag] (e.g. { key: "ExportToS3", value: "true" }).'],
        ["a window that does not divide a day", { windowHours: 5 },
            "[windowHours] 5 does not divide a day: use 1, 2, 3, 4, 6, 8, 12 or 24 hours, or whole days (48, 72, ...), so windows stay aligned to UTC midnight."],
        ["a window of 36 hours", { windowHours: 36 },
            "[windowHours] 36 does not divide a day: use 1, 2, 3, 4, 6, 8, 12 or 24 hours, or whole days (48, 72, ...), so windows stay aligned to UTC midnight."],
        ["a negative lag", { lagHours: -1 },
            "[lagHours] -1: the lag cannot be negative. Use 0 to 168 hours; 12 covers the up to 12 hours CloudWatch Logs takes to make data exportable."],
        ["a lag over 7 days", { lagHours: 169 },
            "[lagHours] 169: the lag is at most 7 days. Use 0 to 168 hours; 12 covers the up to 12 hours CloudWatch Logs takes to make data exportable."],
        ["an invalid schedule expression", { scheduleExpression: "every hour" },
            '[scheduleExpression] "every hour" is not a recurring EventBridge Scheduler expression: use "rate(1 hour)" or a six-field "cron(0 * * * ? *)".'],
        ["a five-field cron", { scheduleExpression: "cron(0 * * * ?)" },
            '[scheduleExpression] "cron(0 * * * ?)" is not a recurring EventBridge Scheduler expression: use "rate(1 hour)" or a six-field "cron(0 * * * ? *)".'],
        ["a prefix with a leading slash (as ExportBucket)", { prefix: "/logs" },
            '[prefix] "/logs" starts with "/": S3 keys have no leading slash, so write "logs".'],
        ["a prefix with an empty segment", { prefix: "a//b" },
            '[prefix] "a//b" contains "//", which makes an empty path segment: write "a/b".'],
        ["a wildcard prefix", { prefix: "logs/*" },
            '[prefix] "logs/*" contains a control character, "*" or "?": these would act as wildcards or break the policy\'s resource ARN.'],
        ["a start in the future", { start: "2999-01-01" },
            '[start] "2999-01-01" is in the future: give a past date to backfill from, or leave [start] out to begin with the current window.'],
        ["a start that is not a date", { start: "yesterday" },
            '[start] "yesterday" is not a date: write an ISO 8601 date such as "2026-01-01".'],
        ["a bad log group name", { logGroupNames: ["bad name"] },
            '[logGroupNames] "bad name" is not a CloudWatch Logs log group name: use 1 to 512 characters from a-z, A-Z, 0-9, "_", "-", "/", "." and "#".'],
        ["a bucket name that is not one", { bucketName: "Archive_Bucket" },
            '[bucketName] "Archive_Bucket" is not a valid S3 bucket name: use only lowercase letters, digits, dots (.) and hyphens (-).'],
        ["a timeout over Lambda's limit", { timeoutSeconds: 901 },
            "[timeoutSeconds] 901 is out of range: use 60 to 900 seconds (Lambda's maximum)."],
        ["an alarm topic that is not an SNS topic ARN", { alarm: { snsTopicArn: "arn:aws:sqs:us-east-1:111111111111:queue" } },
            '[alarm.snsTopicArn] "arn:aws:sqs:us-east-1:111111111111:queue" is not an SNS topic ARN: give a standard topic\'s ARN, arn:aws:sns:<region>:<account>:<topic name> (e.g. an aws.sns.Topic\'s arn).'],
        ["a lag threshold the lag reaches every day", { alarm: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:ops", lagThresholdHours: 36 } },
            "[alarm.lagThresholdHours] 36 is out of range: use more than 36 hours (windowHours + lagHours, the lag every group reaches before its next window is due) and at most 2160 (90 days)."],
        ["a lag threshold over 90 days", { alarm: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:ops", lagThresholdHours: 2161 } },
            "[alarm.lagThresholdHours] 2161 is out of range: use more than 36 hours (windowHours + lagHours, the lag every group reaches before its next window is due) and at most 2160 (90 days)."],
        ["a failure threshold of 0", { alarm: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:ops", failureThreshold: 0 } },
            "[alarm.failureThreshold] 0 is out of range: use a whole number of consecutive failures from 1 to 100."],
        ["a fractional failure threshold", { alarm: { snsTopicArn: "arn:aws:sns:us-east-1:111111111111:ops", failureThreshold: 2.5 } },
            "[alarm.failureThreshold] 2.5 is out of range: use a whole number of consecutive failures from 1 to 100."],
    ];
    for (const [what, args, message] of bad) {
        it(`refuses ${what} before creating anything`, async () => {
            assert.throws(() => new ScheduledExport("bad", { logGroupNames: ["/app/api"], bucketName: "archive-bucket", ...args }),
                (e: Error) => e.message === message);
            await m.settled();
            assert.deepStrictEqual(m.resources.filter(r => r.custom).map(r => r.name), []);
        });
    }

    it("2,000 exact names: the settings item holds them, the environment stays small, the role policy fits IAM's limit (evaluated)", async () => {
        const names = Array.from({ length: 2000 }, (_, i) => `/svc/team${i % 20}/app-${i}`);
        const c = new ScheduledExport("many", { logGroupNames: names, bucketName: "archive-bucket" });
        const policyJson = await valueOf(c.policyJson);
        await m.settled();
        assert.deepStrictEqual(settingsOf(m, "many").logGroupNames, names);
        // Lambda: 4 KB for all environment variables together (Lambda quotas).
        const variables = (m.named("many-function").inputs.environment as { variables: Record<string, string> }).variables;
        assert.ok(Object.entries(variables).reduce((n, [k, v]) => n + k.length + v.length, 0) < 4096, JSON.stringify(variables));
        // IAM: a role's inline policies hold 10,240 characters (IAM and AWS STS quotas); 2,000 ARNs would not.
        assert.ok(policyJson.length <= 10_240, `${policyJson.length} characters`);
        const policy = JSON.parse(policyJson) as PolicyDocument;
        const ask = (resource: string) => decide({ principal: ROLE, action: "logs:CreateExportTask", resource, resourceAccount: A, identityPolicies: [policy] });
        assert.strictEqual(await ask(group("/svc/team7/app-1987")), "Allowed");
        assert.strictEqual(await ask(group("/svc/team0/app-0")), "Allowed");
        assert.strictEqual(await ask(group("/svc/team7/not-listed")), "Allowed", "documented: the permission covers the names' shared path prefix");
        assert.strictEqual(await ask(group("/svc/team20/app-1")), "ImplicitlyDenied");
        assert.strictEqual(await ask(group("/other/app-1")), "ImplicitlyDenied");
    });

    it("a few exact names stay exact ARNs in the role policy", async () => {
        const c = new ScheduledExport("few", { logGroupNames: ["/svc/team1/app-1", "/svc/team1/app-2"], bucketName: "archive-bucket" });
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        assert.strictEqual(await decide({ principal: ROLE, action: "logs:CreateExportTask", resource: group("/svc/team1/app-3"), resourceAccount: A, identityPolicies: [policy] }),
            "ImplicitlyDenied");
    });

    it("refuses names whose settings exceed DynamoDB's 400 KB item, before creating anything", async () => {
        const names = Array.from({ length: 900 }, (_, i) => `/big/${"x".repeat(490)}${String(i).padStart(4, "0")}`);
        assert.throws(() => new ScheduledExport("huge", { logGroupNames: names, bucketName: "archive-bucket" }), (e: Error) => e.message ===
            "[logGroupNames] the schedule's settings take 451940 bytes, over DynamoDB's 409600-byte (400 KB) item size limit " +
            '(Amazon DynamoDB "Service, account, and table quotas"): select the groups with [logGroupNamePrefixes] or [tag] instead of listing them all.');
        await m.settled();
        assert.deepStrictEqual(m.resources.filter(r => r.custom).map(r => r.name), []);
    });

    it("alarms on the metrics the handler emits: namespace, metric names and Schedule dimension match its EMF records", async () => {
        const topic = `arn:aws:sns:us-east-1:${A}:ops-alerts`;
        const c = new ScheduledExport("watched", { logGroupNamePrefixes: ["/app/"], bucketName: "archive-bucket", alarm: { snsTopicArn: topic } });
        assert.deepStrictEqual(await valueOf(c.alarmNames), ["watched-lag-alarm-abc", "watched-failures-alarm-abc"]);
        await m.settled();
        const lag = m.named("watched-lag-alarm");
        const failures = m.named("watched-failures-alarm");
        assert.strictEqual(lag.type, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.strictEqual(lag.parent, m.named("watched").urn);
        // Defaults: one window late (2 x 24 h + 12 h), 3 failures in a row; ALARM and OK both notify.
        assert.strictEqual(lag.inputs.threshold, 60 * 3600);
        assert.strictEqual(lag.inputs.comparisonOperator, "GreaterThanThreshold");
        assert.strictEqual(lag.inputs.treatMissingData, "breaching", "hourly ticks: an hour without metrics means the function stopped");
        assert.strictEqual(failures.inputs.threshold, 3);
        assert.strictEqual(failures.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
        assert.strictEqual(failures.inputs.treatMissingData, "notBreaching");
        for (const a of [lag, failures]) {
            assert.deepStrictEqual(a.inputs.alarmActions, [topic]);
            assert.deepStrictEqual(a.inputs.okActions, [topic]);
            assert.strictEqual(a.inputs.statistic, "Maximum");
        }
        // What the handler writes for a group 78 h behind with 4 failures, in the schedule of this table.
        const [record] = await emfRecords("watched-state-abc", { next: Date.UTC(2026, 0, 7), failures: 4 });
        const emf = (record._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0];
        for (const a of [lag, failures]) {
            const dimensions = a.inputs.dimensions as Record<string, string>;
            assert.strictEqual(a.inputs.namespace, emf.Namespace);
            assert.ok(emf.Metrics.some(x => x.Name === a.inputs.metricName), `${String(a.inputs.metricName)} is emitted`);
            assert.ok(emf.Dimensions.some(set => JSON.stringify(set) === JSON.stringify(Object.keys(dimensions))), JSON.stringify(emf.Dimensions));
            for (const [k, v] of Object.entries(dimensions)) {
                assert.strictEqual(record[k], v, `dimension ${k}`);
            }
        }
        // The values the alarms compare: this group is past the lag threshold and at the failure threshold.
        assert.ok((record[lag.inputs.metricName as string] as number) > (lag.inputs.threshold as number));
        assert.ok((record[failures.inputs.metricName as string] as number) >= (failures.inputs.threshold as number));
    });

    it("alarm thresholds pass through; ticks rarer than daily do not treat missing data as breaching", async () => {
        new ScheduledExport("tuned", {
            logGroupNames: ["/app/api"], bucketName: "archive-bucket", windowHours: 6, lagHours: 2, scheduleExpression: "rate(2 days)",
            alarm: { snsTopicArn: `arn:aws:sns:us-east-1:${A}:ops`, lagThresholdHours: 9, failureThreshold: 1 },
        });
        await m.settled();
        assert.strictEqual(m.named("tuned-lag-alarm").inputs.threshold, 9 * 3600);
        assert.strictEqual(m.named("tuned-lag-alarm").inputs.treatMissingData, "notBreaching");
        assert.strictEqual(m.named("tuned-failures-alarm").inputs.threshold, 1);
        new ScheduledExport("plain", { logGroupNames: ["/app/api"], bucketName: "archive-bucket" });
        await m.settled();
        assert.deepStrictEqual(m.resources.filter(r => r.name.startsWith("plain-") && r.type === "aws:cloudwatch/metricAlarm:MetricAlarm"), []);
    });

    it("takes the prefix from an output (another stack's), into the function's config and its role's policy", async () => {
        const c = new ScheduledExport("from-output", { logGroupNames: ["/app/api"], bucketName: "archive-bucket", prefix: pulumi.output("exports-7f3a9c/") });
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        await m.settled();
        const config = settingsOf(m, "from-output");
        assert.strictEqual(config.prefix, "exports-7f3a9c");
        assert.ok(JSON.stringify(policy).includes("arn:aws:s3:::archive-bucket/exports-7f3a9c/*"), JSON.stringify(policy));
    });

    it("refuses a bad prefix from an output when it resolves, before the role's policy or the function", async () => {
        const c = new ScheduledExport("bad-output", { logGroupNames: ["/app/api"], bucketName: "archive-bucket", prefix: pulumi.output("/logs") });
        await assert.rejects(settled(c.policyJson), (e: Error) => e.message.endsWith('[prefix] "/logs" starts with "/": S3 keys have no leading slash, so write "logs".'));
        await m.settled();
        assert.deepStrictEqual(m.resources.filter(r => r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:lambda/function:Function"), []);
    });
});

describe("examples/scheduled-export (mocks)", () => {
    let m: InstalledMocks;
    let program: Record<string, import("@pulumi/pulumi").Output<unknown>>;

    before(async () => {
        m = installMocks({ accountId: A, region: "us-east-1" });
        program = require("../../examples/scheduled-export/index") as typeof program;
        await valueOf(program.roleArn);
        await m.settled();
    });

    it("feeds the ExportBucket's name, prefix and key into a ScheduledExport whose role may write there", async () => {
        assert.strictEqual(m.named("daily").type, "cwlogs:export:ScheduledExport");
        const bucket = await valueOf(program.bucketName) as string;
        const config = settingsOf(m, "daily");
        assert.strictEqual(config.bucket, bucket);
        assert.strictEqual(config.prefix, "scheduled");
        assert.deepStrictEqual(config.logGroupNamePrefixes, ["/app/"]);
        const policy = JSON.parse(m.named("daily-policy").inputs.policy as string) as PolicyDocument;
        assert.ok(policy.Statement.some(s => s.Sid === "ExportDestinationKmsKey"), "the bucket's SSE-KMS key");
        assert.strictEqual(await decide({
            principal: ROLE, action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/scheduled/app/web/2026/11/01/t/s/000000.gz`, resourceAccount: A,
            identityPolicies: [policy], context: { "s3:x-amz-acl": "bucket-owner-full-control" },
        }), "Allowed");
    });
});
