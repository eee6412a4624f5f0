/**
 * `cwlogs-export schedule status` against moto, after real handler ticks (the fault proxy holds a
 * task RUNNING past a tick's budget and fails one window), run in-process like cli/main.ts does.
 */
import * as assert from "assert";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { logsExportApi } from "../../dynamic-providers/aws";
import { ScheduleStatus } from "../../cli/schedule";
import { ScheduleConfig } from "../../handlers/scheduledExport/config";
import { listSelectedGroups } from "../../handlers/scheduledExport/logGroups";
import { settingsItem } from "../../handlers/scheduledExport/settings";
import { dynamoStateStore } from "../../handlers/scheduledExport/state";
import { tick } from "../../handlers/scheduledExport/tick";
import { DAY_MS, HOUR_MS, taskNameOf } from "../../handlers/scheduledExport/windows";
import { runCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { fixtures } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const TABLE = "schedule-status-state";
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const START = TODAY - 5 * DAY_MS;
const iso = (ms: number): string => new Date(ms).toISOString();

describe("cwlogs-export schedule status (moto, after handler ticks)", function () {
    this.timeout(120_000);
    let moto: Moto;
    let proxy: Proxy;
    let restoreEnv: () => void = () => undefined;
    let status: ScheduleStatus;
    let created: { taskName: string; taskId: string }[] = [];

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
        restoreEnv = replaceEnv({ ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint });
        const f = fixtures(moto.endpoint, moto.credentials);
        await f.s3.send(new CreateBucketCommand({ Bucket: "status-archive" }));
        for (const g of ["/st/a", "/st/b", "/st/c"]) {
            await f.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
        }
        const ddb = new DynamoDBClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials });
        await ddb.send(new CreateTableCommand({
            TableName: TABLE, BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }));
        const settings = { bucket: "status-archive", prefix: "st", logGroupNamePrefixes: ["/st/"], start: START, windowMs: DAY_MS, lagMs: 12 * HOUR_MS };
        await ddb.send(new PutItemCommand({ TableName: TABLE, Item: settingsItem(JSON.stringify(settings)) }));
        const config: ScheduleConfig = { ...settings, tableName: TABLE };
        const store = await dynamoStateStore(TABLE, "us-east-1");
        const api = await logsExportApi({ region: "us-east-1" });
        const fast = { pollMinMs: 10, pollMaxMs: 50, slotBaseMs: 10, slotMaxMs: 50, retryBaseMs: 10, retryMaxMs: 50 };
        const runTick = (now: number, remainingMs: number) => tick({
            config, store, api, listGroups: () => listSelectedGroups(config, "us-east-1"), now: () => now, remainingMs: () => remainingMs,
            reserveMs: 0, owner: `t-${now}-${remainingMs}`, log: () => undefined, engine: { timing: fast },
        });
        // Tick 1: days 0 and 1 of every group, except b's day 1, which FAILS.
        proxy.failTasks(taskNameOf("/st/b", { start: START + DAY_MS, end: START + 2 * DAY_MS }), "Access denied to the bucket (injected)");
        const r1 = await runTick(START + 2 * DAY_MS + 12 * HOUR_MS, 60_000);
        assert.strictEqual(r1.failed.length, 1);
        // Tick 2, a day later (past b's backoff): b's day 1 is retried first (the most lagging group),
        // and its new task is held RUNNING past the tick's 500 ms budget. The proxy's hold applies to
        // every task by age: tick 1's are older than it, so they stay finished (b's FAILED).
        await new Promise(r => setTimeout(r, 1500));
        proxy.options.holdMs = 1200;
        const r2 = await runTick(START + 3 * DAY_MS + 12 * HOUR_MS, 500);
        assert.strictEqual(r2.stoppedBy, "budget");
        assert.deepStrictEqual(r2.exported, []);
        created = proxy.created;
        const r = await runCli("schedule", "status", "--table", TABLE, "--json");
        assert.strictEqual(r.code, 0, r.stderr);
        status = JSON.parse(r.stdout) as ScheduleStatus;
    });

    after(async () => {
        restoreEnv();
        await proxy?.stop();
        await moto?.stop();
    });

    it("--json: the schedule's settings, no tick running, and every group it exports", () => {
        assert.strictEqual(status.tableName, TABLE);
        assert.deepStrictEqual(status.schedule, {
            bucket: "status-archive", prefix: "st", layout: "date", windowHours: 24, lagHours: 12, start: iso(START),
            logGroupNames: 0, logGroupNamePrefixes: ["/st/"], tag: null,
        });
        assert.strictEqual(status.tickRunning, null, "the lease was released");
        assert.deepStrictEqual(status.logGroups.map(g => g.logGroupName), ["/st/a", "/st/b", "/st/c"]);
    });

    it("--json: last exported window, lag, running task and last failure per group, as the handler recorded them", () => {
        const [a, b, c] = status.logGroups;
        const taskOf = (g: string, day: number): string | undefined =>
            created.filter(x => x.taskName === taskNameOf(g, { start: START + day * DAY_MS, end: START + (day + 1) * DAY_MS })).at(-1)?.taskId;
        assert.deepStrictEqual({ ...a.lastExportedWindow, completedAt: undefined },
            { from: iso(START + DAY_MS), to: iso(START + 2 * DAY_MS), taskId: taskOf("/st/a", 1), completedAt: undefined });
        assert.strictEqual(a.runningTask, null);
        assert.ok(Math.abs((a.lagSeconds ?? 0) - (Date.now() - (START + 2 * DAY_MS)) / 1000) < 30, String(a.lagSeconds));
        assert.strictEqual(a.lastFailure, null);

        assert.deepStrictEqual(b.lastExportedWindow?.to, iso(START + DAY_MS));
        assert.strictEqual(b.consecutiveFailures, 1);
        assert.match(b.lastFailure?.message ?? "", /FAILED.*Access denied to the bucket \(injected\)/s);
        assert.ok(b.retryAfter !== null && Date.parse(b.retryAfter) > START + 2 * DAY_MS);
        assert.deepStrictEqual(b.runningTask, { taskId: taskOf("/st/b", 1), windowFrom: iso(START + DAY_MS) }, "its retry");
        assert.notStrictEqual(taskOf("/st/b", 1), created.find(x => x.taskName === taskNameOf("/st/b", { start: START + DAY_MS, end: START + 2 * DAY_MS }))?.taskId,
            "a new task, not the FAILED one");

        assert.deepStrictEqual(c.lastExportedWindow?.to, iso(START + 2 * DAY_MS));
        assert.strictEqual(c.runningTask, null, "c's day 2 was not started: the tick's budget went to b's retry");
        assert.strictEqual(c.consecutiveFailures, 0);
    });

    it("prints a table by default", async () => {
        const r = await runCli("schedule", "status", "--table", TABLE);
        assert.strictEqual(r.code, 0, r.stderr);
        const lines = r.stdout.trimEnd().split("\n");
        assert.strictEqual(lines[0].startsWith(`Schedule ${TABLE} at `), true, lines[0]);
        assert.strictEqual(lines[1], "  to s3://status-archive/st (date), windows of 24 h, 12 h lag");
        assert.strictEqual(lines[2], "  tick running: no");
        assert.match(lines[4], /^LOG GROUP\s+LAST EXPORTED WINDOW\s+LAG\s+RUNNING TASK\s+FAILURES\s+LAST FAILURE$/);
        assert.match(lines[6], /^\/st\/b\s+\S+ \.\. \S+\s+[\d.]+ h\s+[0-9a-f-]+ \(\S+\)\s+1\s+\S+Z export task FAILED/);
        assert.strictEqual(lines.length, 8);
    });

    it("exits 2 naming the flag: missing --table, a bad --table, a bad --region, an unknown flag", async () => {
        const missing = await runCli("schedule", "status");
        assert.strictEqual(missing.code, 2);
        assert.match(missing.stderr, /required option '--table <name>' not specified/);
        const bad = await runCli("schedule", "status", "--table", "a b");
        assert.strictEqual(bad.code, 2);
        assert.strictEqual(bad.stderr,
            'cwlogs-export: [--table] "a b" is not a DynamoDB table name: give the ScheduledExport\'s state table, e.g. --table "$(pulumi stack output tableName)".\n');
        const region = await runCli("schedule", "status", "--table", TABLE, "--region", "nowhere");
        assert.strictEqual(region.code, 2);
        assert.match(region.stderr, /^cwlogs-export: \[--region\] /);
        const unknown = await runCli("schedule", "status", "--table", TABLE, "--bogus");
        assert.strictEqual(unknown.code, 2);
        assert.match(unknown.stderr, /unknown option '--bogus'/);
        assert.strictEqual(unknown.stdout, "");
    });

    it("exits 1 with the fix when the table does not exist", async () => {
        const r = await runCli("schedule", "status", "--table", "no-such-table");
        assert.strictEqual(r.code, 1);
        assert.strictEqual(r.stderr,
            "cwlogs-export: table no-such-table not found in us-east-1: check --table (the ScheduledExport's tableName output), --region and --profile.\n");
        assert.strictEqual(r.stdout, "");
    });
});
