/**
 * When the engine looks (issue 14): the duration model and the check schedule as pure functions,
 * then a simulation of whole queues on a virtual clock: an account that runs one export task at a
 * time (CloudWatch Logs quotas, "S3ExportTasks"), tasks of 1 minute to 1 hour varying +-50%, created
 * 30 at once (the ExportTask provider) or one after the other (the CLI). It asserts the modelled idle
 * time of the slot and the CloudWatch Logs calls per task; no wall-clock bound.
 */
import * as assert from "assert";
import {
    awsTo, checkWindow, durationSamples, estimateDuration, ExportApi, ExportRequest, ExportStatus, ExportTaskInfo, ExportTaskPage,
    forgetDurations, historyDurations, nextCheckDelay, observedDuration, recordDuration, runExport, DEFAULT_TIMING,
} from "../../dynamic-providers/engine";

/** A deterministic generator (mulberry32): the same durations on every run. */
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

/** Virtual time: sleepers wake in time order; time jumps when every runnable promise has settled. */
class Clock {
    // Starts at the real time: the in-process queue's deadline timer (./queue) runs on the real clock.
    now = Date.now();
    /** Sleeps end this much after they are due, as Node's timers do (never early). */
    constructor(private readonly lateMs = 0) {}
    private timers: { at: number; seq: number; wake: () => void }[] = [];
    private seq = 0;
    sleep = (ms: number): Promise<void> => new Promise(resolve => {
        this.timers.push({ at: this.now + Math.max(0, ms) + this.lateMs, seq: this.seq++, wake: resolve });
    });
    async run<T>(work: Promise<T>): Promise<T> {
        let done = false;
        const out = work.finally(() => { done = true; });
        for (;;) {
            await new Promise(r => setImmediate(r));
            if (done) {
                return out;
            }
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const next = this.timers.shift();
            if (next === undefined) {
                return out;
            }
            this.now = Math.max(this.now, next.at);
            next.wake();
        }
    }
}

interface SimTask extends ExportTaskInfo {
    durationMs: number;
    createdAt: number;
}

/** One account: one active task, creationTime and completionTime listed as AWS lists them. */
class SimAws implements ExportApi {
    tasks: SimTask[] = [];
    calls = { create: 0, describe: 0, limit: 0 };
    /** Calls made up to the second task's creation: the first task, run before any duration is known. */
    firstTaskCalls?: number;
    /** `latencyMs`: each call reaches AWS that long after it is made (the state is read on arrival). */
    constructor(private readonly clock: Clock, private readonly duration: (name: string) => number, private readonly latencyMs = 0) {}
    private async arrive(): Promise<void> {
        if (this.latencyMs > 0) {
            await this.clock.sleep(this.latencyMs);
        }
    }
    private status(t: SimTask): ExportStatus {
        return this.clock.now < t.createdAt + t.durationMs ? "RUNNING" : "COMPLETED";
    }
    view(t: SimTask): ExportTaskInfo {
        const statusCode = this.status(t);
        return {
            taskId: t.taskId, taskName: t.taskName, logGroupName: t.logGroupName, from: t.from, to: t.to, destination: t.destination,
            destinationPrefix: t.destinationPrefix, statusCode, creationTime: t.createdAt,
            ...(statusCode === "COMPLETED" ? { completionTime: t.createdAt + t.durationMs } : {}),
        };
    }
    add(r: ExportRequest, durationMs: number, createdAt = this.clock.now): SimTask {
        const t: SimTask = { ...r, to: awsTo(r.to), taskId: `t-${this.tasks.length + 1}`, durationMs, createdAt };
        this.tasks.push(t);
        return t;
    }
    async createExportTask(r: ExportRequest): Promise<string> {
        this.calls.create++;
        await this.arrive();
        if (this.tasks.some(t => this.status(t) === "RUNNING")) {
            this.calls.limit++;
            throw Object.assign(new Error("Resource limit exceeded."), { name: "LimitExceededException" });
        }
        if (this.tasks.length === 1) {
            this.firstTaskCalls = this.calls.create + this.calls.describe - 1;
        }
        return this.add(r, this.duration(r.taskName)).taskId;
    }
    async describeExportTasks(q: { taskId?: string; statusCode?: ExportStatus; nextToken?: string }): Promise<ExportTaskPage> {
        this.calls.describe++;
        await this.arrive();
        const all = this.tasks.map(t => this.view(t)).filter(t => (q.taskId === undefined || t.taskId === q.taskId)
            && (q.statusCode === undefined || t.statusCode === q.statusCode));
        const start = Number(q.nextToken ?? "0");
        return { tasks: all.slice(start, start + 50), nextToken: start + 50 < all.length ? String(start + 50) : undefined };
    }
    async cancelExportTask(): Promise<void> {
        throw new Error("not used");
    }
    /** Idle time of the slot between the end of each task and the creation of the next. */
    idle(): number[] {
        const sorted = [...this.tasks].sort((a, b) => a.createdAt - b.createdAt);
        return sorted.slice(1).map((t, i) => t.createdAt - (sorted[i].createdAt + sorted[i].durationMs));
    }
}

const request = (i: number): ExportRequest => ({
    taskName: `sim-${i}`, logGroupName: "/sim", from: 1_700_000_000_000 + i * 3600_000, to: 1_700_000_000_000 + (i + 1) * 3600_000,
    destination: "b", destinationPrefix: "exportedlogs",
});

interface Outcome {
    idleOverHolds: number;
    maxIdleOverMean: number;
    callsPerTask: number;
    /** Calls per task once the first task has finished and the model knows a duration. */
    learnedCallsPerTask: number;
    firstTaskCalls: number;
}

export async function simulate(meanMs: number, spread: number, mode: "together" | "one-by-one", seed = 14, tasks = 30, latencyMs = 0): Promise<Outcome> {
    // With latency, timers are late too (by a fiftieth of it), as on a real machine.
    const clock = new Clock(latencyMs / 50);
    const random = seeded(seed);
    const durations = new Map<string, number>();
    const aws = new SimAws(clock, name => {
        const d = Math.round(meanMs * (1 - spread + 2 * spread * random()));
        durations.set(name, d);
        return d;
    }, latencyMs);
    const key = `sim-${meanMs}-${spread}-${mode}-${seed}-${latencyMs}`;
    forgetDurations(key);
    const options = {
        deadline: clock.now + 20 * 86_400_000, queueKey: key, now: () => clock.now, sleep: clock.sleep, random: () => 0.5,
    };
    if (mode === "together") {
        await clock.run(Promise.all(Array.from({ length: tasks }, (_, i) => runExport(aws, request(i), options))));
    } else {
        await clock.run((async () => {
            for (let i = 0; i < tasks; i++) {
                await runExport(aws, request(i), options);
            }
        })());
    }
    const idle = aws.idle();
    const holds = [...durations.values()].reduce((a, b) => a + b, 0);
    return {
        idleOverHolds: idle.reduce((a, b) => a + b, 0) / holds,
        maxIdleOverMean: Math.max(...idle) / meanMs,
        callsPerTask: (aws.calls.create + aws.calls.describe) / tasks,
        learnedCallsPerTask: (aws.calls.create + aws.calls.describe - (aws.firstTaskCalls ?? 0)) / (tasks - 1),
        firstTaskCalls: aws.firstTaskCalls ?? 0,
    };
}

describe("engine timing: the duration model and the check schedule (pure)", () => {
    it("estimates the likely end from the range of durations seen, widened by the expected gap to the true extremes", () => {
        assert.strictEqual(estimateDuration([]), undefined);
        assert.deepStrictEqual(estimateDuration([60_000]), { lowMs: 30_000, highMs: 90_000, meanMs: 60_000, samples: 1 });
        const e = estimateDuration([50, 100, 150]);
        assert.deepStrictEqual(e, { lowMs: 0, highMs: 200, meanMs: 100, samples: 3 });
        const tight = estimateDuration(Array.from({ length: 11 }, (_, i) => 1000 + i * 10));
        assert.deepStrictEqual([tight?.lowMs, tight?.highMs], [990, 1110]);
    });

    it("first check one step past the earliest likely end, then pauses of a fraction of the spread, capped in number", () => {
        const est = { lowMs: 30_000, highMs: 90_000, meanMs: 60_000, samples: 10 };
        assert.strictEqual(nextCheckDelay(0, est, DEFAULT_TIMING), 30_000 + 3_750,
            "nothing to see before the earliest end, and at it a task would have beaten every duration seen: one step (1/16 of the spread) into the window");
        assert.strictEqual(nextCheckDelay(10_000, { lowMs: 500_000, highMs: 500_000, meanMs: 500_000, samples: 9 }, DEFAULT_TIMING), 490_000,
            "durations that do not vary: at the earliest likely end itself, where the task ends");
        assert.strictEqual(nextCheckDelay(30_000, est, DEFAULT_TIMING), 60_000 * 0.0625, "1/16 of the 60 s spread (the ceiling of 16 checks)");
        assert.strictEqual(nextCheckDelay(30_000, est, { ...DEFAULT_TIMING, spreadFraction: 0.1 }), 6_000, "spreadFraction of the spread");
        assert.strictEqual(nextCheckDelay(30_000, est, { ...DEFAULT_TIMING, spreadFraction: 0.01, maxChecks: 12 }), 5_000, "at most 12 checks across the window");
        assert.strictEqual(nextCheckDelay(3_000_000, { lowMs: 1_800_000, highMs: 5_400_000, meanMs: 3_600_000, samples: 9 }, DEFAULT_TIMING), 225_000,
            "inside the window the step is not capped by pollMaxMs: it is already bounded by the window");
        assert.strictEqual(nextCheckDelay(90_000, est, DEFAULT_TIMING), 3_750, "just past the window: the window's step");
        assert.strictEqual(nextCheckDelay(140_000, est, DEFAULT_TIMING), 10_000, "further past it: 20% of the overrun, a number of checks logarithmic in it");
        assert.strictEqual(nextCheckDelay(200_000, est, DEFAULT_TIMING), 30_000, "more than the mean past the window: the model does not know this task, the fallback");
        assert.strictEqual(nextCheckDelay(1_000, { lowMs: 0, highMs: 0, meanMs: 0, samples: 4 }, DEFAULT_TIMING), 250,
            "a model of tasks that took no time (an emulator) and a task that does: the fallback, floored by pollMinMs");
        assert.strictEqual(nextCheckDelay(30_000, { ...est, highMs: 30_000 }, DEFAULT_TIMING), 150,
            "durations that do not vary: the window still reaches 4% of the mean past the earliest end, checked at 1/16 of it");
        assert.strictEqual(nextCheckDelay(700, { lowMs: 500, highMs: 1500, meanMs: 1000, samples: 9 }, DEFAULT_TIMING), 63,
            "a short task (a benchmark's scaled-down one): inside the window the pause is not floored by pollMinMs (250 ms), the schedule scales");
        assert.strictEqual(nextCheckDelay(0, { lowMs: 0, highMs: 2, meanMs: 1, samples: 3 }, DEFAULT_TIMING), 5, "tasks that take almost no time: checkMinMs, not a spin");
        assert.strictEqual(nextCheckDelay(3_600_000, est, DEFAULT_TIMING), 30_000, "never more than pollMaxMs once the model was wrong");
        assert.strictEqual(nextCheckDelay(520, { lowMs: 500, highMs: 500, meanMs: 500, samples: 9 }, DEFAULT_TIMING), 5,
            "a short task a little late: the window's step (floored by checkMinMs), not the 250 ms of pollMinMs");
        assert.strictEqual(nextCheckDelay(100, undefined, DEFAULT_TIMING), 250, "no model: at least pollMinMs");
        assert.deepStrictEqual(checkWindow({ lowMs: 500, highMs: 500, meanMs: 500, samples: 9 }), { lowMs: 500, highMs: 520 },
            "the window the checks (and the by-index decision) use: at least 4% of the mean wide");
        assert.deepStrictEqual(checkWindow(est), { lowMs: 30_000, highMs: 90_000 }, "a wide window as estimated");
        assert.strictEqual(nextCheckDelay(5_000, undefined, DEFAULT_TIMING, 0.1), 500, "a holder with no model: a tenth of its age");
    });

    it("a duration is AWS's completionTime - creationTime, else the middle of the last active and first finished checks", () => {
        assert.strictEqual(observedDuration({ creationTime: 1000, completionTime: 4000 }, {}), 3000);
        assert.strictEqual(observedDuration({}, { createdAt: 0, lastActiveAt: 2000, firstDoneAt: 3000 }), 2500);
        assert.strictEqual(observedDuration({}, {}), undefined);
    });

    it("the model is per queue key, on globalThis (shared by every engine copy of a process), and keeps recent samples", () => {
        forgetDurations("k1");
        for (let i = 0; i < 40; i++) {
            recordDuration("k1", i);
        }
        recordDuration("k1", Number.NaN);
        assert.strictEqual(durationSamples("k1").length, 32);
        assert.strictEqual(durationSamples("k1")[0], 8);
        assert.deepStrictEqual(durationSamples("k2-never"), []);
        assert.strictEqual((globalThis as unknown as Record<string, Map<string, number[]>>).__cwlogsExportEngineDurations.get("k1")?.length, 32);
    });
});

describe("engine timing: simulated queues (virtual clock, one active task per account)", function () {
    this.timeout(60_000);
    for (const meanMs of [60_000, 600_000, 3_600_000]) {
        for (const mode of ["together", "one-by-one"] as const) {
            it(`${meanMs / 60_000} min tasks, constant, ${mode}: idle <= 1% of the holds, about 2 calls per task once a duration is known`, async () => {
                const o = await simulate(meanMs, 0, mode);
                assert.ok(o.idleOverHolds <= 0.01, `idle ${(o.idleOverHolds * 100).toFixed(2)}% of the holds`);
                // One CreateExportTask, one check at the modelled end that also serves as the next lookup
                // (the second task, with one duration known, assumes +-50% and checks a few more times).
                assert.ok(o.learnedCallsPerTask <= 2.3, `${o.learnedCallsPerTask.toFixed(2)} calls per task`);
                // The first task, with no model: pauses of 20% of the time waited, from pollMinMs (0.25 s,
                // about 26 pauses to grow to 30 s) up to pollMaxMs (30 s).
                assert.ok(o.firstTaskCalls <= 32 + meanMs / 30_000, `${o.firstTaskCalls} calls for the first task`);
            });
            it(`${meanMs / 60_000} min tasks, +-50%, ${mode}: idle <= 5% of the holds (the first task's included), <= 12 calls per task`, async () => {
                const o = await simulate(meanMs, 0.5, mode);
                assert.ok(o.idleOverHolds <= 0.05, `idle ${(o.idleOverHolds * 100).toFixed(2)}% of the holds`);
                assert.ok(o.maxIdleOverMean <= 0.2, `longest idle ${(o.maxIdleOverMean * 100).toFixed(1)}% of the mean`);
                assert.ok(o.learnedCallsPerTask <= 12, `${o.learnedCallsPerTask.toFixed(2)} calls per task`);
            });
        }
    }

    it("constant 10 min tasks, calls reaching AWS 50 ms after they are made, timers 1 ms late: the check after the modelled end reads the index and stands for the next lookup", async () => {
        // With durations that do not vary the window is as narrow as the schedule allows
        // (minWidthFraction); a check a timer's lateness past the earliest likely end must still
        // count as inside it, else it is a describe by id and the next create needs a lookup of its
        // own (3 calls per task). The second task, with one duration known, assumes +-50% and checks
        // a few more times, as in the cases above.
        for (const mode of ["one-by-one", "together"] as const) {
            const o = await simulate(600_000, 0, mode, 14, 30, 50);
            assert.ok(o.learnedCallsPerTask <= 2.3, `${mode}: ${o.learnedCallsPerTask.toFixed(2)} calls per task`);
            assert.ok(o.idleOverHolds <= 0.01, `${mode}: idle ${(o.idleOverHolds * 100).toFixed(2)}% of the holds`);
        }
    });

    it("the first task of a process in an account with history: checked by a model of the account's recent exports", async () => {
        const clock = new Clock();
        const aws = new SimAws(clock, () => 600_000);
        const key = "sim-history";
        forgetDurations(key);
        for (let i = 0; i < 12; i++) {
            aws.add({ ...request(100 + i), taskName: `earlier-${i}` }, 600_000, clock.now - (13 - i) * 700_000);
        }
        // More recent exports of another job (another prefix), far shorter: not taken for ours.
        for (let i = 0; i < 3; i++) {
            aws.add({ ...request(200 + i), taskName: `other-job-${i}`, destinationPrefix: "elsewhere" }, 5_000, clock.now - 60_000 + i * 10_000);
        }
        const calls = { ...aws.calls };
        await clock.run(runExport(aws, request(0), { deadline: clock.now + 3600_000, queueKey: key, now: () => clock.now, sleep: clock.sleep, random: () => 0.5 }));
        assert.deepStrictEqual(durationSamples(key).slice(0, 8), Array(8).fill(600_000), "the 8 most recent earlier durations of exports to the same destination");
        // The lookup before the create (RUNNING, then COMPLETED), the create, one check at the modelled
        // end (the old rule: about 30 polls).
        assert.ok(aws.calls.describe + aws.calls.create - calls.describe - calls.create <= 4, JSON.stringify(aws.calls));
        assert.deepStrictEqual(historyDurations([{ creationTime: 5, completionTime: 9 }, { creationTime: 1, completionTime: 2 }, { creationTime: 3 }], 8), [1, 4],
            "oldest first, only tasks listed with both times");
    });

    it("a task not ours holding the slot for 5 s: checked by its creationTime, the slot idle <= 0.5 s after it ends", async () => {
        const clock = new Clock();
        const aws = new SimAws(clock, () => 1000);
        const key = "sim-foreign";
        forgetDurations(key);
        aws.add({ ...request(99), taskName: "someone-else" }, 5000, clock.now - 50);
        await clock.run(runExport(aws, request(0), { deadline: clock.now + 3600_000, queueKey: key, now: () => clock.now, sleep: clock.sleep, random: () => 0.5 }));
        const [foreign, mine] = aws.tasks;
        const idle = mine.createdAt - (foreign.createdAt + foreign.durationMs);
        assert.ok(idle >= 0 && idle <= 500, `idle ${idle} ms after the foreign task ended`);
        // Pauses of 8% of its age, floored at pollMinMs (250 ms) while it is young.
        assert.ok(aws.calls.describe <= 30, `${aws.calls.describe} describes while waiting 5 s`);
    });

    it("a 5 s foreign holder met at any age, calls reaching AWS 30 ms after they are made: idle after it <= 0.5 s every time", async () => {
        // The idle depends on where the holder's end falls between two checks (its phase): the
        // worst case is one pause (holderFraction of its age) plus a call's latency.
        const idles: number[] = [];
        let describes = 0;
        for (let age = 0; age < 4000; age += 173) {
            const clock = new Clock(1);
            const aws = new SimAws(clock, () => 1000, 30);
            const key = `sim-foreign-phase-${age}`;
            forgetDurations(key);
            aws.add({ ...request(99), taskName: "someone-else" }, 5000, clock.now - age);
            await clock.run(runExport(aws, request(0), { deadline: clock.now + 3600_000, queueKey: key, now: () => clock.now, sleep: clock.sleep, random: () => 0.5 }));
            const [foreign, mine] = aws.tasks;
            idles.push(mine.createdAt - (foreign.createdAt + foreign.durationMs));
            describes = Math.max(describes, aws.calls.describe);
        }
        assert.ok(Math.min(...idles) >= 0 && Math.max(...idles) <= 500, `idle after the holder, ms: ${idles.join(" ")}`);
        assert.ok(describes <= 30, `at most ${describes} describes while waiting up to 5 s`);
    });
});
