/**
 * The adoption bound of a backfill (issue 14, "Adoption that scales"): each chunk's first attempt is
 * checkpointed before its CreateExportTask, and a rerun reads the account's COMPLETED tasks (newest
 * first, 50 a page, as AWS lists them) no further back than that, instead of back to the end of the
 * chunk's range. In-memory AWS: tasks complete at once.
 */
import * as assert from "assert";
import { adoptionBound, runBackfill } from "../../cli/export/backfill";
import { planChunks } from "../../cli/export/plan";
import { BackfillState, ChunkState, newState } from "../../cli/export/state";
import { awsTo, ExportApi, ExportRequest, ExportStatus, ExportTaskInfo, ExportTaskPage, forgetDurations, forgetTaskIndexes } from "../../dynamic-providers/engine";

const H = 3_600_000;
const DAY = 24 * H;

/** Finished tasks listed newest first, 50 a page; creates complete at once. */
class History implements ExportApi {
    tasks: ExportTaskInfo[] = [];
    completedPages = 0;
    creates: { request: ExportRequest; at: number; savesBefore: number }[] = [];
    savesSoFar = (): number => 0;
    async createExportTask(r: ExportRequest): Promise<string> {
        const at = Date.now();
        this.creates.push({ request: r, at, savesBefore: this.savesSoFar() });
        const taskId = `new-${this.creates.length}`;
        this.tasks.push({ ...r, to: awsTo(r.to), taskId, statusCode: "COMPLETED", creationTime: at, completionTime: at });
        return taskId;
    }
    async describeExportTasks(q: { taskId?: string; statusCode?: ExportStatus; nextToken?: string }): Promise<ExportTaskPage> {
        if (q.statusCode === "COMPLETED") {
            this.completedPages++;
        }
        const all = this.tasks.filter(t => (q.taskId === undefined || t.taskId === q.taskId) && (q.statusCode === undefined || t.statusCode === q.statusCode))
            .sort((a, b) => (b.creationTime ?? 0) - (a.creationTime ?? 0));
        const start = Number(q.nextToken ?? "0");
        return { tasks: all.slice(start, start + 50), nextToken: start + 50 < all.length ? String(start + 50) : undefined };
    }
    async cancelExportTask(): Promise<void> {
        throw new Error("not used");
    }
}

function backfill(now: number): BackfillState {
    const from = Math.floor(now / DAY) * DAY - 10 * DAY;
    const job = {
        logGroupNames: ["/g"], fromArg: String(from), toArg: String(from + 2 * DAY), from, to: from + 2 * DAY, chunk: "1d", chunkMs: DAY,
        bucket: "b", prefix: "p", region: "us-east-1",
    };
    return newState("k", job, planChunks(job.logGroupNames, job.from, job.to, DAY));
}

describe("backfill: the adoption bound is the chunk's first attempt recorded in the checkpoint", () => {
    beforeEach(() => {
        forgetDurations();
        forgetTaskIndexes();
    });

    it("is the recorded first attempt, or the end of the chunk's range when there is none (or it is earlier)", () => {
        const c = { to: 1000, firstAttemptAt: 5000 } as ChunkState;
        assert.strictEqual(adoptionBound(c), 5000);
        assert.strictEqual(adoptionBound({ ...c, firstAttemptAt: undefined }), 1000);
        assert.strictEqual(adoptionBound({ ...c, firstAttemptAt: 500 }), 1000);
    });

    it("each chunk's first attempt is checkpointed before its CreateExportTask is sent", async () => {
        const api = new History();
        const state = backfill(Date.now());
        const saved: ChunkState[][] = [];
        api.savesSoFar = () => saved.length;
        const result = await runBackfill({ api, state, queueKey: `bound-${Math.random()}`, save: s => saved.push(s.chunks.map(c => ({ ...c }))) });
        assert.strictEqual(result.created, 2);
        for (const [i, create] of api.creates.entries()) {
            const before = saved.slice(0, create.savesBefore).find(s => s[i].firstAttemptAt !== undefined);
            assert.ok(before !== undefined, `chunk ${i}: a save with its first attempt before its create`);
            assert.ok((before[i].firstAttemptAt as number) <= create.at, `chunk ${i}: recorded at or before its create`);
        }
        assert.ok(state.chunks.every(c => c.firstAttemptAt !== undefined));
    });

    it("a rerun after a crash reads back only to the first attempt, among 2,000 newer-than-the-range tasks, and adopts", async () => {
        const api = new History();
        const now = Date.now();
        const state = backfill(now);
        const attempt = now - 2 * H;
        for (const c of state.chunks) {
            c.firstAttemptAt = attempt;
        }
        // 2,000 tasks of other exports created after the chunks' ranges ended, before the first attempt.
        for (let i = 0; i < 2000; i++) {
            const at = attempt - 2 * H - i * 60_000;
            api.tasks.push({ taskId: `old-${i}`, taskName: `other-${i}`, logGroupName: "/g", from: 0, to: 1, destination: "b", destinationPrefix: "o",
                statusCode: "COMPLETED", creationTime: at, completionTime: at + 1000 });
        }
        // The crashed run's task of the first chunk: created after its first attempt, never checkpointed.
        const first = state.chunks[0];
        api.tasks.push({ taskId: "crashed", taskName: first.taskName, logGroupName: first.logGroupName, from: first.from, to: awsTo(first.to),
            destination: "b", destinationPrefix: "p", statusCode: "COMPLETED", creationTime: attempt + 1000, completionTime: attempt + 2000 });
        const result = await runBackfill({ api, state, queueKey: `bound-${Math.random()}`, save: () => undefined });
        assert.deepStrictEqual([result.adopted, result.created], [1, 1]);
        assert.strictEqual(api.creates.filter(c => c.request.taskName === first.taskName).length, 0, "the crashed run's chunk is not exported twice");
        assert.strictEqual(state.chunks[0].taskId, "crashed");
        // Without the recorded attempt the bound is the range end, 8 days back: all 41 pages.
        assert.ok(api.completedPages <= 4, `${api.completedPages} pages of COMPLETED tasks read`);
    });
});
