/**
 * `cwlogs-export export` end to end: moto behind the test proxy (tasks held RUNNING, the
 * one-active-task limit, FAILED tasks, refused creates), run in-process through cli/main.ts's main(),
 * and as a real child process where a kill or a Ctrl-C (SIGINT) is what is tested.
 */
import {
    CancelExportTaskCommand, CloudWatchLogsClient, CreateExportTaskCommand, CreateLogGroupCommand, CreateLogStreamCommand, DescribeExportTasksCommand, ExportTask,
    PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chunkTaskName } from "../../cli/export/plan";
import { BackfillState, loadState } from "../../cli/export/state";
import { runCli, spawnCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { assumeRole, Fixtures, fixtures, listKeys, readGz, seedExport } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const REGION = "us-east-1";
const BUCKET = "backfill-bucket";
const H = 3_600_000;
const DAY = 24 * H;
/** Yesterday 00:00 UTC: the events sit there, every 30 minutes, one exactly on each hour. */
const DAY0 = Math.floor(Date.now() / DAY) * DAY - DAY;

const iso = (ms: number): string => new Date(ms).toISOString();
const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

describe("cwlogs-export export (moto + proxy)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let proxy: Proxy;
    let f: Fixtures;
    let dir: string;
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint, { holdMs: 100 });
        restoreEnv = replaceEnv({ ...moto.env(REGION), AWS_ENDPOINT_URL: proxy.endpoint });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-export-test-"));
        f = fixtures(moto.endpoint, moto.credentials);
        await f.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        for (const g of ["/app/web", "/app/api"]) {
            await f.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
            await f.logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: "s1" }));
            await f.logs.send(new PutLogEventsCommand({
                logGroupName: g, logStreamName: "s1",
                logEvents: Array.from({ length: 48 }, (_, k) => ({ timestamp: DAY0 + k * 30 * 60_000, message: `${g} event ${k}` })),
            }));
        }
    });

    beforeEach(() => {
        proxy.clear();
        proxy.options.holdMs = 100;
    });

    after(async () => {
        restoreEnv();
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy?.stop();
        await moto?.stop();
    });

    function args(prefix: string, groups: string[], hours: number, ...extra: string[]): string[] {
        return ["export", "--log-group", ...groups, "--from", iso(DAY0), "--to", iso(DAY0 + hours * H), "--bucket", BUCKET,
            "--prefix", prefix, "--chunk", "hour", "--state", stateFile(prefix), ...extra];
    }

    function stateFile(prefix: string): string {
        return path.join(dir, `${prefix}.json`);
    }

    /** The checkpoint as the CLI reads it: the snapshot and the journal of changes since (issue 14). */
    function readState(prefix: string): BackfillState | undefined {
        try {
            return loadState(stateFile(prefix));
        } catch {
            return undefined;
        }
    }

    /** The tasks moto holds for `prefix` (what CreateExportTask was actually sent). */
    async function tasksOf(prefix: string): Promise<ExportTask[]> {
        const out = await f.logs.send(new DescribeExportTasksCommand({}));
        return (out.exportTasks ?? []).filter(t => t.destinationPrefix === prefix);
    }

    async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 30_000): Promise<T> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const v = fn();
            if (v !== undefined) {
                return v;
            }
            if (Date.now() > deadline) {
                throw new Error(`timed out waiting for ${what}`);
            }
            await sleep(50);
        }
    }

    it("exports every hourly chunk of two log groups, one task at a time, each event exactly once", async () => {
        const r = await runCli(...args("all", ["/app/web", "/app/api"], 4));
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /chunks +8: 8 completed \(8 in this run, 0 before\), 0 failed/);
        assert.match(r.stdout, /tasks +8 created, 0 adopted/);
        assert.strictEqual(proxy.maxActive, 1, "never two active tasks");
        assert.strictEqual(proxy.limitRejections, 0, "the loop never asks while its own task runs");

        const tasks = await tasksOf("all");
        assert.strictEqual(tasks.length, 8);
        for (const g of ["/app/web", "/app/api"]) {
            const mine = tasks.filter(t => t.logGroupName === g).sort((a, b) => (a.from ?? 0) - (b.from ?? 0));
            // CreateExportTask's from and to are both inclusive (API reference): [h, h+1 - 1 ms].
            assert.deepStrictEqual(mine.map(t => [t.from, t.to]), [0, 1, 2, 3].map(k => [DAY0 + k * H, DAY0 + (k + 1) * H - 1]));
        }
        // Events sit every 30 minutes, one exactly on each boundary: each is exported once.
        const lines: string[] = [];
        for (const key of (await listKeys(f, BUCKET, "all/")).filter(k => k.endsWith(".gz"))) {
            lines.push(...(await readGz(f, BUCKET, key)).split("\n").filter(l => l !== ""));
        }
        for (const g of ["/app/web", "/app/api"]) {
            const events = lines.filter(l => l.includes(`${g} event `)).map(l => Number(/event (\d+)$/.exec(l)?.[1])).sort((a, b) => a - b);
            assert.deepStrictEqual(events, [0, 1, 2, 3, 4, 5, 6, 7], `${g}: 4 hours of events, the ones on boundaries once`);
        }
        assert.ok(readState("all")?.chunks.every(c => c.status === "completed"));

        const again = await runCli(...args("all", ["/app/web", "/app/api"], 4));
        assert.strictEqual(again.code, 0, again.stderr);
        assert.strictEqual((await tasksOf("all")).length, 8, "a rerun creates nothing");
        assert.match(again.stdout, /8 completed \(0 in this run, 8 before\)/);
    });

    it("after a kill, a rerun skips the done chunks and adopts the running task instead of starting a duplicate", async function () {
        proxy.options.holdMs = 1500;
        const run = spawnCli(args("killed", ["/app/web"], 3));
        const running = await until("the second chunk's task", () => {
            const c = readState("killed")?.chunks[1];
            return c?.status === "running" && c.taskId !== undefined ? c.taskId : undefined;
        });
        run.child.kill("SIGKILL");
        await run.exit;
        assert.strictEqual(readState("killed")?.chunks[0].status, "completed");
        assert.strictEqual(proxy.active(), 1, "the killed run's task still runs");

        const r = await runCli(...args("killed", ["/app/web"], 3));
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stderr, new RegExp(`task ${running} .*still running and is adopted`));
        assert.match(r.stdout, /tasks +1 created, 1 adopted/);
        assert.match(r.stdout, /3 completed \(2 in this run, 1 before\)/);
        const tasks = await tasksOf("killed");
        assert.strictEqual(tasks.length, 3, "3 chunks, 3 tasks: no duplicate");
        assert.strictEqual(proxy.maxActive, 1);
    });

    it("without the checkpoint, a rerun finds the earlier run's tasks in AWS's list by name, range and destination", async () => {
        proxy.options.holdMs = 1500;
        const run = spawnCli(args("lost", ["/app/web"], 3));
        await until("the second chunk's task", () => readState("lost")?.chunks[1].taskId);
        run.child.kill("SIGKILL");
        await run.exit;
        fs.rmSync(stateFile("lost"));

        const r = await runCli(...args("lost", ["/app/web"], 3));
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /tasks +1 created, 2 adopted/);
        assert.strictEqual((await tasksOf("lost")).length, 3);
    });

    it("Ctrl-C stops scheduling, leaves the running task and says how to cancel it; exit 130", async () => {
        proxy.options.holdMs = 4000;
        const run = spawnCli(args("sigint", ["/app/web"], 2));
        const taskId = await until("the first task", () => readState("sigint")?.chunks[0].taskId);
        run.child.kill("SIGINT");
        assert.strictEqual(await run.exit, 130, run.out.stderr);
        assert.match(run.out.stderr, new RegExp(`task ${taskId} is still RUNNING and finishes on its own; \`cwlogs-export cancel ${taskId}\` cancels it\\.`));
        assert.match(run.out.stderr, /Rerun the same command to resume \(it adopts that task\)/);
        assert.strictEqual(proxy.count("CancelExportTask"), 0);
        assert.strictEqual(proxy.active(), 1);
        assert.strictEqual((await tasksOf("sigint")).length, 1, "the second chunk was not started");
        assert.strictEqual(readState("sigint")?.chunks[1].status, "pending");
    });

    it("--cancel-on-interrupt cancels the running task on Ctrl-C", async () => {
        proxy.options.holdMs = 4000;
        const run = spawnCli(args("sigint-cancel", ["/app/web"], 2, "--cancel-on-interrupt"));
        const taskId = await until("the first task", () => readState("sigint-cancel")?.chunks[0].taskId);
        run.child.kill("SIGINT");
        assert.strictEqual(await run.exit, 130, run.out.stderr);
        assert.match(run.out.stderr, new RegExp(`task ${taskId} was cancelled \\(--cancel-on-interrupt\\)`));
        assert.strictEqual(proxy.count("CancelExportTask"), 1);
        assert.strictEqual(proxy.active(), 0);
        assert.strictEqual(readState("sigint-cancel")?.chunks[0].status, "cancelled");
    });

    it("--no-wait starts one task and returns; each rerun records it and starts the next", async () => {
        proxy.options.holdMs = 800;
        const first = await runCli(...args("nowait", ["/app/web"], 2, "--no-wait"));
        assert.strictEqual(first.code, 0, first.stderr);
        assert.match(first.stdout, /^Started: task \S+ for \/app\/web .*\(0 of 2 chunks done\)/);
        const second = await runCli(...args("nowait", ["/app/web"], 2, "--no-wait"));
        assert.match(second.stdout, /^Still running: task/);
        assert.strictEqual((await tasksOf("nowait")).length, 1, "no second task while the first runs");
        await sleep(900);
        const third = await runCli(...args("nowait", ["/app/web"], 2, "--no-wait"));
        assert.match(third.stdout, /^Started: task .*\(1 of 2 chunks done\)/);
        await sleep(900);
        const last = await runCli(...args("nowait", ["/app/web"], 2, "--no-wait"));
        assert.strictEqual(last.code, 0, last.stderr);
        assert.match(last.stdout, /2 completed/);
        assert.strictEqual((await tasksOf("nowait")).length, 2);
        assert.strictEqual(proxy.maxActive, 1);
    });

    it("a FAILED chunk is reported with AWS's message and exit 1; the other chunks still run; a rerun retries only it", async () => {
        const failing = chunkTaskName({ logGroupName: "/app/web", from: DAY0 + H, to: DAY0 + 2 * H });
        proxy.failTasks(failing, "An internal error occurred while exporting");
        const r = await runCli(...args("failing", ["/app/web"], 3));
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /3: 2 completed \(2 in this run, 0 before\), 1 failed/);
        assert.match(r.stdout, new RegExp(`Failed chunks.*\\n  /app/web ${iso(DAY0 + H).replace(".000Z", "Z")}\\.\\.\\S+ task \\S+: .*An internal error occurred`));
        assert.match(r.stderr, /1 chunk failed .*rerun the same command to try it again/);
        assert.deepStrictEqual(readState("failing")?.chunks.map(c => c.status), ["completed", "failed", "completed"]);

        proxy.stopFailingTasks();
        const created = proxy.created.length;
        const again = await runCli(...args("failing", ["/app/web"], 3));
        assert.strictEqual(again.code, 0, again.stderr);
        assert.strictEqual(proxy.created.length - created, 1, "only the failed chunk is exported again");
        assert.match(again.stdout, /3 completed \(1 in this run, 2 before\)/);
    });

    it("a refused CreateExportTask stops the backfill with AWS's reason, the missing statement and the doctor command", async () => {
        proxy.inject("CreateExportTask", "bucket-acl-denied");
        const r = await runCli(...args("refused", ["/app/web"], 2));
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /1 failed, 0 cancelled, 0 running, 1 not started/);
        assert.match(r.stdout, /GetBucketAcl call on the given bucket failed/);
        assert.match(r.stdout, /AllowCloudWatchLogsGetBucketAcl/, "the explanation names the statement");
        assert.match(r.stderr, /`cwlogs-export doctor --bucket backfill-bucket --log-group \/app\/web`/);
        assert.strictEqual(proxy.created.length, 0);
    });

    it("waits for a foreign task that holds the account's slot instead of failing", async () => {
        // The foreign task runs until the command has met it (no race with the command's start-up),
        // then ends; the command's own task follows it.
        proxy.options.holdFor = name => (name === "someone-else" ? 120_000 : 100);
        try {
            const sdk = new CloudWatchLogsClient({ endpoint: proxy.endpoint, region: REGION, credentials: moto.credentials });
            const foreign = await sdk.send(new CreateExportTaskCommand({
                taskName: "someone-else", logGroupName: "/app/api", from: DAY0, to: DAY0 + H, destination: BUCKET, destinationPrefix: "elsewhere",
            }));
            const run = runCli(...args("queued", ["/app/web"], 1));
            // Its CreateExportTask refused, the command lists the active tasks: it has seen the holder.
            const sawHolder = (): boolean => {
                const refused = proxy.seen.findIndex(e => e.operation === "CreateExportTask" && e.status === 400);
                return refused >= 0 && proxy.seen.slice(refused).some(e => e.operation === "DescribeExportTasks" && e.statusCode === "RUNNING" && e.status === 200);
            };
            const deadline = Date.now() + 60_000;
            while (!sawHolder() && Date.now() < deadline) {
                await new Promise(resolve => setTimeout(resolve, 20));
            }
            assert.ok(proxy.limitRejections >= 1, "the command's CreateExportTask met the foreign task");
            await sdk.send(new CancelExportTaskCommand({ taskId: foreign.taskId }));
            const r = await run;
            assert.strictEqual(r.code, 0, r.stderr);
            assert.match(r.stderr, new RegExp(`waiting: task ${foreign.taskId} holds the account's one active export slot`), r.stderr);
            assert.strictEqual(proxy.maxActive, 1);
            assert.strictEqual((await tasksOf("queued")).length, 1, "the command's task was created once the slot was free");
        } finally {
            proxy.options.holdFor = undefined;
        }
    });

    it("--role-arn makes the export calls as the assumed role, in the role's account (seed 003's caller role)", async () => {
        const role = "arn:aws:iam::222222222222:role/ExportCaller";
        const a = await assumeRole(moto.endpoint, moto.credentials, role);
        await seedExport(fixtures(moto.endpoint, a), "/a/app", "a-exports", DAY0 + 60_000, ["from account A"]);
        const r = await runCli("export", "--log-group", "/a/app", "--from", iso(DAY0), "--to", iso(DAY0 + H), "--bucket", "a-exports",
            "--prefix", "as-role", "--role-arn", role, "--state", stateFile("as-role"));
        assert.strictEqual(r.code, 0, r.stderr);
        const inA = await new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION, credentials: a }).send(new DescribeExportTasksCommand({}));
        assert.deepStrictEqual(inA.exportTasks?.filter(t => t.destinationPrefix === "as-role").map(t => t.logGroupName), ["/a/app"]);
        assert.strictEqual((await tasksOf("as-role")).length, 0, "nothing was created in the default account");
        const text = await readGz(fixtures(moto.endpoint, a), "a-exports", (await listKeys(fixtures(moto.endpoint, a), "a-exports", "as-role/")).find(k => k.endsWith(".gz")) as string);
        assert.match(text, /from account A/);
    });

    it("checks the log groups and the bucket before creating anything", async () => {
        const r = await runCli(...args("missing", ["/app/web", "/app/nope"], 1));
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /\[--log-group\] log group "\/app\/nope" does not exist in us-east-1/);
        const b = await runCli("export", "--log-group", "/app/web", "--from", iso(DAY0), "--to", iso(DAY0 + H), "--bucket", "no-such-bucket", "--state", stateFile("nobucket"));
        assert.strictEqual(b.code, 1);
        assert.match(b.stderr, /\[--bucket\] bucket "no-such-bucket" does not exist/);
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
    });

    for (const [what, argv, flag] of [
        ["a missing --bucket", ["export", "--log-group", "/app/web", "--from", "-1d", "--to", "now"], "--bucket"],
        ["a missing --log-group", ["export", "--bucket", BUCKET, "--from", "-1d", "--to", "now"], "--log-group"],
        ["an unreadable --from", ["export", "--log-group", "/app/web", "--bucket", BUCKET, "--from", "last tuesday", "--to", "now"], "--from"],
        ["a --chunk under a minute", ["export", "--log-group", "/app/web", "--bucket", BUCKET, "--from", "-1d", "--to", "now", "--chunk", "10s"], "--chunk"],
        ["--from after --to", ["export", "--log-group", "/app/web", "--bucket", BUCKET, "--from", "-1d", "--to", "-2d"], "--to"],
        ["a malformed --role-arn", ["export", "--log-group", "/app/web", "--bucket", BUCKET, "--from", "-1d", "--to", "now", "--role-arn", "ExportCaller"], "--role-arn"],
    ] as const) {
        it(`refuses ${what} with exit 2, naming the flag, before any call`, async () => {
            const r = await runCli(...argv);
            assert.strictEqual(r.code, 2, r.stderr);
            assert.match(r.stderr, new RegExp(`^cwlogs-export: \\[${flag}\\] `));
            assert.strictEqual(proxy.seen.length, 0);
        });
    }
});
