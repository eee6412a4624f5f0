/**
 * `npm run bench:backfill [-- options]`: `cwlogs-export export` over 30 daily chunks of 3 log groups
 * (90 export tasks), through the test proxy in front of moto, one active task at a time, each task
 * held RUNNING for `--hold-ms` (0.5 s) or, with `--spread 0.5`, a hold drawn from +-50% around it
 * (fixed `--seed`). Prints wall time over the sum of holds, CloudWatch Logs calls per task by
 * operation, the slot's idle time after each task (mean, max), and the bytes written to the
 * checkpoint. Targets (issue 14): <= 1.05 constant, <= 1.08 with +-50%, <= 3 calls per task.
 * Needs moto_server.
 *
 * Options: --spread F (0), --hold-ms N (500), --seed N (14), --foreign-ms N (a task not ours holds
 * the slot N ms at the start), --before DIR (also runs the CLI of another checkout, e.g. /work/main,
 * in the same run), --poll-min-ms N: the engine's shortest pause between checks (250 ms), which
 * the CLI has no flag for; a 0.5 s hold stands for a task of minutes, so the floor can be scaled
 * down with it. The bench sets it in each engine's DEFAULT_TIMING, in this process only.
 * BENCH_GAPS=1 prints the calls of each gap between two tasks (see bench/export.ts), BENCH_IDLE=1
 * the idle of each.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chunkTaskName, planChunks } from "../cli/export/plan";
import { main } from "../cli/main";
import { clientBase, logsExportApi } from "../dynamic-providers/aws";
import { DEFAULT_TIMING, forgetDurations, forgetTaskIndexes } from "../dynamic-providers/engine";
import { fixtures, seedExport } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { Proxy, startProxy } from "../tests/support/proxy";
import { Figures, holds, idleAfter, edges, idleBreakdown, parseArgs, printFigures } from "./export";

const GROUPS = ["/bench/web", "/bench/api", "/bench/worker"];
const DAYS = 30;
const DAY = 86_400_000;

type Main = (argv: string[], io: { stdout: (t: string) => void; stderr: (t: string) => void }) => Promise<number>;

/** Counts bytes written under `dir` (checkpoint snapshots and journals), whichever CLI writes them. */
function countWrites(dir: string): { bytes: number; restore: () => void } {
    const counter = { bytes: 0, restore: () => undefined as void };
    const w = fs.writeFileSync;
    const ap = fs.appendFileSync;
    const size = (data: unknown): number => (typeof data === "string" ? Buffer.byteLength(data) : (data as Buffer).length ?? 0);
    // The module object itself (an `import *` namespace has only getters); every importer sees the patch.
    const patched = require("fs") as Record<string, unknown>;
    patched.writeFileSync = (file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, o?: fs.WriteFileOptions) => {
        if (typeof file === "string" && file.startsWith(dir)) {
            counter.bytes += size(data);
        }
        return w(file, data, o);
    };
    patched.appendFileSync = (file: fs.PathOrFileDescriptor, data: string | Uint8Array, o?: fs.WriteFileOptions) => {
        if (typeof file === "string" && file.startsWith(dir)) {
            counter.bytes += size(data);
        }
        return ap(file, data, o);
    };
    counter.restore = () => {
        patched.writeFileSync = w;
        patched.appendFileSync = ap;
    };
    return counter;
}

async function measure(label: string, main: Main, proxy: Proxy, to: number, hold: Map<string, number>, holdMs: number, foreignMs: number | undefined, dir: string): Promise<Figures & { checkpointBytes: number }> {
    proxy.clear();
    // Each CLI starts as a fresh process would: no durations or task index from the run before it.
    forgetDurations();
    forgetTaskIndexes();
    const prefix = label.replace(/\W+/g, "-");
    const foreignName = `${prefix}-foreign`;
    proxy.options.holdFor = n => (n === foreignName ? foreignMs ?? 0 : hold.get(n) ?? holdMs);
    if (foreignMs !== undefined) {
        const api = await logsExportApi(await clientBase({ region: "us-east-1" }));
        await api.createExportTask({ taskName: foreignName, logGroupName: GROUPS[0], from: to - 2 * DAY, to: to - DAY, destination: "bench-backfill", destinationPrefix: "foreign" });
    }
    const state = path.join(dir, `${prefix}.json`);
    const writes = countWrites(dir);
    let stderr = "";
    const start = Date.now();
    let code: number;
    try {
        code = await main([
            "export", "--log-group", ...GROUPS, "--from", String(to - DAYS * DAY), "--to", String(to),
            "--bucket", "bench-backfill", "--prefix", prefix, "--chunk", "1d", "--state", state,
        ], { stdout: () => undefined, stderr: t => { stderr += t; } });
    } finally {
        writes.restore();
    }
    const end = Date.now();
    const wallMs = end - start - (foreignMs ?? 0);
    if (code !== 0) {
        throw new Error(`${label}: export exited ${code}:\n${stderr}`);
    }
    const tasks = GROUPS.length * DAYS;
    const idle = idleAfter(proxy, n => hold.get(n) ?? holdMs, n => n !== foreignName);
    const logs = proxy.seen.filter(s => s.operation !== "AssumeRole");
    const f = proxy.created.find(c => c.taskName === foreignName);
    const firstOurs = proxy.created.filter(c => c.taskName !== foreignName).sort((x, y) => x.at - y.at)[0];
    const byOperation: Record<string, number> = {};
    for (const s of logs) {
        byOperation[s.operation] = (byOperation[s.operation] ?? 0) + 1;
    }
    if (process.env.BENCH_IDLE !== undefined) {
        console.error(`idle per gap: ${idle.map(x => x.toFixed(0)).join(" ")}`);
    }
    console.error(`${label}: calls by operation ${JSON.stringify(byOperation)}; ${proxy.created.length} tasks created`);
    return {
        label, wallMs, sumHoldsMs: [...hold.values()].reduce((x, y) => x + y, 0),
        callsPerTask: (logs.length - (foreignMs === undefined ? 0 : 1)) / tasks,
        describesPerTask: logs.filter(s => s.operation === "DescribeExportTasks").length / tasks,
        idleMeanMs: idle.reduce((x, y) => x + y, 0) / Math.max(1, idle.length), idleMaxMs: Math.max(0, ...idle),
        foreignIdleMs: f === undefined || firstOurs === undefined ? undefined : firstOurs.at - (f.at + (foreignMs ?? 0)),
        maxActive: proxy.maxActive, checkpointBytes: writes.bytes,
        breakdown: {
            ...idleBreakdown(proxy, n => hold.get(n) ?? holdMs, n => n !== foreignName),
            ...edges(proxy, n => hold.get(n) ?? holdMs, n => n !== foreignName, start + (foreignMs ?? 0), end),
        },
    };
}

async function run(): Promise<void> {
    const a = parseArgs(process.argv.slice(2));
    const holdMs = process.argv.includes("--hold-ms") ? a.holdMs : 500;
    const moto = await startMoto();
    const proxy = await startProxy(moto.endpoint, { holdMs, enforceLimit: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-bench-"));
    try {
        Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
        const to = Math.floor(Date.now() / DAY) * DAY;
        const f = fixtures(moto.endpoint, moto.credentials);
        for (const [i, g] of GROUPS.entries()) {
            await seedExport(f, g, i === 0 ? "bench-backfill" : `bench-unused-${i}`, to - 2 * DAY, ["one", "two"]);
        }
        const chunks = planChunks(GROUPS, to - DAYS * DAY, to, DAY);
        const drawn = holds(chunks.length, holdMs, a.spread, a.seed);
        const hold = new Map(chunks.map((c, i) => [chunkTaskName(c), drawn[i]]));
        console.error(`${chunks.length} chunks, holds ${holdMs} ms +-${a.spread * 100}% (seed ${a.seed})` +
            `${a.pollMinMs === undefined ? "" : `, pollMinMs ${a.pollMinMs}`}` +
            `${a.foreignMs === undefined ? "" : `, a foreign task holding the slot ${a.foreignMs} ms first`}`);
        const rows: (Figures & { checkpointBytes: number })[] = [];
        const scaleFloor = (timing: { pollMinMs: number }): void => {
            if (a.pollMinMs !== undefined) {
                timing.pollMinMs = a.pollMinMs;
            }
        };
        scaleFloor(DEFAULT_TIMING as { pollMinMs: number });
        if (a.before !== undefined) {
            const old = require(path.resolve(a.before, "cli", "main")) as { main: Main };
            scaleFloor((require(path.resolve(a.before, "dynamic-providers", "engine", "types")) as { DEFAULT_TIMING: { pollMinMs: number } }).DEFAULT_TIMING);
            rows.push(await measure(`before (${a.before})`, old.main, proxy, to, hold, holdMs, a.foreignMs, dir));
        }
        rows.push(await measure("cli", main, proxy, to, hold, holdMs, a.foreignMs, dir));
        printFigures(rows, { constant: a.spread === 0 });
        for (const r of rows) {
            console.log(`${r.label}: checkpoint bytes written ${r.checkpointBytes} (${(r.checkpointBytes / chunks.length).toFixed(0)} per chunk)`);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy.stop();
        await moto.stop();
    }
}

run().catch(e => {
    console.error(e);
    process.exit(1);
});
