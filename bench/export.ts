/**
 * `npm run bench:export [-- options]`: 30 exports queued at once (as `pulumi up` creates 30
 * ExportTask resources) against the test proxy in front of moto, one active task at a time as AWS
 * allows, each task held RUNNING for `--hold-ms` (1 s) or, with `--spread 0.5`, a hold drawn from
 * +-50% around it (fixed `--seed`). Prints wall time over the sum of holds (the physical limit: the
 * account's one slot busy all the time), CloudWatch Logs calls per task, and the slot's idle time
 * after each task (mean, max). Targets (issue 14): <= 1.05 constant, <= 1.08 with +-50%, <= 3 calls
 * per task. Needs moto_server.
 *
 * Options: --spread F (0), --hold-ms N (1000), --tasks N (30), --seed N (14), --poll-min-ms N (the
 * engine's pollMinMs; a 1 s hold stands for a 1 min to 1 h task, so the 250 ms floor is scaled down
 * with it when given), --foreign-ms N (a task not ours holds the slot N ms at the start; prints the
 * idle after it ends), --before DIR (also runs the engine of another checkout, e.g. /work/main,
 * in the same run, for a side-by-side comparison). BENCH_GAPS=1 prints, for each gap between two
 * tasks, the CloudWatch Logs calls from the earlier task's create to the next create (`id`: a status
 * check by task id; `ls:COMPLETED`: a read of the COMPLETED list) with their times from that create.
 * With --before, the checkout run first also warms the process up (modules, JIT): compare the
 * gaps, and the start-up time with care.
 */
import * as path from "path";
import { clientBase, logsExportApi } from "../dynamic-providers/aws";
import { ExportApi, ExportRequest, forgetDurations, forgetTaskIndexes, runExport, Timing } from "../dynamic-providers/engine";
import { fixtures, seedExport } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { Proxy, startProxy } from "../tests/support/proxy";

interface Args { spread: number; holdMs: number; tasks: number; seed: number; pollMinMs?: number; foreignMs?: number; before?: string }

export function parseArgs(argv: string[]): Args {
    const get = (flag: string): string | undefined => {
        const i = argv.indexOf(flag);
        return i < 0 ? undefined : argv[i + 1];
    };
    const num = (flag: string, d?: number): number | undefined => (get(flag) === undefined ? d : Number(get(flag)));
    return {
        spread: num("--spread", 0) as number, holdMs: num("--hold-ms", 1000) as number, tasks: num("--tasks", 30) as number,
        seed: num("--seed", 14) as number, pollMinMs: num("--poll-min-ms"), foreignMs: num("--foreign-ms"), before: get("--before"),
    };
}

/** A deterministic generator (mulberry32), so every engine meets the same holds. */
export function seeded(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Holds of `n` tasks: `mean` +-`spread` (fraction), uniform, fixed seed. */
export function holds(n: number, mean: number, spread: number, seed: number): number[] {
    const r = seeded(seed);
    return Array.from({ length: n }, () => Math.round(mean * (1 - spread + 2 * spread * r())));
}

/** What a run measured. */
export interface Figures {
    label: string;
    wallMs: number;
    sumHoldsMs: number;
    callsPerTask: number;
    describesPerTask: number;
    idleMeanMs: number;
    idleMaxMs: number;
    /** Idle between the end of a foreign holder and our first create. */
    foreignIdleMs?: number;
    maxActive: number;
    breakdown?: Breakdown;
}

/** Idle of the slot after each of our tasks, from the proxy's record of creates. */
export function idleAfter(proxy: Proxy, holdOf: (name: string) => number, names: (n: string) => boolean): number[] {
    const ours = proxy.created.filter(c => names(c.taskName)).sort((a, b) => a.at - b.at);
    return ours.slice(1).map((c, i) => c.at - (ours[i].at + holdOf(ours[i].taskName)));
}

/**
 * Where the idle after each of our tasks goes, from the proxy's log (means over the gaps, ms):
 * `detect` from the task's end to the arrival of the first check after it, `check` that call's own
 * time, `handoff` from its answer to the arrival of the next successful CreateExportTask (the
 * engine's and the caller's work between two tasks: lookups, state, queue), with `handoffCalls`
 * Logs calls in it, and `create` the create's own time up to moto's task.
 */
export interface Breakdown { detectMs: number; checkMs: number; handoffMs: number; handoffCalls: number; createMs: number; startMs?: number; tailMs?: number }

/** `startMs`: from the run's start to our first task; `tailMs`: from our last task's end to the run's end. */
export function edges(proxy: Proxy, holdOf: (name: string) => number, names: (n: string) => boolean, start: number, end: number): { startMs: number; tailMs: number } {
    const ours = proxy.created.filter(c => names(c.taskName)).sort((a, b) => a.at - b.at);
    const last = ours[ours.length - 1];
    return { startMs: (ours[0]?.at ?? start) - start, tailMs: last === undefined ? 0 : end - (last.at + holdOf(last.taskName)) };
}

export function idleBreakdown(proxy: Proxy, holdOf: (name: string) => number, names: (n: string) => boolean): Breakdown {
    const ours = proxy.created.filter(c => names(c.taskName)).sort((a, b) => a.at - b.at);
    const logs = proxy.seen.filter(s => /ExportTask/.test(s.operation));
    const sum: Breakdown = { detectMs: 0, checkMs: 0, handoffMs: 0, handoffCalls: 0, createMs: 0 };
    let n = 0;
    for (let i = 1; i < ours.length; i++) {
        const end = ours[i - 1].at + holdOf(ours[i - 1].taskName);
        const create = [...logs].reverse().find(s => s.operation === "CreateExportTask" && s.status === 200 && s.at <= ours[i].at);
        const check = logs.find(s => s.operation === "DescribeExportTasks" && s.at >= end && (create === undefined || s.at <= create.at));
        if (create === undefined || check === undefined) {
            continue;
        }
        n++;
        sum.detectMs += check.at - end;
        sum.checkMs += (check.doneAt ?? check.at) - check.at;
        sum.handoffMs += create.at - (check.doneAt ?? check.at);
        sum.handoffCalls += logs.filter(s => s.at > check.at && s.at < create.at).length;
        if (process.env.BENCH_GAPS !== undefined) {
            const seq = logs.filter(s => s.at >= ours[i - 1].at && s.at <= create.at).map(s => `${s.operation === "DescribeExportTasks" ? (s.taskId !== undefined ? "id" : `ls:${s.statusCode}`) : "create"}@${s.at - ours[i - 1].at}`);
            console.error(`gap ${i} end@${end - ours[i - 1].at}: ${seq.join(" ")}`);
        }
        sum.createMs += ours[i].at - create.at;
    }
    const mean = (x: number): number => x / Math.max(1, n);
    return { detectMs: mean(sum.detectMs), checkMs: mean(sum.checkMs), handoffMs: mean(sum.handoffMs), handoffCalls: mean(sum.handoffCalls), createMs: mean(sum.createMs) };
}

export function printBreakdown(label: string, b: Breakdown): void {
    console.log(`${label}: idle after a task, mean ms: detect ${b.detectMs.toFixed(1)} (end to the check that sees it), check call ${b.checkMs.toFixed(1)}, ` +
        `handoff ${b.handoffMs.toFixed(1)} (${b.handoffCalls.toFixed(2)} calls; check answered to next create sent), create call ${b.createMs.toFixed(1)}` +
        (b.startMs === undefined ? "" : `; start to first task ${b.startMs} ms, last end to finish ${b.tailMs ?? 0} ms`));
}

export function printFigures(rows: Figures[], targets: { constant: boolean }): void {
    console.table(rows.map(f => ({
        run: f.label,
        "wall s": (f.wallMs / 1000).toFixed(2),
        "sum of holds s": (f.sumHoldsMs / 1000).toFixed(2),
        "wall / sum of holds": (f.wallMs / f.sumHoldsMs).toFixed(3),
        "Logs calls / task": f.callsPerTask.toFixed(2),
        "Describe / task": f.describesPerTask.toFixed(2),
        "idle after task, mean ms": f.idleMeanMs.toFixed(0),
        "idle after task, max ms": f.idleMaxMs.toFixed(0),
        ...(f.foreignIdleMs === undefined ? {} : { "idle after foreign holder ms": f.foreignIdleMs.toFixed(0) }),
        "max active": f.maxActive,
    })));
    const limit = targets.constant ? 1.05 : 1.08;
    for (const f of rows) {
        const ratio = f.wallMs / f.sumHoldsMs;
        console.log(`${f.label}: wall / sum of holds ${ratio.toFixed(3)} (target <= ${limit}: ${ratio <= limit ? "met" : "NOT met"}); ` +
            `${f.callsPerTask.toFixed(2)} Logs calls per task (target <= 3: ${f.callsPerTask <= 3 ? "met" : "NOT met"})` +
            (f.foreignIdleMs === undefined ? "" : `; idle after the foreign holder ${f.foreignIdleMs} ms (target <= 500: ${f.foreignIdleMs <= 500 ? "met" : "NOT met"})`));
        if (f.breakdown !== undefined) {
            printBreakdown(f.label, f.breakdown);
        }
    }
}

type RunExport = typeof runExport;

async function measure(label: string, run: RunExport, api: ExportApi, proxy: Proxy, a: Args, hold: number[], request: (name: string) => ExportRequest, foreign: ExportApi): Promise<Figures> {
    proxy.clear();
    forgetDurations();
    forgetTaskIndexes();
    const names = hold.map((_, i) => `${label.replace(/\W+/g, "-")}-${i}`);
    const holdOf = new Map<string, number>(names.map((n, i) => [n, hold[i]]));
    const foreignName = `${label.replace(/\W+/g, "-")}-foreign`;
    if (a.foreignMs !== undefined) {
        holdOf.set(foreignName, a.foreignMs);
    }
    proxy.options.holdFor = n => holdOf.get(n) ?? a.holdMs;
    const timing: Partial<Timing> = a.pollMinMs === undefined ? {} : { pollMinMs: a.pollMinMs };
    if (a.foreignMs !== undefined) {
        await foreign.createExportTask(request(foreignName));
    }
    const start = Date.now();
    await Promise.all(names.map(n => run(api, request(n), { deadline: Date.now() + 3600_000, queueKey: `bench-${label}`, timing })));
    const end = Date.now();
    const wallMs = end - start - (a.foreignMs ?? 0);
    const idle = idleAfter(proxy, n => holdOf.get(n) ?? a.holdMs, n => n !== foreignName);
    const logs = proxy.seen.filter(s => /ExportTask/.test(s.operation));
    const f = proxy.created.find(c => c.taskName === foreignName);
    const firstOurs = proxy.created.filter(c => c.taskName !== foreignName).sort((x, y) => x.at - y.at)[0];
    return {
        label, wallMs, sumHoldsMs: hold.reduce((x, y) => x + y, 0),
        callsPerTask: (logs.length - (a.foreignMs === undefined ? 0 : 1)) / hold.length,
        describesPerTask: logs.filter(s => s.operation === "DescribeExportTasks").length / hold.length,
        idleMeanMs: idle.reduce((x, y) => x + y, 0) / Math.max(1, idle.length), idleMaxMs: Math.max(0, ...idle),
        foreignIdleMs: f === undefined || firstOurs === undefined ? undefined : firstOurs.at - (f.at + (a.foreignMs ?? 0)),
        maxActive: proxy.maxActive, breakdown: {
            ...idleBreakdown(proxy, n => holdOf.get(n) ?? a.holdMs, n => n !== foreignName),
            ...edges(proxy, n => holdOf.get(n) ?? a.holdMs, n => n !== foreignName, start + (a.foreignMs ?? 0), end),
        },
    };
}

async function main(): Promise<void> {
    const a = parseArgs(process.argv.slice(2));
    const moto = await startMoto();
    const proxy = await startProxy(moto.endpoint, { holdMs: a.holdMs, enforceLimit: true });
    try {
        Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
        const now = Date.now();
        await seedExport(fixtures(moto.endpoint, moto.credentials), "/bench/app", "bench-bucket", now - 2 * 3600_000, ["bench"]);
        const api = await logsExportApi(await clientBase({ region: "us-east-1" }));
        const foreign = await logsExportApi(await clientBase({ region: "us-east-1" }));
        const request = (name: string): ExportRequest => ({
            taskName: name, logGroupName: "/bench/app", from: now - 3 * 3600_000, to: now - 3600_000,
            destination: "bench-bucket", destinationPrefix: name,
        });
        const hold = holds(a.tasks, a.holdMs, a.spread, a.seed);
        console.error(`${a.tasks} exports at once, holds ${a.holdMs} ms +-${a.spread * 100}% (seed ${a.seed})` +
            `${a.pollMinMs === undefined ? "" : `, pollMinMs ${a.pollMinMs}`}${a.foreignMs === undefined ? "" : `, a foreign task holding the slot ${a.foreignMs} ms first`}`);
        const rows: Figures[] = [];
        if (a.before !== undefined) {
            const old = require(path.resolve(a.before, "dynamic-providers", "engine")) as { runExport: RunExport };
            rows.push(await measure(`before (${a.before})`, old.runExport, api, proxy, a, hold, request, foreign));
        }
        rows.push(await measure("engine", runExport, api, proxy, a, hold, request, foreign));
        printFigures(rows, { constant: a.spread === 0 });
    } finally {
        await proxy.stop();
        await moto.stop();
    }
}

if (require.main === module) {
    main().catch(e => {
        console.error(e);
        process.exit(1);
    });
}
