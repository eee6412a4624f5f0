/**
 * One definition of a range end (issue 10, item 5): ExportTask's `to` and the CLI's chunk ends are
 * exclusive; the engine's awsTo turns them into CreateExportTask's inclusive `to` ("Events with a
 * timestamp later than this time are not exported",
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateExportTask.html).
 * moto filters the same way (moto/logs/models.py: `event.timestamp > end_time` is left out), so an
 * event placed exactly on a boundary shows what AWS does with it. Checked by reading the exported
 * objects back from moto: adjacent ExportTasks through Pulumi's dynamic-provider host, CLI chunks,
 * and an ExportTask next to a CLI chunk each export the boundary event exactly once.
 */
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../support/cli";
import { captureSerializedProvider } from "../support/captureProvider";
import { replaceEnv } from "../support/env";
import { Fixtures, fixtures, listKeys, readGz } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { ProviderHost, startProviderHost } from "../support/providerHost";
import { Proxy, startProxy } from "../support/proxy";

const H = 3_600_000;
const BUCKET = "boundary-bucket";
const GROUP = "/app/boundary";
/** An hour boundary 14 h ago (older than the 12 h in which data may not be exportable yet). */
const B = Math.floor(Date.now() / H) * H - 14 * H;
const iso = (ms: number): string => new Date(ms).toISOString();

describe("a range end means the same in ExportTask and the CLI: an event on a boundary is exported once (moto)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let proxy: Proxy;
    let host: ProviderHost;
    let provider: string;
    let f: Fixtures;
    let dir: string;
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
        provider = await captureSerializedProvider();
        const env = { ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint };
        host = await startProviderHost(env);
        restoreEnv = replaceEnv(env);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-boundary-"));
        f = fixtures(moto.endpoint, moto.credentials);
        await f.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
        await f.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: "s" }));
        await f.logs.send(new PutLogEventsCommand({
            logGroupName: GROUP, logStreamName: "s", logEvents: [
                { timestamp: B - H, message: "first ms of the earlier range" },
                { timestamp: B - 1, message: "last ms before the boundary" },
                { timestamp: B, message: "exactly on the boundary" },
                { timestamp: B + 1, message: "first ms after the boundary" },
                { timestamp: B + H, message: "on the later range's end" },
            ],
        }));
    });
    after(async () => {
        restoreEnv();
        fs.rmSync(dir, { recursive: true, force: true });
        await host?.stop();
        await proxy?.stop();
        await moto?.stop();
    });

    /** The messages exported under `prefix/`, in order of key. */
    async function exported(prefix: string): Promise<string[]> {
        const lines: string[] = [];
        for (const key of (await listKeys(f, BUCKET, `${prefix}/`)).filter(k => k.endsWith(".gz"))) {
            lines.push(...(await readGz(f, BUCKET, key)).split("\n").filter(l => l !== "").map(l => l.replace(/^\S+ /, "")));
        }
        return lines;
    }

    async function exportTask(taskName: string, prefix: string, from: number, to: number): Promise<void> {
        const checked = await host.check({ __provider: provider, logGroupName: GROUP, from, to, destination: BUCKET, destinationPrefix: prefix, taskName });
        assert.deepStrictEqual(checked.failures, []);
        const created = await host.create(checked.inputs);
        assert.strictEqual(created.properties.status, "COMPLETED");
    }

    it("two adjacent ExportTasks [B-1h, B) and [B, B+1h): the boundary event once, in the later one", async () => {
        await exportTask("before-b", "adjacent-1", B - H, B);
        await exportTask("after-b", "adjacent-2", B, B + H);
        assert.deepStrictEqual(await exported("adjacent-1"), ["first ms of the earlier range", "last ms before the boundary"]);
        assert.deepStrictEqual(await exported("adjacent-2"), ["exactly on the boundary", "first ms after the boundary"]);
        const sent = proxy.created.map(c => c.taskName);
        assert.deepStrictEqual(sent, ["before-b", "after-b"]);
    });

    it("CLI chunks [B-1h, B) and [B, B+1h): the boundary event once", async () => {
        const r = await runCli("export", "--log-group", GROUP, "--from", iso(B - H), "--to", iso(B + H), "--bucket", BUCKET,
            "--prefix", "cli-chunks", "--chunk", "hour", "--state", path.join(dir, "chunks.json"));
        assert.strictEqual(r.code, 0, r.stderr);
        const all = await exported("cli-chunks");
        assert.deepStrictEqual(all.filter(l => l === "exactly on the boundary"), ["exactly on the boundary"]);
        assert.deepStrictEqual([...all].sort(), ["exactly on the boundary", "first ms after the boundary", "first ms of the earlier range", "last ms before the boundary"]);
    });

    it("a CLI chunk [B-1h, B) next to an ExportTask [B, B+1h): the boundary event once, in the ExportTask's objects", async () => {
        const r = await runCli("export", "--log-group", GROUP, "--from", iso(B - H), "--to", iso(B), "--bucket", BUCKET,
            "--prefix", "mixed-cli", "--chunk", "hour", "--state", path.join(dir, "mixed.json"));
        assert.strictEqual(r.code, 0, r.stderr);
        await exportTask("mixed-task", "mixed-task", B, B + H);
        assert.deepStrictEqual(await exported("mixed-cli"), ["first ms of the earlier range", "last ms before the boundary"]);
        assert.deepStrictEqual(await exported("mixed-task"), ["exactly on the boundary", "first ms after the boundary"]);
    });
});
