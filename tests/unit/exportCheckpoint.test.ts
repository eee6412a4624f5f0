/**
 * The backfill checkpoint's journal (issue 14): a save appends the chunks that changed, so bytes
 * written grow with the changes, not with changes x chunks; a crash at any point leaves a checkpoint
 * that loads as the last complete save (or the one before); version 2 files without a journal load.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planChunks } from "../../cli/export/plan";
import {
    BackfillState, checkpointBytes, compactOnNextSave, jobKey, JobSpec, journalPath, loadState, markChanged, newState, RECOVER, saveState,
} from "../../cli/export/state";

const HOUR = 3600_000;
const FROM = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);

function plan(chunks: number): BackfillState {
    const job: JobSpec = {
        logGroupNames: ["/g"], fromArg: String(FROM), toArg: String(FROM + chunks * HOUR), from: FROM, to: FROM + chunks * HOUR,
        chunk: "1h", chunkMs: HOUR, bucket: "b", prefix: "p", region: "us-east-1",
    };
    return newState(jobKey(job), job, planChunks(job.logGroupNames, job.from, job.to, HOUR));
}

describe("backfill checkpoint: snapshot and journal", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-checkpoint-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a save appends only the chunks marked changed; the checkpoint loads with them", () => {
        const file = path.join(dir, "s.json");
        const state = plan(500);
        saveState(file, state);
        const snapshot = fs.statSync(file).size;
        const before = checkpointBytes.written;
        for (const i of [3, 4, 5]) {
            state.chunks[i].status = "completed";
            state.chunks[i].taskId = `t-${i}`;
            markChanged(state, state.chunks[i]);
            saveState(file, state);
        }
        const appended = checkpointBytes.written - before;
        assert.ok(appended < 1000, `${appended} bytes for 3 changed chunks (the snapshot is ${snapshot})`);
        assert.strictEqual(fs.statSync(file).size, snapshot, "the snapshot is not rewritten");
        const loaded = loadState(file) as BackfillState;
        assert.deepStrictEqual(loaded.chunks.slice(3, 6).map(c => [c.status, c.taskId]), [["completed", "t-3"], ["completed", "t-4"], ["completed", "t-5"]]);
        assert.strictEqual(loaded.chunks[6].status, "pending");
        assert.strictEqual((loaded as unknown as Record<string, unknown>).journalGeneration, undefined);
    });

    it("bytes written over a whole run grow linearly with the chunks (two changes per chunk)", () => {
        const perChunk = (n: number): number => {
            const file = path.join(dir, `run-${n}.json`);
            const state = plan(n);
            const start = checkpointBytes.written;
            saveState(file, state);
            for (const c of state.chunks) {
                c.status = "running";
                c.taskId = "t";
                markChanged(state, c);
                saveState(file, state);
                c.status = "completed";
                markChanged(state, c);
                saveState(file, state);
            }
            compactOnNextSave(state);
            saveState(file, state);
            assert.ok(loadState(file)?.chunks.every(c => c.status === "completed"));
            return (checkpointBytes.written - start) / n;
        };
        const small = perChunk(500);
        const large = perChunk(4000);
        assert.ok(large < small * 1.5, `${small.toFixed(0)} bytes per chunk at 500 chunks, ${large.toFixed(0)} at 4,000`);
    });

    it("a torn last line (a crash mid-append) is ignored; the lines before it are kept", () => {
        const file = path.join(dir, "torn.json");
        const state = plan(10);
        saveState(file, state);
        state.chunks[0].status = "running";
        state.chunks[0].taskId = "t-0";
        markChanged(state, state.chunks[0]);
        saveState(file, state);
        fs.appendFileSync(journalPath(file), '{"i":1,"c":{"status":"comp');
        const loaded = loadState(file) as BackfillState;
        assert.strictEqual(loaded.chunks[0].status, "running");
        assert.strictEqual(loaded.chunks[1].status, "pending");
    });

    it("a journal of an older snapshot (a crash between the new snapshot and the new journal) is ignored", () => {
        const file = path.join(dir, "gen.json");
        const state = plan(10);
        saveState(file, state);
        state.chunks[0].status = "running";
        state.chunks[0].taskId = "t-0";
        markChanged(state, state.chunks[0]);
        saveState(file, state);
        const oldJournal = fs.readFileSync(journalPath(file), "utf8");
        state.chunks[0].status = "completed";
        compactOnNextSave(state);
        saveState(file, state);
        fs.writeFileSync(journalPath(file), oldJournal);
        assert.strictEqual(loadState(file)?.chunks[0].status, "completed", "the snapshot's newer status, not the old journal's");
    });

    it("a damaged line before the last is refused with the recovery advice, naming --state", () => {
        const file = path.join(dir, "bad.json");
        const state = plan(10);
        saveState(file, state);
        fs.appendFileSync(journalPath(file), "garbage\n{}\n");
        assert.throws(() => loadState(file), (e: Error) => e.name === "ValidationError"
            && e.message === `[--state] ${journalPath(file)} line 2 is damaged: ${RECOVER}`);
    });

    it("a version 2 checkpoint without a journal (written before issue 14) loads as before", () => {
        const file = path.join(dir, "v2.json");
        const state = plan(3);
        state.chunks[0].status = "completed";
        state.chunks[0].taskId = "t-0";
        fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
        const loaded = loadState(file) as BackfillState;
        assert.strictEqual(loaded.version, 2);
        assert.deepStrictEqual(loaded.chunks.map(c => c.status), ["completed", "pending", "pending"]);
    });

    it("a save with nothing marked rewrites the snapshot (callers that do not mark stay correct)", () => {
        const file = path.join(dir, "unmarked.json");
        const state = plan(5);
        saveState(file, state);
        state.chunks[2].status = "failed";
        saveState(file, state);
        assert.strictEqual((JSON.parse(fs.readFileSync(file, "utf8")) as BackfillState).chunks[2].status, "failed");
        assert.strictEqual(loadState(file)?.chunks[2].status, "failed");
    });
});
