/**
 * `cwlogs-export status` and `cancel` against moto (and the test proxy, which adds RUNNING tasks and
 * AWS's "already finished" answer that moto does not model), run in-process like cli/main.ts does.
 */
import {
    CloudWatchLogsClient, CreateExportTaskCommand, CreateLogGroupCommand, DescribeExportTasksCommand, ExportTask,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { runCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const run = runCli;


describe("cwlogs-export status and cancel (moto)", function () {
    this.timeout(60000);
    let moto: Moto;
    let proxy: Proxy;
    let logs: CloudWatchLogsClient;
    let restoreEnv: () => void = () => undefined;
    const ids: string[] = [];

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint, { holdMs: 60000, enforceLimit: false });
        restoreEnv = replaceEnv(moto.env("us-east-1"));
        const base = { endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials };
        logs = new CloudWatchLogsClient(base);
        await new S3Client({ ...base, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: "exports-bucket" }));
        await logs.send(new CreateLogGroupCommand({ logGroupName: "app" }));
        for (let i = 0; i < 3; i++) {
            const out = await logs.send(new CreateExportTaskCommand({
                taskName: `t${i}`, logGroupName: "app", from: 1441490400000 + i * 3600000, to: 1441494000000 + i * 3600000,
                destination: "exports-bucket", destinationPrefix: `p${i}`,
            }));
            ids.push(out.taskId as string);
        }
    });

    after(async () => {
        restoreEnv();
        await proxy?.stop();
        await moto?.stop();
    });

    it("lists all tasks as a table", async () => {
        const r = await run("status");
        assert.strictEqual(r.code, 0, r.stderr);
        const lines = r.stdout.trimEnd().split("\n");
        assert.match(lines[0], /^TASK ID\s+STATUS\s+LOG GROUP\s+FROM\s+TO\s+DESTINATION\s+CREATED\s+MESSAGE$/);
        assert.strictEqual(lines.length, 4);
        for (const id of ids) {
            assert.ok(lines.some(l => l.startsWith(id) && /COMPLETED\s+app\s+2015-09-0[56]T/.test(l)), r.stdout);
        }
        assert.match(r.stdout, /s3:\/\/exports-bucket\/p1/);
    });

    it("shows one task by ID, as JSON with --json", async () => {
        const r = await run("status", ids[1], "--json");
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { exportTasks: ExportTask[] };
        assert.deepStrictEqual(out.exportTasks.map(t => [t.taskId, t.taskName, t.destinationPrefix, t.status?.code]), [[ids[1], "t1", "p1", "COMPLETED"]]);
    });

    it("filters by --status-code (also locally: moto ignores the filter)", async () => {
        // moto: CancelExportTask on a COMPLETED task succeeds and marks it CANCELLED.
        const c = await run("cancel", ids[2]);
        assert.strictEqual(c.code, 0, c.stderr);
        assert.strictEqual(c.stdout, `Cancelled export task ${ids[2]}. \`cwlogs-export status ${ids[2]}\` shows when it is CANCELLED.\n`);
        const cancelled = await run("status", "--status-code", "cancelled", "--json");
        assert.deepStrictEqual((JSON.parse(cancelled.stdout) as { exportTasks: ExportTask[] }).exportTasks.map(t => t.taskId), [ids[2]]);
        const completed = await run("status", "--status-code", "COMPLETED", "--json");
        assert.deepStrictEqual((JSON.parse(completed.stdout) as { exportTasks: ExportTask[] }).exportTasks.map(t => t.taskId).sort(), [ids[0], ids[1]].sort());
        const none = await run("status", "--status-code", "FAILED");
        assert.strictEqual(none.stdout, "No export tasks.\n");
    });

    it("follows nextToken across pages", async () => {
        // moto ignores `limit` and never pages: a two-page DescribeExportTasks server stands in for AWS here.
        const bodies: string[] = [];
        const server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c: Buffer) => { body += c.toString(); });
            req.on("end", () => {
                bodies.push(body);
                const first = (JSON.parse(body) as { nextToken?: string }).nextToken === undefined;
                const out = first
                    ? { exportTasks: [{ taskId: "page-1", status: { code: "RUNNING" } }], nextToken: "tok-2" }
                    : { exportTasks: [{ taskId: "page-2", status: { code: "COMPLETED" } }] };
                res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify(out));
            });
        });
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));
        try {
            const r = await run("status", "--json", "--endpoint-url", `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
            assert.strictEqual(r.code, 0, r.stderr);
            assert.deepStrictEqual((JSON.parse(r.stdout) as { exportTasks: ExportTask[] }).exportTasks.map(t => t.taskId), ["page-1", "page-2"]);
            assert.deepStrictEqual(bodies.map(b => (JSON.parse(b) as { nextToken?: string }).nextToken), [undefined, "tok-2"]);
        } finally {
            await new Promise<void>(resolve => server.close(() => resolve()));
        }
    });

    it("--limit keeps the most recently created tasks, --since those created at or after a time (creation times as AWS reports them)", async () => {
        // moto reports no executionInfo: a DescribeExportTasks server with creation times stands in for AWS.
        const created = (id: string, iso: string): object => ({ taskId: id, logGroupName: "app", status: { code: "COMPLETED" }, executionInfo: { creationTime: Date.parse(iso) } });
        const server = http.createServer((req, res) => {
            req.resume();
            req.on("end", () => {
                res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify({ exportTasks: [created("old", "2026-01-01T00:00:00Z"), created("new", "2026-03-01T00:00:00Z"), created("mid", "2026-02-01T00:00:00Z")] }));
            });
        });
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));
        try {
            const endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
            const ids = async (...argv: string[]): Promise<string[]> => {
                const r = await run("status", "--json", "--endpoint-url", endpoint, ...argv);
                assert.strictEqual(r.code, 0, r.stderr);
                return (JSON.parse(r.stdout) as { exportTasks: ExportTask[] }).exportTasks.map(t => t.taskId as string);
            };
            assert.deepStrictEqual(await ids(), ["old", "new", "mid"], "without --limit, AWS's order");
            assert.deepStrictEqual(await ids("--limit", "2"), ["new", "mid"]);
            assert.deepStrictEqual(await ids("--since", "2026-02-01"), ["new", "mid"]);
            assert.deepStrictEqual(await ids("--since", "2026-02-01T00:00:01Z", "--limit", "5"), ["new"]);
        } finally {
            await new Promise<void>(resolve => server.close(() => resolve()));
        }
    });

    it("cancels a RUNNING task; cancelling it again is AWS's InvalidOperationException: one line, exit 1", async () => {
        const p = new CloudWatchLogsClient({ endpoint: proxy.endpoint, region: "us-east-1", credentials: moto.credentials });
        const { taskId } = await p.send(new CreateExportTaskCommand({ logGroupName: "app", from: 0, to: 1000, destination: "exports-bucket" }));
        const running = await run("status", taskId as string, "--endpoint-url", proxy.endpoint);
        assert.match(running.stdout, /RUNNING/);
        const ok = await run("cancel", taskId as string, "--endpoint-url", proxy.endpoint);
        assert.strictEqual(ok.code, 0, ok.stderr);
        const after = await p.send(new DescribeExportTasksCommand({ taskId }));
        assert.strictEqual(after.exportTasks?.[0].status?.code, "CANCELLED");
        const again = await run("cancel", taskId as string, "--endpoint-url", proxy.endpoint);
        assert.strictEqual(again.code, 1);
        assert.strictEqual(again.stdout, "");
        assert.strictEqual(again.stderr,
            `cwlogs-export: export task ${taskId} cannot be cancelled (The specified export task has already finished): ` +
            `only PENDING or RUNNING tasks can be; \`cwlogs-export status ${taskId}\` shows its status.\n`);
    });

    it("says clearly when a task does not exist (exit 1)", async () => {
        const c = await run("cancel", "no-such-task");
        assert.strictEqual(c.code, 1);
        assert.strictEqual(c.stderr, "cwlogs-export: export task no-such-task not found in us-east-1: check the ID, --region and --profile (`cwlogs-export status` lists the tasks).\n");
        const s = await run("status", "no-such-task");
        assert.strictEqual(s.code, 1);
        assert.strictEqual(s.stderr, "cwlogs-export: export task no-such-task not found in us-east-1: check the ID, --region and --profile (`cwlogs-export status` lists the tasks).\n");
    });

    it("takes credentials and region from --profile", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-profile-"));
        fs.writeFileSync(path.join(dir, "config"), "[profile other]\nregion = us-east-1\n");
        fs.writeFileSync(path.join(dir, "credentials"), "[other]\naws_access_key_id = fromprofile\naws_secret_access_key = fromprofile\n");
        const env = { ...process.env };
        try {
            delete process.env.AWS_ACCESS_KEY_ID;
            delete process.env.AWS_SECRET_ACCESS_KEY;
            delete process.env.AWS_REGION;
            delete process.env.AWS_DEFAULT_REGION;
            process.env.AWS_CONFIG_FILE = path.join(dir, "config");
            process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "credentials");
            const r = await run("status", ids[0], "--profile", "other");
            assert.strictEqual(r.code, 0, r.stderr);
            assert.match(r.stdout, new RegExp(ids[0]));
            const unknown = await run("status", ids[0], "--profile", "nope");
            assert.strictEqual(unknown.code, 2);
            assert.strictEqual(unknown.stderr, `cwlogs-export: [--profile] profile "nope" not found in ${path.join(dir, "config")} or ${path.join(dir, "credentials")}: ` +
                "check --profile (`aws configure list-profiles` lists the profiles; `aws configure --profile NAME` creates one).\n");
            const noRegion = await run("status", ids[0], "--profile", "nope", "--region", "us-east-1");
            assert.strictEqual(noRegion.stderr, unknown.stderr, "also when the SDK's complaint is the credentials");
            const missing = await run("status", ids[0]);
            assert.strictEqual(missing.code, 2);
            assert.strictEqual(missing.stderr, "cwlogs-export: [--region] no AWS region is configured: pass --region, set AWS_REGION, or set region in the profile.\n");
        } finally {
            process.env = env;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("cancel --json prints one JSON object and nothing else; a refused cancel prints no JSON (exit 1)", async () => {
        const p = new CloudWatchLogsClient({ endpoint: proxy.endpoint, region: "us-east-1", credentials: moto.credentials });
        const { taskId } = await p.send(new CreateExportTaskCommand({ logGroupName: "app", from: 0, to: 1000, destination: "exports-bucket", destinationPrefix: "json" }));
        const ok = await run("cancel", taskId as string, "--json", "--endpoint-url", proxy.endpoint);
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.strictEqual(ok.stderr, "");
        assert.deepStrictEqual(JSON.parse(ok.stdout), { taskId, region: "us-east-1", cancelled: true });
        const again = await run("cancel", taskId as string, "--json", "--endpoint-url", proxy.endpoint);
        assert.strictEqual(again.code, 1);
        assert.strictEqual(again.stdout, "");
        assert.match(again.stderr, /cannot be cancelled/);
    });

    it("filters by --log-group, --bucket, --prefix, --from/--to (range overlap), --since and --limit; --json parses", async () => {
        const other = await logs.send(new CreateLogGroupCommand({ logGroupName: "other" })).then(() => logs.send(new CreateExportTaskCommand({
            taskName: "o1", logGroupName: "other", from: 1441490400000, to: 1441494000000, destination: "exports-bucket", destinationPrefix: "p1/sub",
        })));
        const json = async (...argv: string[]): Promise<string[]> => {
            const r = await run("status", "--json", ...argv);
            assert.strictEqual(r.code, 0, r.stderr);
            return (JSON.parse(r.stdout) as { exportTasks: ExportTask[] }).exportTasks.map(t => t.taskId as string).sort();
        };
        assert.deepStrictEqual(await json("--log-group", "other"), [other.taskId]);
        assert.deepStrictEqual(await json("--log-group", "other", "--log-group", "app", "--prefix", "p1"), [ids[1], other.taskId].sort());
        assert.deepStrictEqual(await json("--prefix", "p1/sub"), [other.taskId]);
        assert.deepStrictEqual(await json("--prefix", "p"), [], "a prefix matches whole path segments");
        assert.deepStrictEqual(await json("--bucket", "no-such"), []);
        // ids[i] exports [1441490400000 + i h, 1441494000000 + i h]; the window [+1h30m, +2h30m) overlaps tasks 1 and 2.
        const h = 3_600_000;
        const app = await json("--log-group", "app", "--from", String(1441490400000 + 1.5 * h), "--to", String(1441490400000 + 2.5 * h));
        assert.deepStrictEqual(app, [ids[1], ids[2]].sort());
        assert.deepStrictEqual(await json("--log-group", "app", "--from", "2015-01-01", "--to", "2015-09-05T23:00:00Z"), [ids[0]], "tasks starting at --to are outside [from, to)");
        const limited = await run("status", "--json", "--limit", "2");
        assert.strictEqual((JSON.parse(limited.stdout) as { exportTasks: ExportTask[] }).exportTasks.length, 2);
        const table = await run("status", "--log-group", "other");
        assert.strictEqual(table.stdout.trimEnd().split("\n").length, 2);
    });

    const bad: [string, string[], RegExp | string][] = [
        ["an unknown status code", ["status", "--status-code", "DONE"],
            'cwlogs-export: [--status-code] "DONE" is not an export task status: use one of PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, PENDING_CANCEL.\n'],
        ["an unknown region", ["status", "--region", "us-middle-1"], /^cwlogs-export: \[--region\] "us-middle-1" is not a known AWS region/],
        ["a bad endpoint URL", ["status", "--endpoint-url", "localhost:4566"],
            'cwlogs-export: [--endpoint-url] "localhost:4566" is not an http(s) URL: use e.g. "http://127.0.0.1:5000".\n'],
        ["cancel without a task ID", ["cancel"], /error: missing required argument 'TASK_ID'/],
        ["an unknown flag", ["status", "--nope"], /error: unknown option '--nope'/],
        ["a task ID with spaces", ["cancel", "a b"], /^cwlogs-export: \[TASK_ID\] "a b" is not an export task ID/],
        ["a --limit of 0", ["status", "--limit", "0"], 'cwlogs-export: [--limit] "0" is not a task count: use a whole number from 1 to 100000.\n'],
        ["a --limit that is not a number", ["status", "--limit", "ten"], 'cwlogs-export: [--limit] "ten" is not a task count: use a whole number from 1 to 100000.\n'],
        ["a bad --from", ["status", "--from", "yesterday"], /^cwlogs-export: \[--from\] /],
        ["a bad --since", ["status", "--since", "soon"], /^cwlogs-export: \[--since\] /],
        ["--to before --from", ["status", "--from", "2026-11-02", "--to", "2026-11-01"],
            "cwlogs-export: [--to] must be after --from (2026-11-02T00:00:00Z): swap them, or widen the window.\n"],
        ["a bad --log-group", ["status", "--log-group", "a b"], /^cwlogs-export: \[--log-group\] "a b" is not a CloudWatch Logs log group name/],
        ["a --prefix with a leading slash", ["status", "--prefix", "/p1"], /^cwlogs-export: \[--prefix\] "\/p1" starts with "\/"/],
    ];
    for (const [what, argv, message] of bad) {
        it(`refuses ${what} with exit 2`, async () => {
            const r = await run(...argv);
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.stdout, "");
            if (typeof message === "string") {
                assert.strictEqual(r.stderr, message);
            } else {
                assert.match(r.stderr, message);
            }
        });
    }
});
