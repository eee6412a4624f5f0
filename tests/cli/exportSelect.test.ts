/**
 * `cwlogs-export export` selection and planning (issue 13): log groups by prefix and glob pattern,
 * groups without events in the range skipped (from the timestamps DescribeLogGroups and
 * DescribeLogStreams report), `--dry-run`, `--since-last`, and `--json` for a run and `--no-wait`.
 * Moto behind the test proxy; the CLI in-process.
 */
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chunkTaskName } from "../../cli/export/plan";
import { runCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { fixtures } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const REGION = "us-east-1";
const BUCKET = "select-bucket";
const H = 3_600_000;
const DAY = 24 * H;
const DAY0 = Math.floor(Date.now() / DAY) * DAY - DAY;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Groups with events yesterday, one with a stream that never received an event, one with no stream. */
const WITH_EVENTS = ["/aws/lambda/api-prod", "/aws/lambda/web-prod", "/aws/lambda/api-dev", "/svc/orders"];
const IDLE = "/aws/lambda/idle-prod";
const BARE = "/aws/lambda/bare-prod";

describe("cwlogs-export export: selection, skipped groups, --dry-run, --since-last, --json (moto + proxy)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let proxy: Proxy;
    let dir: string;
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint, { holdMs: 50 });
        restoreEnv = replaceEnv({ ...moto.env(REGION), AWS_ENDPOINT_URL: proxy.endpoint });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-select-"));
        const f = fixtures(moto.endpoint, moto.credentials);
        await f.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        for (const g of WITH_EVENTS) {
            await f.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
            await f.logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: "s" }));
            await f.logs.send(new PutLogEventsCommand({
                logGroupName: g, logStreamName: "s", logEvents: Array.from({ length: 48 }, (_, k) => ({ timestamp: DAY0 + k * 30 * 60_000, message: `${g} ${k}` })),
            }));
        }
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: IDLE }));
        await f.logs.send(new CreateLogStreamCommand({ logGroupName: IDLE, logStreamName: "never-written" }));
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: BARE }));
    });
    beforeEach(() => proxy.clear());
    after(async () => {
        restoreEnv();
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy?.stop();
        await moto?.stop();
    });

    const base = (name: string, from: number, to: number, ...extra: string[]): string[] => [
        "export", "--from", iso(from), "--to", iso(to), "--bucket", BUCKET, "--prefix", name, "--chunk", "hour",
        "--state", path.join(dir, `${name}.json`), ...extra,
    ];
    const createdGroups = (): string[] => [...new Set(proxy.created.map(c => c.taskName.replace(/^cwlogs-export_(.*)_\d{8}T\d{6}Z$/, "$1")))].sort();

    it("--log-group-pattern selects by glob, skips groups without events in the range, and counts them in the summary", async () => {
        const r = await runCli(...base("glob", DAY0, DAY0 + 2 * H, "--log-group-pattern", "/aws/lambda/*-prod"));
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(createdGroups(), ["aws-lambda-api-prod", "aws-lambda-web-prod"]);
        assert.match(r.stdout, /^Export of 2 log groups, /);
        assert.match(r.stdout, /^ {2}chunks +4: 4 completed \(4 in this run, 0 before\)/m);
        assert.match(r.stdout, /^ {2}skipped +2 log groups with no events in the range \(creation time and log stream timestamps\)$/m);
    });

    it("--log-group-prefix and --log-group add up; --no-skip-empty exports the empty groups too", async () => {
        const r = await runCli(...base("prefix", DAY0, DAY0 + H, "--log-group-prefix", "/aws/lambda/api-", "--log-group", "/svc/orders", "--json"));
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { accounts: { logGroups: string[]; skippedLogGroups: unknown[] }[] };
        assert.deepStrictEqual(out.accounts[0].logGroups, ["/svc/orders", "/aws/lambda/api-dev", "/aws/lambda/api-prod"]);
        assert.deepStrictEqual(out.accounts[0].skippedLogGroups, []);

        proxy.clear();
        const all = await runCli(...base("noskip", DAY0, DAY0 + H, "--log-group-pattern", "/aws/lambda/*-prod", "--no-skip-empty"));
        assert.strictEqual(all.code, 0, all.stderr);
        assert.deepStrictEqual(createdGroups(), ["aws-lambda-api-prod", "aws-lambda-bare-prod", "aws-lambda-idle-prod", "aws-lambda-web-prod"]);
    });

    it("a range that ends more than 14 days before the groups were created exports nothing: each group is skipped by its creationTime", async () => {
        const r = await runCli(...base("old", DAY0 - 30 * DAY, DAY0 - 20 * DAY, "--log-group-prefix", "/aws/lambda/", "--chunk", "1d", "--json"));
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { accounts: { status: string; skippedLogGroups: { logGroupName: string; why: string }[] }[]; totals: { logGroupsSkipped: number } };
        assert.strictEqual(out.accounts[0].status, "nothing-to-export");
        assert.strictEqual(out.totals.logGroupsSkipped, 5);
        assert.match(out.accounts[0].skippedLogGroups[0].why, /more than 14 days after the range ends \(PutLogEvents accepts events at most 14 days old\)/);
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
        assert.strictEqual(proxy.count("DescribeLogStreams"), 0, "creationTime alone decided");
    });

    it("--dry-run prints the plan, counting the tasks AWS already lists as done, and creates nothing", async () => {
        const done = await runCli(...base("dry", DAY0, DAY0 + 2 * H, "--log-group", "/svc/orders"));
        assert.strictEqual(done.code, 0, done.stderr);
        proxy.clear();
        const r = await runCli(...base("dry", DAY0, DAY0 + 2 * H, "--log-group", "/svc/orders", "--log-group-pattern", "/aws/lambda/*-prod", "--dry-run"));
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Plan \(dry run: nothing is created\), /);
        assert.match(r.stdout, /^ {2}this account: 3 log groups, 6 chunks: 4 tasks to create, 0 running to adopt or wait for, 2 already done/m);
        assert.match(r.stdout, /^ {4}\/aws\/lambda\/idle-prod: skipped, no log stream has events in the range/m);
        assert.strictEqual(proxy.count("CreateExportTask"), 0);

        const same = await runCli(...base("dry", DAY0, DAY0 + 2 * H, "--log-group", "/svc/orders", "--dry-run", "--json"));
        const plan = (JSON.parse(same.stdout) as { accounts: { plan: unknown }[] }).accounts[0].plan;
        assert.deepStrictEqual(plan, { toCreate: 0, toAdopt: 0, done: 2 }, "the finished checkpoint's chunks are already done");
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
    });

    it("--since-last exports only the window after the last completed export of each group", async () => {
        const first = await runCli(...base("since", DAY0, DAY0 + 2 * H, "--log-group", "/svc/orders", "--since-last"));
        assert.strictEqual(first.code, 0, first.stderr);
        assert.strictEqual(proxy.created.length, 2);
        proxy.clear();
        const next = await runCli(...base("since", DAY0, DAY0 + 4 * H, "--log-group", "/svc/orders", "--log-group", "/aws/lambda/api-dev", "--since-last", "--json"));
        assert.strictEqual(next.code, 0, next.stderr);
        const names = (g: string, hours: number[]): string[] => hours.map(k => chunkTaskName({ logGroupName: g, from: DAY0 + k * H, to: DAY0 + (k + 1) * H }));
        assert.deepStrictEqual(proxy.created.map(c => c.taskName).sort(), [...names("/svc/orders", [2, 3]), ...names("/aws/lambda/api-dev", [0, 1, 2, 3])].sort(),
            "the group exported before continues at 02:00; the new one starts at --from");
        proxy.clear();
        const again = await runCli(...base("since", DAY0, DAY0 + 4 * H, "--log-group", "/svc/orders", "--log-group", "/aws/lambda/api-dev", "--since-last"));
        assert.strictEqual(again.code, 0, again.stderr);
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
        assert.match(again.stdout, /^ {2}chunks +none: nothing to export in this range$/m);
    });

    it("--no-wait --json prints the started task as JSON and nothing else on stdout", async () => {
        proxy.options.holdMs = 2000;
        try {
            const r = await runCli(...base("nowait", DAY0, DAY0 + 2 * H, "--log-group", "/svc/orders", "--no-wait", "--json"));
            assert.strictEqual(r.code, 0, r.stderr);
            const out = JSON.parse(r.stdout) as { mode: string; accounts: { status: string; startedTask: { taskId: string; logGroupName: string; alreadyRunning: boolean } }[] };
            assert.strictEqual(out.mode, "no-wait");
            assert.strictEqual(out.accounts[0].status, "started");
            assert.deepStrictEqual(out.accounts[0].startedTask, { taskId: proxy.created[0].taskId, logGroupName: "/svc/orders", from: iso(DAY0).replace(".000Z", "Z"),
                to: iso(DAY0 + H).replace(".000Z", "Z"), alreadyRunning: false });
        } finally {
            proxy.options.holdMs = 50;
        }
    });

    it("errors name the flag the user typed and give command-line fixes, not the provider's", async () => {
        const r = await runCli(...base("nobucket", DAY0, DAY0 + H, "--log-group", "/svc/orders").map(a => (a === BUCKET ? "no-such-bucket" : a)));
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /^cwlogs-export: \[--bucket\] bucket "no-such-bucket" does not exist: create it first, with the bucket policy CloudWatch Logs needs/);
        assert.doesNotMatch(r.stderr, /Pulumi|ExportBucket|ExportTask|seed \d|\[(destination|logGroupName|roleArn|timeoutMinutes)\]/);
    });
});
