/**
 * `npm run bench:org`: `cwlogs-export export` over 10 accounts (moto accounts reached by STS
 * AssumeRole) x 3 log groups x 10 daily chunks (300 export tasks), through the test proxy in front
 * of moto, each task held RUNNING for 0.5 s, one active task per account (AWS's limit). Runs the
 * workload once with the accounts side by side (`--role-arn` x 10) and once account by account
 * (`--max-accounts 1`), in the same process, and prints:
 * - side by side: wall time over the largest per-account serial bound (30 x 0.5 s); target <= 1.15;
 * - account by account over side by side: expected about 10x;
 * - where the time goes (see breakdown()).
 * `BENCH_ORG_SIDE_ONLY=1` runs the side-by-side run only; `BENCH_ORG_DEBUG=1` also prints the first
 * account's requests as the proxy saw them (`BENCH_ORG_DEBUG_ALL=1`: every account's).
 * Needs moto_server.
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { monitorEventLoopDelay } from "perf_hooks";
import { main } from "../cli/main";
import { assumeRole, fixtures, seedExport } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { Proxy, Seen, startProxy } from "../tests/support/proxy";

const ACCOUNTS = Array.from({ length: 10 }, (_, i) => String(210_000_000_001 + i));
const GROUPS = ["/bench/web", "/bench/api", "/bench/worker"];
const DAYS = 10;
const HOLD_MS = 500;
const DAY = 86_400_000;
const BUCKET = "bench-org";

const ms = (x: number): string => `${Math.round(x)} ms`;
const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const pct = (xs: readonly number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/**
 * Where the time went, from the proxy's log (every request with its account, arrival and answer
 * time): per account, the time to its first CreateExportTask (and what ran before it), the gaps
 * between a task's end (creation + hold) and the next create (split at the status check that saw the
 * task finished), and the run's tail after the last task ended; the proxy's own answer times; the
 * event-loop delay of this process (the CLI and the proxy share it).
 */
function breakdown(label: string, proxy: Proxy, start: number, end: number, lag: ReturnType<typeof monitorEventLoopDelay>): void {
    const perAccount = ACCOUNTS.map(account => {
        const created = proxy.created.filter(c => c.account === account).sort((a, b) => a.at - b.at);
        const calls = proxy.seen.filter(x => x.account === account).sort((a, b) => a.at - b.at);
        const others = proxy.others.filter(x => x.account === account).sort((a, b) => a.at - b.at);
        const first = created[0]?.at ?? end;
        const phase = (pred: (x: Seen) => boolean, list: readonly Seen[] = calls): number | undefined => list.find(x => x.at < first && pred(x))?.at;
        const startup = {
            total: first - start,
            assumeRole: phase(x => x.operation === "AssumeRole", others),
            select: phase(x => x.operation === "DescribeLogGroups"),
            s3: phase(x => x.operation.startsWith("S3"), others),
            listing: phase(x => x.operation === "DescribeExportTasks"),
            callsBefore: calls.filter(x => x.at < first).length + others.filter(x => x.at < first).length,
        };
        const gaps: { total: number; detect: number; after: number; calls: number; listings: number }[] = [];
        let earlyPolls = 0;
        for (let i = 0; i < created.length; i++) {
            const taskEnd = created[i].at + HOLD_MS;
            earlyPolls += calls.filter(x => x.at > created[i].at && x.at < taskEnd).length;
            if (i + 1 === created.length) {
                break;
            }
            const next = created[i + 1].at;
            const inGap = calls.filter(x => x.at >= taskEnd && x.at < next);
            const seenDone = inGap[0]?.at ?? next;
            gaps.push({
                total: next - taskEnd, detect: seenDone - taskEnd, after: next - seenDone, calls: inGap.length,
                listings: inGap.filter(x => x.operation === "DescribeExportTasks" && x.taskId === undefined).length,
            });
        }
        const lastEnd = (created[created.length - 1]?.at ?? start) + HOLD_MS;
        return { account, startup, gaps, earlyPolls, lastEnd, tasks: created.length };
    });
    if (process.env.BENCH_ORG_DEBUG === "1") {
        const a0 = ACCOUNTS[0];
        const all = [...proxy.seen, ...proxy.others].filter(x => process.env.BENCH_ORG_DEBUG_ALL === "1" || x.account === a0 || x.account === undefined).sort((a, b) => a.at - b.at);
        console.log(all.map(x => `${((x.at - start) / 1000).toFixed(3)}-${(((x.doneAt ?? x.at) - start) / 1000).toFixed(3)} ${x.account ?? "?"} ${x.operation}${x.taskId !== undefined ? "(id)" : x.statusCode ?? ""}`).join("\n"));
    }
    const rel = (t: number | undefined): string => (t === undefined ? "-" : `${((t - start) / 1000).toFixed(2)}`);
    const slowest = perAccount.reduce((a, b) => (b.lastEnd > a.lastEnd ? b : a));
    const allGaps = perAccount.flatMap(a => a.gaps);
    console.log(`${label}: breakdown (s from the start; startup = first CreateExportTask of the account)`);
    for (const a of perAccount) {
        const g = a.gaps;
        console.log(`  ${a.account}: AssumeRole ${rel(a.startup.assumeRole)}, DescribeLogGroups ${rel(a.startup.select)}, S3 ${rel(a.startup.s3)}, ` +
            `first DescribeExportTasks ${rel(a.startup.listing)}, first create ${rel(a.startup.total + start)} (${a.startup.callsBefore} calls before); ` +
            `${a.tasks} tasks, gaps ${ms(g.reduce((n, x) => n + x.total, 0))} in all (mean ${ms(mean(g.map(x => x.total)))}), last task ended ${rel(a.lastEnd)}`);
    }
    const holdTotal = slowest.tasks * HOLD_MS;
    const slowGaps = slowest.gaps.reduce((n, x) => n + x.total, 0);
    console.log(`  slowest account ${slowest.account}: startup ${ms(slowest.startup.total)} + tasks held ${ms(holdTotal)} + gaps ${ms(slowGaps)} ` +
        `+ tail after its last task ${ms(end - slowest.lastEnd)} = ${ms(end - start)}`);
    console.log(`  gap between a task's end and the account's next create, over all accounts: mean ${ms(mean(allGaps.map(x => x.total)))}, ` +
        `p50 ${ms(pct(allGaps.map(x => x.total), 0.5))}, p90 ${ms(pct(allGaps.map(x => x.total), 0.9))}; of which end -> first check after it ` +
        `${ms(mean(allGaps.map(x => x.detect)))}, that check -> next create ${ms(mean(allGaps.map(x => x.after)))}; ` +
        `calls in a gap ${mean(allGaps.map(x => x.calls)).toFixed(2)} (listings ${mean(allGaps.map(x => x.listings)).toFixed(2)}); ` +
        `checks while a task ran ${(perAccount.reduce((n, a) => n + a.earlyPolls, 0) / Math.max(1, proxy.created.length)).toFixed(2)} per task`);
    const answered = proxy.seen.filter(x => x.doneAt !== undefined);
    const byOp = new Map<string, number[]>();
    for (const x of [...answered, ...proxy.others.filter(o => o.doneAt !== undefined)]) {
        const key = x.operation === "DescribeExportTasks" ? (x.taskId !== undefined ? "DescribeExportTasks(id)" : "DescribeExportTasks(list)") : x.operation;
        byOp.set(key, [...(byOp.get(key) ?? []), (x.doneAt as number) - x.at]);
    }
    console.log(`  proxy answer time (arrival -> answer, moto included): ${[...byOp.entries()].map(([op, xs]) => `${op} ${ms(mean(xs))} (${xs.length})`).join(", ")}`);
    console.log(`  event-loop delay of this process (CLI + proxy): mean ${ms(lag.mean / 1e6)}, p99 ${ms(lag.percentile(99) / 1e6)}, max ${ms(lag.max / 1e6)}`);
}

async function run(): Promise<void> {
    const moto = await startMoto();
    const proxy = await startProxy(moto.endpoint, { holdMs: HOLD_MS, enforceLimit: true, limitPerAccount: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-bench-org-"));
    try {
        Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
        const to = Math.floor(Date.now() / DAY) * DAY;
        await fixtures(moto.endpoint, moto.credentials).s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        const roles = ACCOUNTS.map(a => `arn:aws:iam::${a}:role/BenchExport`);
        for (const role of roles) {
            const f = fixtures(moto.endpoint, await assumeRole(moto.endpoint, moto.credentials, role));
            for (const [i, g] of GROUPS.entries()) {
                // seedExport creates a bucket too: one per group and account, unused; the export goes to BUCKET.
                await seedExport(f, g, `unused-${role.split(":")[4]}-${i}`, to - 2 * DAY, ["one", "two"]);
            }
        }
        const perAccount = GROUPS.length * DAYS;
        const bound = perAccount * HOLD_MS;
        const once = async (label: string, prefix: string, extra: string[]): Promise<number> => {
            proxy.clear();
            let stderr = "";
            const cpu = process.cpuUsage();
            const lag = monitorEventLoopDelay({ resolution: 10 });
            lag.enable();
            const start = Date.now();
            const code = await main([
                "export", "--log-group", ...GROUPS, "--from", String(to - DAYS * DAY), "--to", String(to),
                "--bucket", BUCKET, "--prefix", prefix, "--chunk", "1d", "--state", path.join(dir, `${prefix}.json`),
                ...roles.flatMap(r => ["--role-arn", r]), ...extra,
            ], { stdout: () => undefined, stderr: t => { stderr += t; } });
            const wall = Date.now() - start;
            lag.disable();
            if (code !== 0) {
                throw new Error(`${label}: export exited ${code}:\n${stderr}`);
            }
            const used = process.cpuUsage(cpu);
            const perAcc = Object.values(proxy.maxActiveByAccount);
            const byOperation: Record<string, number> = {};
            for (const x of proxy.seen) {
                byOperation[x.operation] = (byOperation[x.operation] ?? 0) + 1;
            }
            breakdown(label, proxy, start, start + wall, lag);
            const firsts = ACCOUNTS.map(a => Math.min(...proxy.created.filter(c => c.account === a).map(c => c.at)) - start).sort((x, y) => x - y);
            console.log(`${label}: first task of an account created ${(firsts[0] / 1000).toFixed(2)} to ${(firsts[firsts.length - 1] / 1000).toFixed(2)} s after the start`);
            console.log(`${label}: calls per task ${Object.entries(byOperation).map(([op, n]) => `${op} ${(n / proxy.created.length).toFixed(2)}`).join(", ")}; ` +
                `this process used ${((used.user + used.system) / 1e6).toFixed(1)} s of CPU (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`);
            console.log(`${label}: ${proxy.created.length} tasks in ${ACCOUNTS.length} accounts, wall ${(wall / 1000).toFixed(2)} s, ` +
                `max active per account ${Math.max(...perAcc)}, max active over all accounts ${proxy.maxActive}, LimitExceeded answers ${proxy.limitRejections}`);
            return wall;
        };
        const side = await once("side by side (--max-accounts 10)", "side", ["--max-accounts", "10"]);
        if (process.env.BENCH_ORG_SIDE_ONLY === "1") {
            console.log(`side by side: ratio ${(side / bound).toFixed(3)} over ${(bound / 1000).toFixed(1)} s`);
            return;
        }
        const serial = await once("account by account (--max-accounts 1)", "serial", ["--max-accounts", "1"]);
        const ratio = side / bound;
        console.log(`side by side: wall ${(side / 1000).toFixed(2)} s over the largest per-account serial bound ${perAccount} x ${HOLD_MS / 1000} s = ` +
            `${(bound / 1000).toFixed(1)} s: ratio ${ratio.toFixed(3)} (target <= 1.15: ${ratio <= 1.15 ? "met" : "NOT met"})`);
        console.log(`account by account: wall ${(serial / 1000).toFixed(2)} s = ${(serial / side).toFixed(2)}x side by side (expected about ${ACCOUNTS.length}x)`);
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
