/**
 * `npm run bench:backfill`: `cwlogs-export export` over 30 daily chunks of 3 log groups (90 export
 * tasks), through the test proxy in front of moto, each task held RUNNING for 0.5 s and one active
 * task at a time. Prints the wall time over the serial lower bound (90 x 0.5 s) and the CloudWatch
 * Logs API calls per task, by operation. Target: ratio <= 1.15. Needs moto_server.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../cli/main";
import { fixtures, seedExport } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { startProxy } from "../tests/support/proxy";

const GROUPS = ["/bench/web", "/bench/api", "/bench/worker"];
const DAYS = 30;
const HOLD_MS = 500;
const DAY = 86_400_000;

async function run(): Promise<void> {
    const moto = await startMoto();
    const proxy = await startProxy(moto.endpoint, { holdMs: HOLD_MS, enforceLimit: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-bench-"));
    try {
        Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
        const to = Math.floor(Date.now() / DAY) * DAY;
        const f = fixtures(moto.endpoint, moto.credentials);
        for (const [i, g] of GROUPS.entries()) {
            await seedExport(f, g, i === 0 ? "bench-backfill" : `bench-unused-${i}`, to - 2 * DAY, ["one", "two"]);
        }
        proxy.clear();
        let stderr = "";
        const start = Date.now();
        const code = await main([
            "export", "--log-group", ...GROUPS, "--from", String(to - DAYS * DAY), "--to", String(to),
            "--bucket", "bench-backfill", "--prefix", "backfill", "--chunk", "1d", "--state", path.join(dir, "state.json"),
        ], { stdout: t => process.stdout.write(t), stderr: t => { stderr += t; } });
        const wallMs = Date.now() - start;
        if (code !== 0) {
            throw new Error(`export exited ${code}:\n${stderr}`);
        }
        const tasks = GROUPS.length * DAYS;
        const ideal = tasks * HOLD_MS;
        const byOperation: Record<string, number> = {};
        for (const s of proxy.seen) {
            byOperation[s.operation] = (byOperation[s.operation] ?? 0) + 1;
        }
        const ratio = wallMs / ideal;
        console.table(Object.entries(byOperation).map(([operation, calls]) => ({ operation, calls, "per task": (calls / tasks).toFixed(2) })));
        console.log(`tasks ${tasks} (created ${proxy.created.length}), max active ${proxy.maxActive}, LimitExceeded answers ${proxy.limitRejections}`);
        console.log(`wall ${(wallMs / 1000).toFixed(2)} s over the serial lower bound ${tasks} x ${HOLD_MS / 1000} s = ${(ideal / 1000).toFixed(1)} s: ` +
            `ratio ${ratio.toFixed(3)} (target <= 1.15: ${ratio <= 1.15 ? "met" : "NOT met"}); ` +
            `API calls per task ${(proxy.seen.length / tasks).toFixed(2)} (all CloudWatch Logs calls, preflight and resume scan included)`);
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
