/**
 * The continuous export's handler, tick after tick with a controllable schedule clock, against moto
 * (CloudWatch Logs, S3, DynamoDB) behind the fault proxy (task timing, the one-task limit, FAILED
 * tasks). Objects are read back from moto's S3 to prove every event lands once, in its window's folder.
 */
import * as assert from "assert";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateLogGroupCommand, CreateLogStreamCommand, DeleteLogGroupCommand, DescribeExportTasksCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { logsExportApi } from "../../dynamic-providers/aws";
import { ScheduleConfig } from "../../handlers/scheduledExport/config";
import { handler } from "../../handlers/scheduledExport/index";
import { settingsItem } from "../../handlers/scheduledExport/settings";
import { LogGroupInfo, listSelectedGroups } from "../../handlers/scheduledExport/logGroups";
import { dynamoStateStore, StateStore } from "../../handlers/scheduledExport/state";
import { tick, TickDeps, TickReport } from "../../handlers/scheduledExport/tick";
import { DAY_MS, HOUR_MS, taskNameOf } from "../../handlers/scheduledExport/windows";
import { ExportApi, forgetDurations } from "../../dynamic-providers/engine";
import { replaceEnv } from "../support/env";
import { Fixtures, fixtures, readGz } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const BUCKET = "scheduled-archive";
const DAYS = 10;
// Real "today" at UTC midnight: moto's PutLogEvents refuses events more than 14 days old.
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const START = TODAY - DAYS * DAY_MS;
const FAST = { pollMinMs: 10, pollMaxMs: 50, slotBaseMs: 10, slotMaxMs: 50, retryBaseMs: 10, retryMaxMs: 50 };

describe("ScheduledExport handler, tick by tick (moto + proxy)", function () {
    this.timeout(180_000);
    let moto: Moto;
    let proxy: Proxy;
    let f: Fixtures;
    let restore: () => void;
    let table = 0;
    let catchUp: { lines: { folder: string; message: string }[]; messages: string[] } | undefined;
    let catchUpTaskId = "";

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
        restore = replaceEnv({ ...moto.env(), AWS_ENDPOINT_URL: proxy.endpoint });
        f = fixtures(moto.endpoint, moto.credentials);
    });
    after(async () => {
        restore?.();
        await proxy?.stop();
        await moto?.stop();
    });

    /** A fresh table, bucket prefix and proxy state per test: tests share one moto. */
    async function setup(prefix: string): Promise<{ store: StateStore; config: ScheduleConfig }> {
        proxy.clear();
        // Each test is a function of its own: no durations in the engine's model from another one.
        forgetDurations();
        proxy.options.holdMs = 0;
        const tableName = `schedule-state-${++table}`;
        await new DynamoDBClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials }).send(new CreateTableCommand({
            TableName: tableName, BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }));
        await f.s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
        return {
            store: await dynamoStateStore(tableName, "us-east-1"),
            config: { tableName, bucket: BUCKET, prefix, logGroupNamePrefixes: [`/${prefix}/`], start: START },
        };
    }

    /** A group with, per day since START, one event exactly on the day's first millisecond, one at noon and one on its last millisecond. */
    async function seedGroup(name: string, days = DAYS): Promise<string[]> {
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: name }));
        await f.logs.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: "app" }));
        const events: { timestamp: number; message: string }[] = [];
        for (let d = 0; d < days; d++) {
            const t = START + d * DAY_MS;
            events.push({ timestamp: t, message: `${name} day${d} first` }, { timestamp: t + 12 * HOUR_MS, message: `${name} day${d} noon` },
                { timestamp: t + DAY_MS - 1, message: `${name} day${d} last` });
        }
        await f.logs.send(new PutLogEventsCommand({ logGroupName: name, logStreamName: "app", logEvents: events }));
        return events.map(e => e.message);
    }

    async function runTick(s: { store: StateStore; config: ScheduleConfig }, now: number, over: Partial<TickDeps> = {}): Promise<TickReport> {
        return tick({
            config: s.config, store: s.store,
            api: await logsExportApi({ region: "us-east-1" }),
            listGroups: () => listSelectedGroups(s.config, "us-east-1"),
            now: () => now,
            remainingMs: () => 120_000,
            reserveMs: 0,
            owner: `test-${Math.random()}`,
            log: () => undefined,
            engine: { timing: FAST },
            ...over,
        });
    }

    /** Every exported line under `prefix/`, with the date folder it is in. */
    async function exportedLines(prefix: string): Promise<{ folder: string; message: string }[]> {
        const out = await f.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
        const lines: { folder: string; message: string }[] = [];
        for (const o of out.Contents ?? []) {
            const key = o.Key ?? "";
            const folder = /^(.*\/\d{4}\/\d{2}\/\d{2})\/[^/]+\/[^/]+\/000000\.gz$/.exec(key)?.[1];
            assert.ok(folder !== undefined, `unexpected key layout: ${key}`);
            for (const line of (await readGz(f, BUCKET, key)).split("\n").filter(l => l !== "")) {
                lines.push({ folder, message: line.replace(/^\S+ /, "") });
            }
        }
        return lines;
    }

    it("3 groups x 10 days catch up, then keep up, one task per window; every event lands in its day's folder", async () => {
        const s = await setup("cu");
        const groups = ["/cu/a", "/cu/b", "/cu/c"];
        const messages = (await Promise.all(groups.map(g => seedGroup(g)))).flat();

        // 11:59 on TODAY: yesterday is not due yet (12 h lag), the 9 days before are.
        const r1 = await runTick(s, TODAY + 12 * HOUR_MS - 60_000);
        assert.strictEqual(r1.exported.length, 3 * (DAYS - 1));
        assert.deepStrictEqual(r1.failed, []);
        assert.ok(r1.groups.every(g => g.due === 0 && g.next === TODAY - DAY_MS), JSON.stringify(r1.groups));

        const r2 = await runTick(s, TODAY + 12 * HOUR_MS);
        assert.deepStrictEqual(r2.exported.map(x => [x.logGroupName, x.start]), groups.map(g => [g, TODAY - DAY_MS]));
        const r3 = await runTick(s, TODAY + 13 * HOUR_MS);
        assert.strictEqual(r3.exported.length, 0, "nothing twice");
        assert.ok(r3.groups.every(g => g.lagMs === 13 * HOUR_MS));

        // One task per group and window, never two.
        const names = proxy.created.map(c => c.taskName);
        catchUpTaskId = proxy.created[0].taskId;
        assert.strictEqual(names.length, 3 * DAYS);
        assert.strictEqual(new Set(names).size, names.length);

        const lines = await exportedLines("cu");
        assert.deepStrictEqual([...new Set(lines.map(l => l.message))].sort(), [...messages].sort(), "every event exported");
        catchUp = { lines, messages };
        // The layout the README documents: <prefix>/<log group without its leading "/">/<yyyy>/<mm>/<dd>.
        const folderOf = (message: string): string => {
            const d = new Date(START + Number(/day(\d+)/.exec(message)?.[1]) * DAY_MS);
            return `cu/${message.split(" ")[0].slice(1)}/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${String(d.getUTCDate()).padStart(2, "0")}`;
        };
        for (const m of messages) {
            assert.ok(lines.some(l => l.message === m && l.folder === folderOf(m)), `${m} in ${folderOf(m)}`);
        }
        for (const l of lines.filter(x => !x.message.endsWith(" first"))) {
            assert.strictEqual(l.folder, folderOf(l.message), l.message);
        }
    });

    it("exports events on window boundaries exactly once (read back from the objects)", async () => {
        assert.ok(catchUp !== undefined, "needs the catch-up test's exports");
        // CreateExportTask's `to` is inclusive (API reference); the handler passes exclusive window
        // ends and the engine sends `to - 1`, so a day's task ends 1 ms before the next day.
        const first = await f.logs.send(new DescribeExportTasksCommand({ taskId: catchUpTaskId }));
        const task = first.exportTasks?.[0];
        assert.strictEqual((task?.to ?? 0) - (task?.from ?? 0), DAY_MS - 1, "a day's window is sent as [start, end - 1 ms]");
        assert.deepStrictEqual(catchUp.lines.map(l => l.message).sort(), [...catchUp.messages].sort(), "each event exactly once");
    });

    it("picks up a new group matching the prefix; a deleted group stops without failing the others", async () => {
        const s = await setup("nd");
        await seedGroup("/nd/a", 3);
        await seedGroup("/nd/gone", 3);
        await runTick(s, START + 2 * DAY_MS + 12 * HOUR_MS);
        await seedGroup("/nd/new", 3);
        await f.logs.send(new DeleteLogGroupCommand({ logGroupName: "/nd/gone" }));
        const r = await runTick(s, START + 3 * DAY_MS + 12 * HOUR_MS);
        assert.deepStrictEqual(r.failed, []);
        assert.deepStrictEqual(r.exported.map(x => `${x.logGroupName}@${(x.start - START) / DAY_MS}`).sort(),
            ["/nd/a@2", "/nd/new@0", "/nd/new@1", "/nd/new@2"]);
        assert.deepStrictEqual(r.groups.map(g => g.logGroupName), ["/nd/a", "/nd/new"]);

        // Deleted after the listing: CreateExportTask's ResourceNotFoundException skips it, no failure.
        const stale: LogGroupInfo[] = [{ logGroupName: "/nd/a" }, { logGroupName: "/nd/vanished" }];
        const r2 = await runTick(s, START + 4 * DAY_MS + 12 * HOUR_MS, { listGroups: async () => stale });
        assert.deepStrictEqual(r2.vanished, ["/nd/vanished"]);
        assert.deepStrictEqual(r2.failed, []);
        assert.deepStrictEqual(r2.exported.map(x => x.logGroupName), ["/nd/a"]);
    });

    it("selects by tag among the prefixed groups (ListTagsForResource)", async () => {
        const s = await setup("tg");
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: "/tg/yes", tags: { ExportToS3: "true" } }));
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: "/tg/no", tags: { ExportToS3: "false" } }));
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: "/tg/untagged" }));
        const config = { ...s.config, tag: { key: "ExportToS3", value: "true" } };
        const r = await runTick({ ...s, config }, START + DAY_MS + 12 * HOUR_MS);
        assert.deepStrictEqual(r.groups.map(g => g.logGroupName), ["/tg/yes"]);
        assert.deepStrictEqual(r.exported.map(x => x.logGroupName), ["/tg/yes"]);
    });

    it("retries a FAILED window on a later tick after a backoff, reports it, never skips it, then succeeds", async () => {
        const s = await setup("fl");
        await seedGroup("/fl/a", 3);
        await seedGroup("/fl/b", 3);
        const day1 = { start: START + DAY_MS, end: START + 2 * DAY_MS };
        proxy.failTasks(taskNameOf("/fl/b", day1), "Access denied to the bucket");
        const now = START + 2 * DAY_MS + 12 * HOUR_MS;
        const lines: string[] = [];
        const r1 = await runTick(s, now, { log: l => lines.push(l) });
        assert.deepStrictEqual(r1.failed.map(x => [x.logGroupName, x.start]), [["/fl/b", day1.start]]);
        assert.match(r1.failed[0].error ?? "", /FAILED/);
        assert.deepStrictEqual(r1.exported.map(x => `${x.logGroupName}@${(x.start - START) / DAY_MS}`).sort(), ["/fl/a@0", "/fl/a@1", "/fl/b@0"]);
        const metric = lines.map(l => JSON.parse(l) as Record<string, unknown>).find(m => m.LogGroup === "/fl/b");
        assert.strictEqual(metric?.ConsecutiveFailures, 1);
        assert.strictEqual(metric?.ExportLagSeconds, (now - day1.start) / 1000);
        assert.deepStrictEqual((metric?._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0].Namespace, "CwlogsExport/ScheduledExport");

        // Within the backoff: not retried, and day 2 of b is not exported past the gap.
        const r2 = await runTick(s, now + 60_000);
        assert.deepStrictEqual(r2.exported, []);
        assert.deepStrictEqual(r2.failed, []);

        proxy.stopFailingTasks();
        const r3 = await runTick(s, now + HOUR_MS);
        assert.deepStrictEqual(r3.exported.map(x => [x.logGroupName, x.start]), [["/fl/b", day1.start]]);
        assert.strictEqual(r3.groups.find(g => g.logGroupName === "/fl/b")?.failures, 0);
        assert.strictEqual(proxy.created.filter(c => c.taskName === taskNameOf("/fl/b", day1)).length, 2, "the failed task, then one retry");
    });

    it("a crash between CreateExportTask and the state write adopts the task: one task per window", async () => {
        const s = await setup("cr");
        await seedGroup("/cr/a", 2);
        const crashing: StateStore = {
            ...s.store,
            async markAttempt(group, start, taskId) {
                if (taskId !== undefined) {
                    throw new Error("simulated crash after CreateExportTask");
                }
                return s.store.markAttempt(group, start, taskId);
            },
        };
        const now = START + DAY_MS + 12 * HOUR_MS;
        await assert.rejects(runTick({ ...s, store: crashing }, now), /simulated crash/);
        assert.strictEqual(proxy.created.length, 1);
        const r = await runTick(s, now);
        assert.deepStrictEqual(r.exported.map(x => [x.start, x.adopted]), [[START, true]]);
        assert.strictEqual(proxy.created.length, 1, "adopted, not created again");
    });

    it("a store failure while \"done\" is written beside the next task: the next tick adopts that window, creates nothing twice", async () => {
        const s = await setup("cp");
        await seedGroup("/cp/a", 3);
        await seedGroup("/cp/b", 3);
        proxy.options.holdMs = 100;
        let dones = 0;
        const crashing: StateStore = {
            ...s.store,
            async markDone(...args) {
                if (dones++ === 0) {
                    throw new Error("simulated crash while writing done");
                }
                return s.store.markDone(...args);
            },
        };
        const now = START + 2 * DAY_MS + 12 * HOUR_MS;
        await assert.rejects(runTick({ ...s, store: crashing }, now), /simulated crash/);
        assert.strictEqual(proxy.created.length, 2, "a's task, and b's created beside a's failed done");
        const r = await runTick(s, now);
        assert.deepStrictEqual(r.failed, []);
        // a's day 0 was never recorded done: adopted (COMPLETED), not created again; b's day 0, done
        // after its task COMPLETED in the failed tick, is not exported again.
        assert.deepStrictEqual(r.exported.map(x => [x.logGroupName, (x.start - START) / DAY_MS, x.adopted]),
            [["/cp/a", 0, true], ["/cp/a", 1, false], ["/cp/b", 1, false]]);
        const names = proxy.created.map(c => c.taskName);
        assert.strictEqual(names.length, 4);
        assert.strictEqual(new Set(names).size, 4, "one task per window");
    });

    it("two invocations at once create nothing twice", async () => {
        const s = await setup("cc");
        await seedGroup("/cc/a", 3);
        await seedGroup("/cc/b", 3);
        proxy.options.holdMs = 100;
        const now = START + 3 * DAY_MS + 12 * HOUR_MS;
        const [a, b] = await Promise.all([runTick(s, now), runTick(s, now)]);
        assert.deepStrictEqual([a.lease, b.lease].sort(), [false, true]);
        const again = await runTick(s, now);
        assert.strictEqual(a.exported.length + b.exported.length + again.exported.length, 6);
        const names = proxy.created.map(c => c.taskName);
        assert.strictEqual(new Set(names).size, names.length);
        assert.strictEqual(names.length, 6);
    });

    it("stops at the time budget with a task still running; the next tick adopts it", async () => {
        const s = await setup("bd");
        await seedGroup("/bd/a", 2);
        proxy.options.holdMs = 1500;
        const now = START + 2 * DAY_MS + 12 * HOUR_MS;
        const r1 = await runTick(s, now, { remainingMs: () => 600 });
        assert.strictEqual(r1.stoppedBy, "budget");
        assert.deepStrictEqual(r1.exported, []);
        const r2 = await runTick(s, now);
        assert.deepStrictEqual(r2.exported.map(x => [x.start, x.adopted]), [[START, true], [START + DAY_MS, false]]);
        assert.strictEqual(proxy.created.length, 2);
    });

    it("a task left running that completes while the next tick reads the task lists is adopted: RUNNING is read first, then COMPLETED", async () => {
        const s = await setup("bl");
        await seedGroup("/bl/a", 1);
        proxy.options.holdMs = 1500;
        const now = START + DAY_MS + 12 * HOUR_MS;
        const r1 = await runTick(s, now, { remainingMs: () => 600 });
        assert.strictEqual(r1.stoppedBy, "budget");
        const [left] = proxy.created;
        // The list of RUNNING tasks is answered only once the task left running has completed: read
        // side by side with COMPLETED (answered at once, the task still running), it is in neither.
        const real = await logsExportApi({ region: "us-east-1" });
        const api: ExportApi = {
            ...real,
            async describeExportTasks(q) {
                if (q.statusCode === "RUNNING") {
                    await new Promise(r => setTimeout(r, Math.max(0, left.at + 1500 - Date.now()) + 50));
                }
                return real.describeExportTasks(q);
            },
        };
        const r2 = await runTick(s, now, { api });
        assert.deepStrictEqual(r2.exported.map(x => [x.start, x.adopted]), [[START, true]]);
        assert.strictEqual(proxy.created.length, 1, "adopted, not created again");
    });

    it("pipelines: the next window is claimed while a task runs, and created before the last one's \"done\" is written", async () => {
        const s = await setup("pl");
        await Promise.all(["/pl/a", "/pl/b", "/pl/c"].map(g => seedGroup(g, 3)));
        proxy.options.holdMs = 150;
        // A slow state store (each call 80 ms): the old one-after-the-other tick idled the slot on each write.
        const events: string[] = [];
        const slow = <T>(label: string, fn: () => Promise<T>): Promise<T> => {
            events.push(`${label} begin`);
            return new Promise<void>(r => setTimeout(r, 80)).then(fn).finally(() => events.push(`${label} end`));
        };
        const store: StateStore = {
            ...s.store,
            markAttempt: (g, start, taskId) => slow(`${taskId === undefined ? "claim" : "task"} ${g}@${start}`, () => s.store.markAttempt(g, start, taskId)),
            markDone: (g, start, end, taskId, now, ms) => slow(`done ${g}@${start}`, () => s.store.markDone(g, start, end, taskId, now, ms)),
        };
        const real = await logsExportApi({ region: "us-east-1" });
        const api: ExportApi = {
            ...real,
            createExportTask(r) {
                events.push(`create ${r.logGroupName}@${r.from}`);
                return real.createExportTask(r);
            },
        };
        const r = await runTick({ ...s, store }, START + 2 * DAY_MS + 12 * HOUR_MS, { api });
        const order = r.exported.map(x => `${x.logGroupName}@${x.start}`);
        assert.strictEqual(order.length, 6);
        assert.strictEqual(proxy.created.length, 6);
        const at = (e: string): number => {
            const i = events.indexOf(e);
            assert.ok(i >= 0, `${e} not in ${events.join(", ")}`);
            return i;
        };
        for (let k = 1; k < order.length; k++) {
            const [prev, cur] = [order[k - 1], order[k]];
            assert.ok(at(`claim ${cur} begin`) < at(`done ${prev} begin`), `${cur} claimed while ${prev} ran`);
            assert.ok(at(`claim ${cur} end`) < at(`create ${cur}`), `${cur} created after its claim`);
            assert.ok(at(`create ${cur}`) < at(`done ${prev} begin`), `${prev}'s "done" waits for ${cur}'s create, which holds the slot`);
            assert.ok(at(`task ${prev} end`) < at(`done ${prev} begin`), `${prev}: task id before "done"`);
        }
        // Still exactly once, and every window done in the store.
        assert.strictEqual(new Set(proxy.created.map(c => c.taskName)).size, 6);
        const states = await s.store.loadGroups();
        assert.deepStrictEqual([...states.values()].map(g => g.next), [START + 2 * DAY_MS, START + 2 * DAY_MS, START + 2 * DAY_MS]);
        // Each task's run time (AWS's creation to completion) is stored with "done"...
        assert.deepStrictEqual([...states.values()].map(g => g.lastDurationMs), [150, 150, 150]);
        // ...so the next tick's tasks are polled once each, at their expected end, even in a new
        // container (no durations in the engine's model: the stored run times stand for them).
        forgetDurations();
        const seen = proxy.seen.length;
        const r2 = await runTick(s, START + 3 * DAY_MS + 12 * HOUR_MS);
        assert.strictEqual(r2.exported.length, 3);
        const calls = proxy.seen.slice(seen).filter(x => x.operation !== "DescribeLogGroups").map(x => x.operation);
        assert.deepStrictEqual(calls, ["CreateExportTask", "DescribeExportTasks", "CreateExportTask", "DescribeExportTasks", "CreateExportTask", "DescribeExportTasks"]);
    });

    it("the Lambda handler reads 2,000 names from the table's settings item (CWLOGS_SCHEDULE names the table only)", async () => {
        const s = await setup("big");
        const names = Array.from({ length: 2000 }, (_, i) => `/big/team${i % 20}/app-${i}`);
        const real = [names[0], names[777], names[1999]];
        for (const g of [...real, "/big/team0/not-listed"]) {
            await f.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
        }
        const yesterday = TODAY - DAY_MS;
        await new DynamoDBClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials }).send(new PutItemCommand({
            TableName: s.config.tableName,
            Item: settingsItem(JSON.stringify({ bucket: BUCKET, prefix: "big", windowMs: DAY_MS, lagMs: 0, start: yesterday, logGroupNames: names })),
        }));
        const restoreEnv = replaceEnv({ ...moto.env(), AWS_ENDPOINT_URL: proxy.endpoint, CWLOGS_SCHEDULE: JSON.stringify({ tableName: s.config.tableName }) });
        const log = console.log;
        const lines: string[] = [];
        console.log = (line: string) => lines.push(line);
        try {
            const r = await handler({}, { awsRequestId: "req-1", getRemainingTimeInMillis: () => 60_000 });
            console.log = log;
            assert.strictEqual(lines.filter(l => l.includes('"CloudWatchMetrics"')).length, 3, "one metric record per selected group");
            assert.deepStrictEqual(r.groups.map(g => g.logGroupName), [...real].sort());
            assert.deepStrictEqual(r.exported.map(x => [x.logGroupName, x.start]).sort(), [...real].sort().map(g => [g, yesterday]));
            // Listed by the names' path prefixes (20), not one DescribeLogGroups per name.
            assert.strictEqual(proxy.count("DescribeLogGroups"), 20);
        } finally {
            console.log = log;
            restoreEnv();
        }
    });

    it("the Lambda handler says which item is missing when the table has no settings", async () => {
        const s = await setup("nos");
        const restoreEnv = replaceEnv({ ...moto.env(), AWS_ENDPOINT_URL: proxy.endpoint, CWLOGS_SCHEDULE: JSON.stringify({ tableName: s.config.tableName }) });
        try {
            await assert.rejects(handler({}, {}), (e: Error) => e.message ===
                `the schedule's settings item (pk "settings") is missing from table ${s.config.tableName}: the ScheduledExport component writes it; run \`pulumi up\`.`);
        } finally {
            restoreEnv();
        }
    });
});
