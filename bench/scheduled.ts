/**
 * `npm run bench:scheduled`: the continuous-export handler catching up GROUPS log groups x DAYS daily
 * windows against moto behind the test proxy (each task held RUNNING HOLD_MS, one active task per
 * account), ticks back to back with a 60 s budget each. Prints wall time over the serial lower bound
 * (windows x hold), the same over the slot-busy bound (windows x hold plus each CreateExportTask's own
 * latency, which the account's one slot cannot overlap), CloudWatch Logs calls per window and
 * state-store calls per window. Needs moto_server.
 * Sizes: BENCH_GROUPS (100), BENCH_DAYS (7), BENCH_HOLD_MS (200). BENCH_SPREAD=0.5: each task's hold
 * drawn from +-50% around BENCH_HOLD_MS (fixed seed, in the order the tasks are created); the bounds
 * are then the sum of the holds drawn.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { logsExportApi } from "../dynamic-providers/aws";
import { ExportApi } from "../dynamic-providers/engine";
import { listSelectedGroups } from "../handlers/scheduledExport/logGroups";
import { dynamoStateStore, StateStore } from "../handlers/scheduledExport/state";
import { tick } from "../handlers/scheduledExport/tick";
import { DAY_MS, HOUR_MS } from "../handlers/scheduledExport/windows";
import { replaceEnv } from "../tests/support/env";
import { fixtures } from "../tests/support/exportFixtures";
import { startMoto } from "../tests/support/moto";
import { startProxy } from "../tests/support/proxy";
import { holds as drawHolds } from "./export";

const GROUPS = Number(process.env.BENCH_GROUPS ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 7);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 200);
const SPREAD = Number(process.env.BENCH_SPREAD ?? 0);

/** Counts every call the handler makes on the store. */
function counted(store: StateStore, counter: { n: number }): StateStore {
    const out = {} as Record<string, unknown>;
    for (const [k, fn] of Object.entries(store)) {
        out[k] = (...a: unknown[]) => { counter.n++; return (fn as (...x: unknown[]) => unknown)(...a); };
    }
    return out as unknown as StateStore;
}

async function main(): Promise<void> {
    const moto = await startMoto();
    // The holds of bench/export's --spread, handed out in the order the tasks are created.
    const drawn = drawHolds(GROUPS * DAYS, HOLD_MS, SPREAD, 14);
    const holds = new Map<string, number>();
    const holdFor = (name: string): number => {
        let h = holds.get(name);
        if (h === undefined) {
            h = drawn[holds.size % drawn.length];
            holds.set(name, h);
        }
        return h;
    };
    const proxy = await startProxy(moto.endpoint, { holdMs: HOLD_MS, holdFor });
    const restore = replaceEnv({ ...moto.env(), AWS_ENDPOINT_URL: proxy.endpoint });
    try {
        const f = fixtures(moto.endpoint, moto.credentials);
        await f.s3.send(new CreateBucketCommand({ Bucket: "bench-archive" }));
        for (let i = 0; i < GROUPS; i++) {
            await f.logs.send(new CreateLogGroupCommand({ logGroupName: `/bench/g${String(i).padStart(3, "0")}` }));
        }
        await new DynamoDBClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials }).send(new CreateTableCommand({
            TableName: "bench-state", BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }));
        const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
        const config = { tableName: "bench-state", bucket: "bench-archive", prefix: "bench", logGroupNamePrefixes: ["/bench/"], start: today - DAYS * DAY_MS };
        const storeCalls = { n: 0 };
        const store = counted(await dynamoStateStore("bench-state", "us-east-1"), storeCalls);
        const logsApi = await logsExportApi({ region: "us-east-1" });
        // CreateExportTask's own latency: moto writes the export synchronously, and the proxy holds the
        // slot from the create's arrival until HOLD_MS after moto answered, so no schedule beats it.
        const createMs: number[] = [];
        const pollMs: number[] = [];
        const api: ExportApi = {
            ...logsApi,
            async describeExportTasks(q) {
                const t0 = performance.now();
                try {
                    return await logsApi.describeExportTasks(q);
                } finally {
                    if (q.taskId !== undefined) {
                        pollMs.push(performance.now() - t0);
                    }
                }
            },
            async createExportTask(r) {
                const t0 = performance.now();
                try {
                    return await logsApi.createExportTask(r);
                } finally {
                    createMs.push(performance.now() - t0);
                }
            },
        };
        proxy.clear();
        const windows = GROUPS * DAYS;
        const started = Date.now();
        let exported = 0;
        let ticks = 0;
        while (exported < windows) {
            const r = await tick({
                config, store, api, listGroups: () => listSelectedGroups(config, "us-east-1"),
                now: () => today + 12 * HOUR_MS, remainingMs: () => 60_000, reserveMs: 0, owner: `bench-${ticks}`, log: () => undefined,
            });
            ticks++;
            exported += r.exported.length;
            if (r.failed.length > 0) {
                throw new Error(`failures: ${JSON.stringify(r.failed.slice(0, 3))}`);
            }
            if (r.exported.length === 0 && r.stoppedBy === undefined) {
                break;
            }
        }
        const wallMs = Date.now() - started;
        const logsCalls = proxy.seen.length;
        const bound = [...holds.values()].reduce((a, b) => a + b, 0);
        const createSum = createMs.reduce((a, b) => a + b, 0);
        const slotBound = bound + createSum;
        const sortedCreate = [...createMs].sort((a, b) => a - b);
        // One status poll per window must follow the task's end before the next create: its latency too.
        const pollMean = pollMs.reduce((a, b) => a + b, 0) / Math.max(1, pollMs.length);
        const observedBound = slotBound + windows * pollMean;
        console.log(JSON.stringify({
            groups: GROUPS, days: DAYS, holdMs: HOLD_MS, spread: SPREAD, windows, exported, ticks, wallMs,
            serialLowerBoundMs: bound, wallOverBound: Number((wallMs / bound).toFixed(3)),
            createLatencyMs: { mean: Number((createSum / Math.max(1, createMs.length)).toFixed(1)), p50: Math.round(sortedCreate[Math.floor(sortedCreate.length / 2)] ?? 0),
                p90: Math.round(sortedCreate[Math.floor(sortedCreate.length * 0.9)] ?? 0) },
            // The slot is busy for each task's create plus its hold: wall over that is the schedule's own overhead.
            slotBusyBoundMs: Math.round(slotBound), wallOverSlotBusyBound: Number((wallMs / slotBound).toFixed(3)),
            pollLatencyMs: Number(pollMean.toFixed(1)),
            // Plus one status poll's latency per window (the end of a task is seen only through a poll).
            observedBoundMs: Math.round(observedBound), wallOverObservedBound: Number((wallMs / observedBound).toFixed(3)),
            logsCallsPerWindow: Number((logsCalls / windows).toFixed(2)),
            logsCalls: Object.fromEntries([...new Set(proxy.seen.map(s => s.operation))].map(o => [o, proxy.count(o)])),
            stateCallsPerWindow: Number((storeCalls.n / windows).toFixed(2)),
            limitRejections: proxy.limitRejections, maxActive: proxy.maxActive,
        }, null, 2));
    } finally {
        restore();
        await proxy.stop();
        await moto.stop();
    }
}

main().catch(e => { console.error(e); process.exit(1); });
