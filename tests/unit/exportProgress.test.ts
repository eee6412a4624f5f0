/**
 * The backfill's progress display: bars per log group, the active task, elapsed time and an
 * estimate, redrawn in place on a terminal and as plain lines elsewhere.
 */
import * as assert from "assert";
import { planChunks } from "../../cli/export/plan";
import { pickGroups, Progress } from "../../cli/export/progress";
import { newState } from "../../cli/export/state";

const H = 3_600_000;
const FROM = Date.parse("2026-11-01T00:00:00Z");

function setup(tty: boolean): { progress: Progress; out: string[]; clock: { t: number }; state: ReturnType<typeof newState> } {
    const state = newState("k", {
        logGroupNames: ["/app/web", "/app/api"], fromArg: "x", toArg: "y", from: FROM, to: FROM + 2 * H, chunk: "hour", chunkMs: H,
        bucket: "b-1", prefix: "p", region: "us-east-1",
    }, planChunks(["/app/web", "/app/api"], FROM, FROM + 2 * H, H));
    const out: string[] = [];
    const clock = { t: 0 };
    const progress = new Progress(state, { write: t => out.push(t), tty, columns: 120, now: () => clock.t });
    return { progress, out, clock, state };
}

describe("export progress display", () => {
    it("on a terminal: one bar per log group, the active task with its status, elapsed and an estimate, redrawn in place", () => {
        const { progress, out, clock, state } = setup(true);
        const c = state.chunks[0];
        progress.onEvent({ kind: "start", chunk: c, adopting: false });
        c.taskId = "task-1";
        progress.onEvent({ kind: "engine", chunk: c, event: { kind: "created", taskId: "task-1" } });
        progress.onEvent({ kind: "engine", chunk: c, event: { kind: "status", taskId: "task-1", statusCode: "RUNNING" } });
        assert.deepStrictEqual(progress.block(), [
            "  /app/web [....................] 0/2",
            "  /app/api [....................] 0/2",
            "  task task-1 RUNNING (/app/web 2026-11-01T00:00:00Z); elapsed 0.0s",
        ]);
        clock.t = 30_000;
        c.status = "completed";
        progress.onEvent({ kind: "done", chunk: c, wallMs: 30_000 });
        assert.deepStrictEqual(progress.block(), [
            "  /app/web [##########..........] 1/2",
            "  /app/api [....................] 0/2",
            "  elapsed 30s, about 1m30s left",
        ]);
        const written = out.join("");
        assert.ok(written.includes("\x1b[3A\x1b[0J"), "moves up over the previous block and clears it");
        assert.match(written, /\[1\/4\] \/app\/web 2026-11-01T00:00:00Z\.\.2026-11-01T01:00:00Z completed \(task task-1, 30s\)/);
        progress.finish();
        assert.ok(out[out.length - 1].startsWith("\x1b[3A"), "finish() clears the block before the summary");
    });

    it("elsewhere: plain lines, no escape codes, one per task started, finished or waited for", () => {
        const { progress, out, state } = setup(false);
        const c = state.chunks[2];
        progress.onEvent({ kind: "start", chunk: c, adopting: false });
        progress.onEvent({ kind: "engine", chunk: c, event: { kind: "waiting-for-slot", holderTaskId: "other", delayMs: 1000 } });
        progress.onEvent({ kind: "engine", chunk: c, event: { kind: "waiting-for-slot", holderTaskId: "other", delayMs: 2000 } });
        progress.onEvent({ kind: "engine", chunk: c, event: { kind: "created", taskId: "t-3" } });
        c.taskId = "t-3";
        c.status = "failed";
        c.message = "export task FAILED: boom";
        progress.onEvent({ kind: "done", chunk: c, wallMs: 500 });
        progress.finish();
        assert.deepStrictEqual(out, [
            "waiting: task other holds the account's one active export slot; checking again with backoff\n",
            "started task t-3: /app/api 2026-11-01T00:00:00Z..2026-11-01T01:00:00Z\n",
            "[0/4] /app/api 2026-11-01T00:00:00Z..2026-11-01T01:00:00Z FAILED (task t-3, 0.5s); elapsed 0.0s, about 0.0s left\n    export task FAILED: boom\n",
        ]);
    });

    it("keeps within the terminal's height: 25 groups under 15 rows show the active group and sum up the rest in one row", () => {
        const groups = Array.from({ length: 25 }, (_, i) => `/svc/g${String(i).padStart(2, "0")}`);
        const state = newState("k", {
            logGroupNames: groups, fromArg: "x", toArg: "y", from: FROM, to: FROM + 2 * H, chunk: "hour", chunkMs: H,
            bucket: "b-1", prefix: "p", region: "us-east-1",
        }, planChunks(groups, FROM, FROM + 2 * H, H));
        const out: string[] = [];
        const progress = new Progress(state, { write: t => out.push(t), tty: true, columns: 100, rows: 15, now: () => 0 });
        // g00 complete, g03 has a failure, g20 half done and active.
        state.chunks.filter(c => c.logGroupName === "/svc/g00").forEach(c => { c.status = "completed"; });
        state.chunks.find(c => c.logGroupName === "/svc/g03")!.status = "failed";
        const g20 = state.chunks.filter(c => c.logGroupName === "/svc/g20");
        g20[0].status = "completed";
        progress.onEvent({ kind: "start", chunk: g20[1], adopting: false });
        const block = progress.block();
        assert.strictEqual(block.length, 14, "rows - 1 lines");
        assert.ok(block.every(l => l.length <= 99));
        const bars = block.slice(0, 12);
        assert.ok(bars.some(l => l.startsWith("  /svc/g20 [##########..........] 1/2")), "the active group keeps its bar");
        assert.ok(bars.some(l => l.startsWith("  /svc/g03 [....................] 0/2 (1 failed)")), "a failing group keeps its bar");
        assert.ok(!bars.some(l => l.includes("/svc/g00")), "a complete group is summed up");
        assert.strictEqual(block[12], "  + 13 more log groups: 1 complete, 2/26 chunks done");
        assert.match(block[13], /^ {2}starting \(\/svc\/g20 2026-11-01T01:00:00Z\); elapsed/);
        progress.finish();

        const roomy = new Progress(state, { write: () => undefined, tty: true, columns: 100, rows: 40, now: () => 0 });
        assert.strictEqual(roomy.block().length, 26, "one bar per group when they fit");
        roomy.finish();
        const tiny = new Progress(state, { write: () => undefined, tty: true, columns: 100, rows: 2, now: () => 0 });
        assert.strictEqual(tiny.block().length, 3, "never fewer than 3 lines");
        tiny.finish();
    });

    it("print() writes a line above the block (e.g. what Ctrl-C does) and redraws it; after finish() the block stays cleared", () => {
        const { progress, out, state } = setup(true);
        progress.onEvent({ kind: "start", chunk: state.chunks[0], adopting: false });
        out.length = 0;
        progress.print("\nCtrl-C: stopping\n");
        assert.deepStrictEqual(out.slice(0, 2), ["\x1b[3A\x1b[0J", "\nCtrl-C: stopping\n"]);
        assert.strictEqual(out.length, 3, "then the block again");
        progress.finish();
        out.length = 0;
        progress.print("later\n");
        assert.deepStrictEqual(out, ["later\n"]);
    });

    it("picks the active groups first, then failing, then started, then waiting ones, in their own order", () => {
        const g = (name: string, done: number, failed: number, active: boolean): { name: string; total: number; done: number; failed: number; active: boolean } =>
            ({ name, total: 4, done, failed, active });
        const groups = [g("complete", 4, 0, false), g("waiting", 0, 0, false), g("started", 2, 0, false), g("failing", 1, 1, false), g("active", 1, 0, true)];
        assert.deepStrictEqual(pickGroups(groups, 1), [4]);
        assert.deepStrictEqual(pickGroups(groups, 2), [3, 4]);
        assert.deepStrictEqual(pickGroups(groups, 3), [2, 3, 4]);
        assert.deepStrictEqual(pickGroups(groups, 4), [1, 2, 3, 4]);
        assert.deepStrictEqual(pickGroups(groups, 0), []);
    });
});
