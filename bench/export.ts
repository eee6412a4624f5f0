/**
 * `npm run bench:export`: ten exports queued at once against the test proxy (each task held RUNNING
 * for 1 s, one active task at a time), with the engine's defaults, side by side in the same run with
 * the fixed-interval strategy popular exporters use (retry every 5 s on LimitExceededException, poll
 * every 5 s). Prints wall time over 10 x 1 s and DescribeExportTasks calls. Needs moto_server.
 */
import { clientBase, logsExportApi } from "../dynamic-providers/aws";
import { classifyError, ExportApi, ExportRequest, isTerminal, runExport } from "../dynamic-providers/engine";
import { fixtures, seedExport } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { Proxy, startProxy } from "../tests/support/proxy";

const TASKS = 10;
const HOLD_MS = 1000;
const FIXED_MS = 5000;

interface Figures {
    strategy: string;
    wallMs: number;
    describes: number;
    /** Describe calls listing COMPLETED tasks before a create (crash adoption), not spent waiting. */
    lookups: number;
    creates: number;
    limitRejections: number;
    maxActive: number;
    /** Sum over tasks of the time from start to completion. */
    waitingMs: number;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The popular exporters' loop: create, on LimitExceededException retry every 5 s; poll every 5 s. */
async function fixedInterval(api: ExportApi, r: ExportRequest): Promise<void> {
    let taskId: string | undefined;
    while (taskId === undefined) {
        try {
            taskId = await api.createExportTask(r);
        } catch (e) {
            if (classifyError(e as Error) !== "limit") {
                throw e;
            }
            await sleep(FIXED_MS);
        }
    }
    for (;;) {
        await sleep(FIXED_MS);
        const t = (await api.describeExportTasks({ taskId })).tasks[0];
        if (isTerminal(t?.statusCode)) {
            return;
        }
    }
}

async function measure(strategy: string, proxy: Proxy, run: (i: number) => Promise<void>): Promise<Figures> {
    proxy.clear();
    const start = Date.now();
    let waitingMs = 0;
    await Promise.all(Array.from({ length: TASKS }, async (_, i) => {
        const t0 = Date.now();
        await run(i);
        waitingMs += Date.now() - t0;
    }));
    return {
        strategy, wallMs: Date.now() - start, describes: proxy.count("DescribeExportTasks"),
        lookups: proxy.seen.filter(s => s.operation === "DescribeExportTasks" && s.statusCode === "COMPLETED").length, creates: proxy.count("CreateExportTask"),
        limitRejections: proxy.limitRejections, maxActive: proxy.maxActive, waitingMs,
    };
}

function print(rows: Figures[]): void {
    const ideal = TASKS * HOLD_MS;
    const table = rows.map(f => ({
        strategy: f.strategy,
        "wall s": (f.wallMs / 1000).toFixed(2),
        "wall / (10 x 1 s)": (f.wallMs / ideal).toFixed(3),
        "Describe calls": f.describes,
        "Describe / task": (f.describes / TASKS).toFixed(1),
        "Describe / s of wall time": (f.describes / (f.wallMs / 1000)).toFixed(2),
        "of which adoption lookups": f.lookups,
        "waiting Describe / s of wall time": ((f.describes - f.lookups) / (f.wallMs / 1000)).toFixed(2),
        "Describe / s of task waiting": (f.describes / (f.waitingMs / 1000)).toFixed(2),
        "Create calls": f.creates,
        "LimitExceeded answers": f.limitRejections,
        "max active": f.maxActive,
    }));
    console.table(table);
    const engine = rows[0];
    const ratio = engine.wallMs / ideal;
    const perSecond = engine.describes / (engine.wallMs / 1000);
    const waiting = (engine.describes - engine.lookups) / (engine.wallMs / 1000);
    console.log(`engine vs target: wall / (10 x 1 s) = ${ratio.toFixed(3)} (target <= 1.15: ${ratio <= 1.15 ? "met" : "NOT met"}); ` +
        `Describe calls per second of wall time = ${perSecond.toFixed(2)} all included (target <= 4: ${perSecond <= 4 ? "met" : "NOT met"}), ` +
        `${waiting.toFixed(2)} without the one crash-adoption lookup per task (${waiting <= 4 ? "met" : "NOT met"})`);
}

async function main(): Promise<void> {
    const moto = await startMoto();
    const proxy = await startProxy(moto.endpoint, { holdMs: HOLD_MS, enforceLimit: true });
    try {
        Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
        const now = Date.now();
        await seedExport(fixtures(moto.endpoint, moto.credentials), "/bench/app", "bench-bucket", now - 2 * 3600_000, ["bench"]);
        const api = await logsExportApi(await clientBase({ region: "us-east-1" }));
        const request = (name: string): ExportRequest => ({
            taskName: name, logGroupName: "/bench/app", from: now - 3 * 3600_000, to: now - 3600_000,
            destination: "bench-bucket", destinationPrefix: name,
        });
        const rows: Figures[] = [];
        rows.push(await measure("engine (defaults)", proxy, async i => {
            await runExport(api, request(`engine-${i}`), { deadline: Date.now() + 10 * 60_000, queueKey: "bench" });
        }));
        console.error(`engine run done in ${(rows[0].wallMs / 1000).toFixed(1)} s; fixed-interval run takes about a minute...`);
        rows.push(await measure("fixed 5 s retry + 5 s poll", proxy, i => fixedInterval(api, request(`fixed-${i}`))));
        print(rows);
    } finally {
        await proxy.stop();
        await moto.stop();
    }
}

main().catch(e => {
    console.error(e);
    process.exit(1);
});
