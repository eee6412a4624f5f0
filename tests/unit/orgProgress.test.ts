/**
 * The progress block of an export over several accounts on a terminal (cli/export/orgProgress.ts):
 * its layout as a pure function of the accounts' views and the terminal's size, and the class that
 * redraws it with each account's lines printed above it.
 */
import * as assert from "assert";
import { AccountPhase, AccountView, OrgProgress, orgBlock, pickAccounts } from "../../cli/export/orgProgress";
import { planChunks } from "../../cli/export/plan";
import { newState } from "../../cli/export/state";

const H = 3_600_000;
const FROM = Date.parse("2026-11-01T00:00:00Z");

function view(i: number, phase: AccountPhase, done = 0, total = 0, failed = 0, doing?: string): AccountView {
    return { account: String(111_100_000_000 + i), phase, done, total, failed, doing };
}

describe("export progress over several accounts: the block", () => {
    it("shows every account when they fit, then a total line", () => {
        const lines = orgBlock([
            view(1, "running", 3, 6, 0, "task t-4 RUNNING (/app/web 2026-11-01T03:00:00Z)"),
            view(2, "done", 6, 6),
            view(3, "failed"),
            view(4, "waiting"),
            view(5, "starting"),
        ], { rows: 24, columns: 120, timing: "elapsed 12s" });
        assert.deepStrictEqual(lines, [
            "  111100000001 [##########..........] 3/6  task t-4 RUNNING (/app/web 2026-11-01T03:00:00Z)",
            "  111100000002 [####################] 6/6  done",
            "  111100000003 [....................]  FAILED (see above)",
            "  111100000004 [....................]  waiting for its turn",
            "  111100000005 [....................]  starting: role, log groups, checks",
            "  2/5 accounts finished (1 failed), 2 running; 9/12 chunks done; elapsed 12s",
        ]);
    });

    it("keeps within rows - 1 lines with any number of accounts: the active ones keep their rows, the others are summed up", () => {
        const views = Array.from({ length: 40 }, (_, i) => view(i, i % 10 === 3 ? "running" : i < 20 ? "done" : i === 25 ? "failed" : "waiting", 1, 2));
        for (const rows of [3, 4, 8, 15, 40, 41, 42, 100]) {
            const lines = orgBlock(views, { rows, columns: 100, timing: "elapsed 1s" });
            assert.ok(lines.length <= Math.max(3, rows - 1), `${rows} rows: ${lines.length} lines`);
            if (rows - 1 >= 41) {
                assert.strictEqual(lines.length, 41, "all 40 accounts and the total");
                continue;
            }
            const shown = lines.filter(l => /^ {2}\d{12} /.test(l)).map(l => Number(l.slice(2, 14)) - 111_100_000_000);
            assert.strictEqual(shown.length, Math.max(3, rows - 1) - 2);
            const running = [3, 13, 23, 33];
            assert.deepStrictEqual(shown.filter(i => running.includes(i)), running.slice(0, shown.length), `${rows} rows: running accounts first`);
            assert.match(lines[lines.length - 2], /^ {2}\+ \d+ more accounts: /);
            assert.match(lines[lines.length - 1], /^ {2}19\/40 accounts finished \(1 failed\), 4 running; 40\/80 chunks done; elapsed 1s$/);
        }
        assert.deepStrictEqual(orgBlock(views, { rows: 8, columns: 100, timing: "t" }).slice(-2, -1),
            ["  + 35 more accounts: 18 done, 17 waiting, 0 failed"], "then the failed one; the rest counted by phase");
    });

    it("counts hidden running accounts when more run than the block has rows for", () => {
        const views = Array.from({ length: 12 }, (_, i) => view(i, "running", 0, 2, 0, "task x RUNNING"));
        const lines = orgBlock(views, { rows: 6, columns: 100, timing: "t" });
        assert.strictEqual(lines.length, 5);
        assert.deepStrictEqual(lines.slice(3), ["  + 9 more accounts: 9 running, 0 done, 0 waiting, 0 failed", "  0/12 accounts finished, 12 running; 0/24 chunks done; t"]);
    });

    it("has no height limit without rows, and cuts lines to the terminal's width", () => {
        const views = Array.from({ length: 30 }, (_, i) => view(i, "running", 0, 1, 0, `task ${"x".repeat(80)} RUNNING`));
        const lines = orgBlock(views, { columns: 60, timing: "t" });
        assert.strictEqual(lines.length, 31);
        assert.ok(lines.every(l => l.length <= 59), "within columns - 1");
        assert.ok(lines[0].endsWith("…"));
    });

    it("pickAccounts: running, then starting, failed, waiting, done; in their own order", () => {
        const views = [view(0, "done"), view(1, "waiting"), view(2, "failed"), view(3, "starting"), view(4, "running"), view(5, "running")];
        assert.deepStrictEqual(pickAccounts(views, 2), [4, 5]);
        assert.deepStrictEqual(pickAccounts(views, 4), [2, 3, 4, 5]);
        assert.deepStrictEqual(pickAccounts(views, 0), []);
    });
});

describe("export progress over several accounts: the redrawn block", () => {
    it("prints each account's lines above the block, prefixed, and clears the block at the end", () => {
        const out: string[] = [];
        const clock = { t: 0 };
        const org = new OrgProgress(["111122223333", "444455556666"], { write: t => out.push(t), columns: 120, rows: 20, now: () => clock.t });
        try {
            org.starting(0);
            const state = newState("k", {
                logGroupNames: ["/app/web"], fromArg: "x", toArg: "y", from: FROM, to: FROM + 2 * H, chunk: "hour", chunkMs: H,
                bucket: "b-1", prefix: "p", region: "us-east-1",
            }, planChunks(["/app/web"], FROM, FROM + 2 * H, H));
            const sink = org.attach(0, state);
            const c = state.chunks[0];
            sink.onEvent({ kind: "start", chunk: c, adopting: false });
            c.taskId = "t-1";
            sink.onEvent({ kind: "engine", chunk: c, event: { kind: "created", taskId: "t-1" } });
            sink.onEvent({ kind: "engine", chunk: c, event: { kind: "status", taskId: "t-1", statusCode: "RUNNING" } });
            assert.deepStrictEqual(org.block(), [
                "  111122223333 [....................] 0/2  task t-1 RUNNING (/app/web 2026-11-01T00:00:00Z)",
                "  444455556666 [....................]  waiting for its turn",
                "  0/2 accounts finished, 1 running; 0/2 chunks done; elapsed 0.0s",
            ]);
            clock.t = 10_000;
            c.status = "completed";
            sink.onEvent({ kind: "done", chunk: c, wallMs: 10_000 });
            org.print("[444455556666] a note\n");
            const written = out.join("");
            assert.ok(!written.includes("started task"), "no line per task started: the block shows it");
            assert.match(written, /\x1b\[3A\x1b\[0J\[111122223333\] \[1\/2\] \/app\/web 2026-11-01T00:00:00Z\.\.2026-11-01T01:00:00Z completed \(task t-1, 10s\)/);
            assert.match(written, /\x1b\[3A\x1b\[0J\[444455556666\] a note\n {2}111122223333 \[##########\.{10}\] 1\/2/);
            sink.finish();
            org.ended(0, false);
            assert.strictEqual(org.block()[0], "  111122223333 [##########..........] 1/2  done");
        } finally {
            org.finish();
        }
        assert.strictEqual(out[out.length - 1], "\x1b[3A\x1b[0J", "finish() clears the block before the summary");
        org.print("after\n");
        assert.strictEqual(out[out.length - 1], "after\n", "nothing is redrawn after finish()");
    });
});
