/**
 * `npm run bench:adoption [-- --old 5000 --before DIR]`: adoption of a crashed run's COMPLETED task
 * in an account with `--old` (5,000) older COMPLETED tasks, listed oldest first and newest first,
 * 50 a page as AWS pages DescribeExportTasks (the test proxy synthesizes the old tasks). Prints, per
 * order, whether the task was adopted (or exported a second time) and the DescribeExportTasks calls:
 * the first lookup of a process, a later one, and a CLI rerun of 3 chunks without its checkpoint.
 * `--before` runs another checkout's engine and CLI (e.g. /work/main) in the same run. Needs moto_server.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chunkTaskName } from "../cli/export/plan";
import { main as cliNow } from "../cli/main";
import { clientBase, logsExportApi } from "../dynamic-providers/aws";
import { ExportRequest, forgetTaskIndexes, runExport as runNow } from "../dynamic-providers/engine";
import { fixtures, seedExport } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { startProxy, SynthesizedTask } from "../tests/support/proxy";

const H = 3_600_000;
const GROUP = "/bench/adoption";
const BUCKET = "bench-adoption";
const DAY0 = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H;

type Run = typeof runNow;
type Main = typeof cliNow;

function oldTasks(n: number, newest: number): SynthesizedTask[] {
    return Array.from({ length: n }, (_, i) => ({
        taskId: `old-${i}`, taskName: `old-export-${i}`, logGroupName: GROUP, from: DAY0 - 48 * H, to: DAY0 - 47 * H - 1,
        destination: BUCKET, destinationPrefix: "old", status: "COMPLETED" as const,
        creationTime: newest - (n - 1 - i) * 60_000, completionTime: newest - (n - 1 - i) * 60_000 + 30_000,
    }));
}

async function bench(): Promise<void> {
    const i = process.argv.indexOf("--old");
    const OLD = i < 0 ? 5000 : Number(process.argv[i + 1]);
    const b = process.argv.indexOf("--before");
    const before = b < 0 ? undefined : path.resolve(process.argv[b + 1]);
    const moto = await startMoto();
    const proxy = await startProxy(moto.endpoint, { paging: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-adoption-"));
    const rows: Record<string, string | number>[] = [];
    try {
        Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
        await seedExport(fixtures(moto.endpoint, moto.credentials), GROUP, BUCKET, DAY0 + 60_000, ["one", "two"]);
        const api = await logsExportApi(await clientBase({ region: "us-east-1" }));
        const engines: [string, Run, Main][] = [
            ...(before === undefined ? [] : [[`before (${before})`,
                (require(path.join(before, "dynamic-providers", "engine")) as { runExport: Run }).runExport,
                (require(path.join(before, "cli", "main")) as { main: Main }).main] as [string, Run, Main]]),
            ["now", runNow, cliNow],
        ];
        for (const [label, run, cli] of engines) {
            for (const order of ["oldest-first", "newest-first"] as const) {
                const tag = `${label.replace(/\W+/g, "-")}-${order}`;
                proxy.clear();
                proxy.options.listOrder = order;
                forgetTaskIndexes();
                proxy.synthesize(oldTasks(OLD, DAY0 - 2 * H));
                const request = (name: string, hour: number): ExportRequest => ({
                    taskName: name, logGroupName: GROUP, from: DAY0 + hour * H, to: DAY0 + (hour + 1) * H, destination: BUCKET, destinationPrefix: tag,
                });
                const options = { deadline: Date.now() + 120_000, queueKey: `adoption-${tag}` };
                const calls = (): number => proxy.count("DescribeExportTasks");
                const crashed = await api.createExportTask(request(`${tag}-a`, 1));
                let c0 = calls();
                const first = await run(api, request(`${tag}-a`, 1), options);
                const firstCalls = calls() - c0;
                const later = await api.createExportTask(request(`${tag}-b`, 2));
                c0 = calls();
                const second = await run(api, request(`${tag}-b`, 2), options);
                const secondCalls = calls() - c0;
                // The CLI: a chunk a crashed run finished, the checkpoint lost; a fresh process's index.
                forgetTaskIndexes();
                const chunk = { logGroupName: GROUP, from: DAY0 + 4 * H, to: DAY0 + 5 * H };
                const cliCrashed = await api.createExportTask({ ...chunk, taskName: chunkTaskName(chunk), destination: BUCKET, destinationPrefix: `${tag}-cli` });
                c0 = calls();
                const createdBefore = proxy.created.length;
                const code = await cli(["export", "--log-group", GROUP, "--from", new Date(DAY0 + 3 * H).toISOString(), "--to", new Date(DAY0 + 6 * H).toISOString(),
                    "--bucket", BUCKET, "--prefix", `${tag}-cli`, "--chunk", "hour", "--state", path.join(dir, `${tag}.json`)],
                { stdout: () => undefined, stderr: () => undefined });
                const cliCalls = calls() - c0;
                const cliCreated = proxy.created.slice(createdBefore);
                rows.push({
                    run: label, order, "old tasks": OLD,
                    "1st lookup: adopted": first.task.taskId === crashed ? "yes" : "NO (exported twice)",
                    "1st lookup: Describe calls": firstCalls,
                    "later lookup: adopted": second.task.taskId === later ? "yes" : "NO (exported twice)",
                    "later lookup: Describe calls": secondCalls,
                    "CLI rerun, 3 chunks: exit": code,
                    "CLI: crashed chunk adopted": cliCreated.some(x => x.taskName === chunkTaskName(chunk)) ? "NO (exported twice)" : cliCrashed ? "yes" : "?",
                    "CLI: Describe calls": cliCalls,
                });
                console.error(JSON.stringify(rows[rows.length - 1]));
            }
        }
        console.table(rows);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy.stop();
        await moto.stop();
    }
}

bench().catch(e => {
    console.error(e);
    process.exit(1);
});
