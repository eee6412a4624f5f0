/**
 * `npm run bench:checkpoint [-- --chunks 1000,2000,10000 --before DIR --before-chunks 250,500,1000]`:
 * the bytes a backfill writes to its checkpoint over a whole run, for plans of growing size. The
 * backfill loop runs against an in-memory CloudWatch Logs (tasks finish at once) so only the
 * checkpoint is measured. Target (issue 14): linear in chunks (bytes per chunk constant); rewriting
 * the whole file twice per chunk grows with the square (about 45 GiB for 10,000 chunks). `--before`
 * runs another checkout's loop and checkpoint (e.g. /work/main) on smaller plans, in the same run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runBackfill as runBackfillNow } from "../cli/export/backfill";
import { planChunks } from "../cli/export/plan";
import { jobKey, JobSpec, newState as newStateNow, saveState as saveStateNow } from "../cli/export/state";
import { awsTo, ExportApi, ExportRequest, ExportStatus, ExportTaskInfo, ExportTaskPage } from "../dynamic-providers/engine";

/** Tasks complete the moment they are created; listed newest first, 50 a page, as AWS pages. */
class InstantAws implements ExportApi {
    private tasks: ExportTaskInfo[] = [];
    async createExportTask(r: ExportRequest): Promise<string> {
        const now = Date.now();
        const t: ExportTaskInfo = {
            taskId: `t-${this.tasks.length + 1}`, taskName: r.taskName, logGroupName: r.logGroupName, from: r.from, to: awsTo(r.to),
            destination: r.destination, destinationPrefix: r.destinationPrefix, statusCode: "COMPLETED", creationTime: now, completionTime: now,
        };
        this.tasks.unshift(t);
        return t.taskId;
    }
    async describeExportTasks(q: { taskId?: string; statusCode?: ExportStatus; nextToken?: string }): Promise<ExportTaskPage> {
        if (q.taskId !== undefined) {
            return { tasks: this.tasks.filter(t => t.taskId === q.taskId) };
        }
        const all = this.tasks.filter(t => q.statusCode === undefined || t.statusCode === q.statusCode);
        const start = Number(q.nextToken ?? "0");
        return { tasks: all.slice(start, start + 50), nextToken: start + 50 < all.length ? String(start + 50) : undefined };
    }
    async cancelExportTask(): Promise<void> {
        return undefined;
    }
}

type Loop = typeof runBackfillNow;
interface StateModule { newState: typeof newStateNow; saveState: typeof saveStateNow }

async function bytesFor(chunks: number, loop: Loop, state: StateModule, dir: string): Promise<{ bytes: number; ms: number }> {
    const HOUR = 3600_000;
    const to = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
    const from = to - chunks * HOUR;
    const job: JobSpec = {
        logGroupNames: ["/bench/checkpoint"], fromArg: String(from), toArg: String(to), from, to, chunk: "1h", chunkMs: HOUR,
        bucket: "b", prefix: `p${chunks}`, region: "us-east-1",
    };
    const s = state.newState(jobKey(job), job, planChunks(job.logGroupNames, from, to, HOUR));
    const file = path.join(dir, `state-${chunks}-${Math.random().toString(36).slice(2)}.json`);
    let bytes = 0;
    const w = fs.writeFileSync;
    const ap = fs.appendFileSync;
    // The module object itself (an `import *` namespace has only getters); every importer sees the patch.
    const patched = require("fs") as Record<string, unknown>;
    const size = (d: unknown): number => (typeof d === "string" ? Buffer.byteLength(d) : (d as Buffer).length);
    patched.writeFileSync = (f: string, d: string, o?: fs.WriteFileOptions) => { if (f.startsWith(file)) { bytes += size(d); } return w(f, d, o); };
    patched.appendFileSync = (f: string, d: string, o?: fs.WriteFileOptions) => { if (f.startsWith(file)) { bytes += size(d); } return ap(f, d, o); };
    const start = Date.now();
    try {
        const r = await loop({
            api: new InstantAws(), state: s, save: x => state.saveState(file, x), queueKey: `checkpoint-${file}`,
            timing: { pollMinMs: 0 },
        } as Parameters<Loop>[0]);
        if (r.created !== chunks) {
            throw new Error(`${r.created} tasks created for ${chunks} chunks`);
        }
    } finally {
        patched.writeFileSync = w;
        patched.appendFileSync = ap;
    }
    return { bytes, ms: Date.now() - start };
}

function list(flag: string, d: number[]): number[] {
    const i = process.argv.indexOf(flag);
    return i < 0 ? d : process.argv[i + 1].split(",").map(Number);
}

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-checkpoint-"));
    const rows: Record<string, string | number>[] = [];
    try {
        const i = process.argv.indexOf("--before");
        if (i >= 0) {
            const before = path.resolve(process.argv[i + 1]);
            const loop = (require(path.join(before, "cli", "export", "backfill")) as { runBackfill: Loop }).runBackfill;
            const state = require(path.join(before, "cli", "export", "state")) as StateModule;
            for (const n of list("--before-chunks", [250, 500, 1000])) {
                const r = await bytesFor(n, loop, state, dir);
                rows.push({ run: `before (${before})`, chunks: n, "bytes written": r.bytes, "bytes per chunk": Math.round(r.bytes / n), "loop s": (r.ms / 1000).toFixed(1) });
                console.error(JSON.stringify(rows[rows.length - 1]));
            }
        }
        for (const n of list("--chunks", [1000, 2000, 10_000])) {
            const r = await bytesFor(n, runBackfillNow, { newState: newStateNow, saveState: saveStateNow }, dir);
            rows.push({ run: "cli", chunks: n, "bytes written": r.bytes, "bytes per chunk": Math.round(r.bytes / n), "loop s": (r.ms / 1000).toFixed(1) });
            console.error(JSON.stringify(rows[rows.length - 1]));
        }
        console.table(rows);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch(e => {
    console.error(e);
    process.exit(1);
});
