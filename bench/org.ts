/**
 * `npm run bench:org`: `cwlogs-export export` over 10 accounts (moto accounts reached by STS
 * AssumeRole) x 3 log groups x 10 daily chunks (300 export tasks), through the test proxy in front
 * of moto, each task held RUNNING for 0.5 s, one active task per account (AWS's limit). Runs the
 * workload once with the accounts side by side (`--role-arn` x 10) and once account by account
 * (`--max-accounts 1`), in the same process, and prints:
 * - side by side: wall time over the largest per-account serial bound (30 x 0.5 s); target <= 1.15;
 * - account by account over side by side: expected about 10x.
 * Needs moto_server.
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../cli/main";
import { assumeRole, fixtures, seedExport } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { startProxy } from "../tests/support/proxy";

const ACCOUNTS = Array.from({ length: 10 }, (_, i) => String(210_000_000_001 + i));
const GROUPS = ["/bench/web", "/bench/api", "/bench/worker"];
const DAYS = 10;
const HOLD_MS = 500;
const DAY = 86_400_000;
const BUCKET = "bench-org";

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
            const start = Date.now();
            const code = await main([
                "export", "--log-group", ...GROUPS, "--from", String(to - DAYS * DAY), "--to", String(to),
                "--bucket", BUCKET, "--prefix", prefix, "--chunk", "1d", "--state", path.join(dir, `${prefix}.json`),
                ...roles.flatMap(r => ["--role-arn", r]), ...extra,
            ], { stdout: () => undefined, stderr: t => { stderr += t; } });
            const wall = Date.now() - start;
            if (code !== 0) {
                throw new Error(`${label}: export exited ${code}:\n${stderr}`);
            }
            const used = process.cpuUsage(cpu);
            const perAcc = Object.values(proxy.maxActiveByAccount);
            const byOperation: Record<string, number> = {};
            for (const x of proxy.seen) {
                byOperation[x.operation] = (byOperation[x.operation] ?? 0) + 1;
            }
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
