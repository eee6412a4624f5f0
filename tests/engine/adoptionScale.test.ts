/**
 * Exactly-once in an account with thousands of old tasks (issue 14): DescribeExportTasks pages 50
 * tasks at a time (API_DescribeExportTasks, `limit` 1-50) and has no name filter, so the task a
 * crashed run created must be found without a capped scan. The test proxy pages as AWS does, lists
 * oldest first or newest first, and lists 5,000 synthesized COMPLETED tasks (moto holds only the
 * tasks the test creates). Asserts adoption and the number of calls, for the engine and the CLI.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chunkTaskName } from "../../cli/export/plan";
import { clientBase, logsExportApi } from "../../dynamic-providers/aws";
import { awsTo, ExportApi, ExportRequest, forgetDurations, forgetTaskIndexes, recordDuration, runExport } from "../../dynamic-providers/engine";
import { runCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { fixtures, seedExport } from "../support/exportFixtures";
import { MOTO_ACCOUNT, Moto, startMoto } from "../support/moto";
import { Proxy, startProxy, SynthesizedTask } from "../support/proxy";

const H = 3_600_000;
const GROUP = "/app/scale";
const BUCKET = "scale-bucket";
const OLD = 5_000;
const DAY0 = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H;
const iso = (ms: number): string => new Date(ms).toISOString();

/** `n` COMPLETED tasks of other exports, one a minute, the newest created at `newest`. */
function oldTasks(n: number, newest: number): SynthesizedTask[] {
    return Array.from({ length: n }, (_, i) => ({
        taskId: `old-${i}`, taskName: `old-export-${i}`, logGroupName: GROUP, from: DAY0 - 48 * H, to: DAY0 - 47 * H - 1,
        destination: BUCKET, destinationPrefix: "old", status: "COMPLETED" as const,
        creationTime: newest - (n - 1 - i) * 60_000, completionTime: newest - (n - 1 - i) * 60_000 + 30_000,
    }));
}

describe("adoption among 5,000 old tasks, listed oldest first and newest first (proxy pages 50 per page)", function () {
    this.timeout(120_000);
    let moto: Moto;
    let proxy: Proxy;
    let api: ExportApi;
    let dir: string;
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint, { paging: true });
        restoreEnv = replaceEnv({ ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-scale-"));
        await seedExport(fixtures(moto.endpoint, moto.credentials), GROUP, BUCKET, DAY0 + 60_000, ["one", "two", "three"]);
        api = await logsExportApi(await clientBase({ region: "us-east-1" }));
    });
    after(async () => {
        restoreEnv();
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy?.stop();
        await moto?.stop();
    });

    const request = (name: string, hour: number): ExportRequest => ({
        taskName: name, logGroupName: GROUP, from: DAY0 + hour * H, to: DAY0 + (hour + 1) * H, destination: BUCKET, destinationPrefix: "scale",
    });

    it("the proxy pages 50 per page in the order asked, and lists synthesized tasks", async () => {
        proxy.clear();
        proxy.synthesize(oldTasks(120, DAY0 - 2 * H));
        for (const order of ["oldest-first", "newest-first"] as const) {
            proxy.options.listOrder = order;
            const first = await api.describeExportTasks({ statusCode: "COMPLETED", limit: 50 });
            assert.strictEqual(first.tasks.length, 50);
            assert.strictEqual(first.tasks[0].taskId, order === "oldest-first" ? "old-0" : "old-119");
            const third = await api.describeExportTasks({ statusCode: "COMPLETED", limit: 50, nextToken: (await api.describeExportTasks({ statusCode: "COMPLETED", nextToken: first.nextToken })).nextToken });
            assert.strictEqual(third.tasks.length, 20);
            assert.strictEqual(third.nextToken, undefined);
        }
    });

    for (const order of ["oldest-first", "newest-first"] as const) {
        it(`engine, listed ${order}: a crashed run's COMPLETED task is adopted, then a later one with a page or two`, async () => {
            proxy.clear();
            proxy.options.listOrder = order;
            forgetTaskIndexes();
            proxy.synthesize(oldTasks(OLD, DAY0 - 2 * H));
            const options = { deadline: Date.now() + 60_000, queueKey: `scale-engine-${order}` };
            const crashed = await api.createExportTask(request(`crashed-${order}`, 1));
            let describes = proxy.count("DescribeExportTasks");
            const r = await runExport(api, request(`crashed-${order}`, 1), options);
            assert.strictEqual(r.adopted, true);
            assert.strictEqual(r.task.taskId, crashed);
            assert.strictEqual(r.task.to, awsTo(request("x", 1).to));
            const firstLookup = proxy.count("DescribeExportTasks") - describes;
            // The RUNNING tasks (one page), then COMPLETED ones. Newest first: the first page already
            // holds tasks older than the range end; oldest first: every page once (5,001 tasks, 50 a
            // page), never more.
            assert.ok(firstLookup === 1 + (order === "newest-first" ? 1 : Math.ceil((OLD + 1) / 50)), `${firstLookup} DescribeExportTasks`);

            const later = await api.createExportTask(request(`later-${order}`, 2));
            describes = proxy.count("DescribeExportTasks");
            const again = await runExport(api, request(`later-${order}`, 2), options);
            assert.strictEqual(again.task.taskId, later);
            assert.strictEqual(again.adopted, true);
            const secondLookup = proxy.count("DescribeExportTasks") - describes;
            assert.ok(secondLookup <= 3, `${secondLookup} DescribeExportTasks once the index is read (RUNNING, then a page or two)`);
            assert.strictEqual(proxy.created.length, 2, "nothing exported twice");
        });

        for (const known of [false, true]) {
            const durations = known ? "with task durations already known to the process (status checks read the task index)" : "first backfill of the process";
            it(`CLI, listed ${order}, ${durations}: without its checkpoint, a rerun adopts the chunk a crashed run finished and creates the others once`, async () => {
                proxy.clear();
                proxy.options.listOrder = order;
                forgetTaskIndexes();
                forgetDurations();
                if (known) {
                    // What an earlier backfill of the same account leaves in a process (the model's samples).
                    for (const ms of [150, 200, 250]) {
                        recordDuration(`${MOTO_ACCOUNT}:us-east-1`, ms);
                    }
                }
                proxy.synthesize(oldTasks(OLD, DAY0 - 2 * H));
                const prefix = `cli-${order}-${known ? "known" : "first"}`;
                const chunk = { logGroupName: GROUP, from: DAY0 + H, to: DAY0 + 2 * H };
                const crashed = await api.createExportTask({ ...chunk, taskName: chunkTaskName(chunk), destination: BUCKET, destinationPrefix: prefix });
                const run = await runCli("export", "--log-group", GROUP, "--from", iso(DAY0), "--to", iso(DAY0 + 3 * H), "--bucket", BUCKET,
                    "--prefix", prefix, "--chunk", "hour", "--state", path.join(dir, `${prefix}.json`));
                assert.strictEqual(run.code, 0, run.stderr);
                const names = proxy.created.map(c => c.taskName).sort();
                assert.deepStrictEqual(names, [0, 1, 2].map(k => chunkTaskName({ logGroupName: GROUP, from: DAY0 + k * H, to: DAY0 + (k + 1) * H })).sort());
                assert.strictEqual(proxy.created.filter(c => c.taskId === crashed).length, 1, "the crashed run's task, created once");
                const describes = proxy.count("DescribeExportTasks");
                const scan = order === "newest-first" ? 1 : Math.ceil((OLD + 1) / 50);
                // The scan once, PENDING/RUNNING/FAILED/CANCELLED once each, and a few calls per chunk:
                // a status check never reads the old history again.
                assert.ok(describes <= scan + 4 + 3 * 8, `${describes} DescribeExportTasks for 3 chunks among ${OLD} old tasks`);
            });
        }
    }
});
