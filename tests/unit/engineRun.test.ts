/** runExport / cancelExport against an in-memory ExportApi with a virtual clock. */
import * as assert from "assert";
import {
    awsTo, cancelExport, ExportApi, ExportRequest, ExportStatus, ExportTaskInfo, isExportError, lookupNeeds, newTaskIndex, ProgressEvent, runExport, spendLookup,
} from "../../dynamic-providers/engine";

interface FakeTask extends ExportTaskInfo {
    endsAt: number;
    /** Created by another run at this time: not listed, and not holding the slot, before it. */
    createdAt?: number;
    finalStatus: ExportStatus;
    cancelled?: boolean;
}

/** One-active-task AWS in memory; time only moves when the engine sleeps. */
class FakeAws implements ExportApi {
    now = 1_000_000;
    tasks: FakeTask[] = [];
    calls: string[] = [];
    durationMs = 1000;
    constructor(private readonly limit = true) {}
    visible(t: FakeTask): boolean {
        return t.createdAt === undefined || this.now >= t.createdAt;
    }
    status(t: FakeTask): string {
        return t.cancelled ? "CANCELLED" : this.now < t.endsAt ? "RUNNING" : t.finalStatus;
    }
    view(t: FakeTask): ExportTaskInfo {
        return { ...t, statusCode: this.status(t), statusMessage: this.status(t) === "FAILED" ? "PutObject call on the given bucket failed" : undefined };
    }
    add(r: ExportRequest, finalStatus: ExportStatus = "COMPLETED", durationMs = this.durationMs): FakeTask {
        // Stored as AWS lists it: CreateExportTask's inclusive `to`.
        const t: FakeTask = { ...r, to: awsTo(r.to), taskId: `task-${this.tasks.length + 1}`, endsAt: this.now + durationMs, finalStatus };
        this.tasks.push(t);
        return t;
    }
    async createExportTask(r: ExportRequest): Promise<string> {
        this.calls.push("create");
        if (this.limit && this.tasks.some(t => this.visible(t) && this.status(t) === "RUNNING")) {
            throw Object.assign(new Error("Resource limit exceeded."), { name: "LimitExceededException" });
        }
        return this.add(r).taskId;
    }
    async describeExportTasks(q: { taskId?: string; statusCode?: ExportStatus }): Promise<{ tasks: ExportTaskInfo[] }> {
        this.calls.push("describe");
        return { tasks: this.tasks.filter(t => this.visible(t)).map(t => this.view(t)).filter(t => (q.taskId === undefined || t.taskId === q.taskId) && (q.statusCode === undefined || t.statusCode === q.statusCode)) };
    }
    async cancelExportTask(taskId: string): Promise<void> {
        this.calls.push("cancel");
        const t = this.tasks.find(x => x.taskId === taskId);
        if (t) {
            t.cancelled = true;
        }
    }
    options(extra: { deadlineMs?: number; events?: ProgressEvent[] } = {}) {
        return {
            deadline: this.now + (extra.deadlineMs ?? 3600_000),
            now: () => this.now,
            sleep: async (ms: number) => { this.now += ms; },
            random: () => 0.5,
            onProgress: (e: ProgressEvent) => extra.events?.push(e),
            queueKey: `fake-${Math.random()}`,
        };
    }
}

const req = (taskName: string): ExportRequest => ({
    taskName, logGroupName: "/g", from: 1_700_000_000_000, to: 1_700_000_360_000, destination: "b", destinationPrefix: "exportedlogs",
});

describe("runExport (in-memory AWS, virtual clock)", () => {
    it("creates and waits until COMPLETED with few polls", async () => {
        const aws = new FakeAws();
        aws.durationMs = 60_000;
        const start = aws.now;
        const r = await runExport(aws, req("a"), aws.options());
        assert.strictEqual(r.task.statusCode, "COMPLETED");
        assert.strictEqual(r.adopted, false);
        const polls = aws.calls.filter(c => c === "describe").length - 1;
        assert.ok(polls <= 30, `${polls} polls for a 60 s export`);
        assert.ok(aws.now - start - 60_000 <= 0.25 * 60_000, `noticed ${aws.now - start - 60_000} ms late`);
    });

    it("with expectedDurationMs, polls first when the task should be done and skips the COMPLETED lookup when told", async () => {
        const aws = new FakeAws();
        aws.durationMs = 45_000;
        const start = aws.now;
        const r = await runExport(aws, req("predicted"), { ...aws.options(), expectedDurationMs: 45_000, lookupCompleted: false });
        assert.strictEqual(r.task.statusCode, "COMPLETED");
        assert.deepStrictEqual(aws.calls, ["create", "describe"], "one Create, one Describe: no lookup, one poll");
        assert.strictEqual(aws.now - start, 45_010, "the poll lands 10 ms after the expected end");

        const late = new FakeAws();
        late.durationMs = 50_000;
        await runExport(late, req("underestimated"), { ...late.options(), expectedDurationMs: 45_000 });
        assert.strictEqual(late.calls[0], "describe", "the COMPLETED lookup runs by default");
        assert.ok(late.calls.filter(c => c === "describe").length <= 5, `${late.calls.join(",")}: falls back to the usual polling`);
    });

    it("waits with backoff while another task holds the slot, then exports", async () => {
        const aws = new FakeAws();
        aws.add(req("someone-else"), "COMPLETED", 120_000);
        const events: ProgressEvent[] = [];
        const r = await runExport(aws, req("mine"), aws.options({ events }));
        assert.strictEqual(r.task.statusCode, "COMPLETED");
        const waits = events.filter(e => e.kind === "waiting-for-slot").map(e => (e as { delayMs: number }).delayMs);
        assert.ok(waits.length >= 3 && waits.length <= 10, `${waits.length} waits for a 2 minute holder`);
        assert.ok(waits[1] > waits[0] && waits[2] > waits[1], `backoff grows: ${waits.join(", ")}`);
        assert.strictEqual(events.filter(e => e.kind === "created").length, 1);
    });

    it("after waiting out another holder, looks for a COMPLETED task of its export before creating: another run may have exported it meanwhile", async () => {
        const aws = new FakeAws();
        const holder = aws.add(req("someone-else"), "COMPLETED", 3000);
        // Another run's task of the same export, created as the holder ends and finished 200 ms
        // later, while this request still waits out its backoff.
        const theirs = aws.add(req("mine"), "COMPLETED", 3200);
        theirs.createdAt = holder.endsAt;
        const r = await runExport(aws, req("mine"), aws.options());
        assert.deepStrictEqual([r.adopted, r.task.taskId], [true, theirs.taskId]);
        assert.strictEqual(aws.tasks.filter(t => t.taskName === "mine").length, 1, "exported once");
    });

    it("adopts a task of its export that another run has RUNNING at the lookup and that completes before the create reaches AWS", async () => {
        // A COMPLETED-only lookup misses it (running then) and the create, arriving after it ended,
        // meets no LimitExceededException: the range would be exported twice. RUNNING is read first.
        const aws = new FakeAws();
        const theirs = aws.add(req("mine"), "COMPLETED", 50);
        const describe = aws.describeExportTasks.bind(aws);
        aws.describeExportTasks = async q => {
            const r = await describe(q);
            aws.now += 60;
            return r;
        };
        const r = await runExport(aws, req("mine"), aws.options());
        assert.deepStrictEqual([r.adopted, r.task.taskId], [true, theirs.taskId]);
        assert.ok(!aws.calls.includes("create"), aws.calls.join(" "));
    });

    it("next chunk: the status check that sees our task done reads RUNNING first, so another run's task of the next export, RUNNING then and done before our create, is adopted", async () => {
        const aws = new FakeAws();
        const o = aws.options();
        const describe = aws.describeExportTasks.bind(aws);
        let theirs: FakeTask | undefined;
        aws.describeExportTasks = async q => {
            const a = aws.tasks.find(t => t.taskName === "a");
            if (theirs === undefined && a !== undefined && aws.now >= a.endsAt) {
                // The other run saw "a" end first and created "b" at once. It ends 90 ms from now: after
                // this answer and the next call (60 ms each), before the create after them.
                theirs = aws.add(req("b"), "COMPLETED", 90);
                theirs.createdAt = aws.now - 1;
            }
            const r = await describe(q);
            aws.now += 60;
            return r;
        };
        const a = await runExport(aws, req("a"), o);
        assert.strictEqual(a.adopted, false);
        const b = await runExport(aws, req("b"), o);
        assert.deepStrictEqual([b.adopted, b.task.taskId], [true, theirs?.taskId]);
        assert.strictEqual(aws.tasks.filter(t => t.taskName === "b").length, 1, "exported once");
    });

    it("gives up at the deadline with a timeout naming [timeoutMinutes]", async () => {
        const aws = new FakeAws();
        aws.add(req("someone-else"), "COMPLETED", 3600_000);
        await assert.rejects(runExport(aws, req("mine"), aws.options({ deadlineMs: 60_000 })),
            (e: Error) => isExportError(e) && e.reason === "timeout" && /slot \(held by task task-1\).*\[timeoutMinutes\]/.test(e.message));
    });

    it("a deadline reached before the first status check still reports the task's status as AWS lists it (RUNNING, not the PENDING of its create)", async () => {
        const aws = new FakeAws();
        aws.durationMs = 3600_000;
        // The create answers after the deadline (a slow or loaded client): no time is left for a check.
        const create = aws.createExportTask.bind(aws);
        aws.createExportTask = async r => {
            const id = await create(r);
            aws.now += 100;
            return id;
        };
        await assert.rejects(runExport(aws, req("short"), aws.options({ deadlineMs: 50 })), (e: Error) => {
            assert.ok(isExportError(e) && e.reason === "timeout", String(e));
            assert.strictEqual(e.task?.statusCode, "RUNNING");
            assert.match(e.message, /last status RUNNING/);
            return true;
        });
    });

    it("a FAILED task is an ExportError carrying the task and the explanation", async () => {
        const aws = new FakeAws();
        aws.createExportTask = async (r: ExportRequest) => aws.add(r, "FAILED").taskId;
        const o = { ...aws.options(), explain: { bucket: "b", region: "us-east-1", account: "123456789012" } };
        await assert.rejects(runExport(aws, req("f"), o), (e: Error) =>
            isExportError(e) && e.reason === "failed" && e.task?.taskId === "task-1" && /"AllowCloudWatchLogsPutObject"/.test(e.message));
    });

    it("adopts a COMPLETED task of an earlier run without creating", async () => {
        const aws = new FakeAws();
        aws.add(req("again"), "COMPLETED", 0);
        const r = await runExport(aws, req("again"), aws.options());
        assert.strictEqual(r.adopted, true);
        assert.ok(!aws.calls.includes("create"));
    });

    it("looks through every page of finished tasks (no cap) for one to adopt", async () => {
        const aws = new FakeAws();
        for (let i = 0; i < 120; i++) {
            aws.add(req(`old-${i}`), "COMPLETED", 0);
        }
        aws.add(req("deep"), "COMPLETED", 0);
        const all = aws.describeExportTasks.bind(aws);
        aws.describeExportTasks = async (q: { taskId?: string; statusCode?: ExportStatus; nextToken?: string }) => {
            const { tasks } = await all(q);
            const start = Number(q.nextToken ?? "0");
            const next = start + 50 < tasks.length ? String(start + 50) : undefined;
            return { tasks: tasks.slice(start, start + 50), nextToken: next };
        };
        const r = await runExport(aws, req("deep"), aws.options());
        assert.strictEqual(r.adopted, true);
        assert.strictEqual(r.task.taskId, "task-121");
        // The lookup before a create: the account's RUNNING tasks (one page), then every page of COMPLETED.
        assert.strictEqual(aws.calls.filter(c => c === "describe").length, 4, "RUNNING, then three pages of COMPLETED");
    });

    it("does not wait when waitForCompletion is false", async () => {
        const aws = new FakeAws();
        const r = await runExport(aws, req("nowait"), { ...aws.options(), waitForCompletion: false });
        assert.strictEqual(r.task.statusCode, "PENDING");
        assert.deepStrictEqual(aws.calls, ["describe", "describe", "create"], "RUNNING, then COMPLETED, looked up once before the create");
    });

    it("a request queued behind another adopts the task a concurrent run had running at its lookup and finished meanwhile", async () => {
        const aws = new FakeAws();
        const theirs = aws.add(req("b"), "COMPLETED", 5000);
        const o = aws.options();
        const [a, b] = await Promise.all([runExport(aws, req("a"), o), runExport(aws, req("b"), o)]);
        assert.strictEqual(a.adopted, false);
        assert.deepStrictEqual([b.adopted, b.task.taskId], [true, theirs.taskId]);
        assert.strictEqual(aws.tasks.filter(t => t.taskName === "b").length, 1, "no second task of b");
    });

    it("creates of one process and key run one at a time", async () => {
        const aws = new FakeAws();
        aws.durationMs = 0;
        let running = 0;
        let max = 0;
        const slow: ExportApi = {
            createExportTask: async r => { running++; max = Math.max(max, running); await new Promise(x => setTimeout(x, 20)); running--; return aws.createExportTask(r); },
            describeExportTasks: q => aws.describeExportTasks(q),
            cancelExportTask: id => aws.cancelExportTask(id),
        };
        const o = { deadline: Date.now() + 10_000, queueKey: "same-account", timing: { pollMinMs: 1 } };
        await Promise.all([1, 2, 3].map(i => runExport(slow, req(`q${i}`), o)));
        assert.strictEqual(max, 1);
    });
});

describe("runExport: CreateExportTask's other errors, and tasks that vanish (issue 10 item 9)", () => {
    const aborted = (): Error => Object.assign(new Error("Multiple concurrent requests to update the same resource were in conflict."),
        { name: "OperationAbortedException", $metadata: { httpStatusCode: 400 } });
    const exists = (): Error => Object.assign(new Error("The specified resource already exists."),
        { name: "ResourceAlreadyExistsException", $metadata: { httpStatusCode: 400 } });

    it("retries OperationAbortedException (nothing was created) and creates once", async () => {
        const aws = new FakeAws();
        const create = aws.createExportTask.bind(aws);
        let refused = 0;
        aws.createExportTask = async r => {
            if (refused++ < 2) {
                aws.calls.push("create");
                throw aborted();
            }
            return create(r);
        };
        const events: ProgressEvent[] = [];
        const r = await runExport(aws, req("aborted"), aws.options({ events }));
        assert.strictEqual(r.task.statusCode, "COMPLETED");
        assert.strictEqual(r.adopted, false);
        assert.strictEqual(aws.tasks.length, 1);
        assert.deepStrictEqual(events.filter(e => e.kind === "retry").map(e => e.kind === "retry" && e.error),
            ["OperationAbortedException: Multiple concurrent requests to update the same resource were in conflict.", "OperationAbortedException: " +
            "Multiple concurrent requests to update the same resource were in conflict."]);
    });

    it("on ResourceAlreadyExistsException adopts the same export another run created under that name", async () => {
        const aws = new FakeAws();
        aws.createExportTask = async r => {
            aws.calls.push("create");
            aws.add(r, "COMPLETED", 5000); // a concurrent run won the race
            throw exists();
        };
        const r = await runExport(aws, req("raced"), aws.options());
        assert.strictEqual(r.adopted, true);
        assert.strictEqual(r.task.taskId, "task-1");
        assert.strictEqual(r.task.statusCode, "COMPLETED");
        assert.strictEqual(aws.tasks.length, 1);
    });

    it("on ResourceAlreadyExistsException for a FAILED task or another export of that name, refuses naming the task", async () => {
        const refusal = "CreateExportTask refused: ResourceAlreadyExistsException: The specified resource already exists. (no task \"taken\" of this export " +
            "is active or COMPLETED: rename it)";
        const aws = new FakeAws();
        aws.add(req("taken"), "FAILED", 0);
        aws.createExportTask = async () => { aws.calls.push("create"); throw exists(); };
        await assert.rejects(runExport(aws, req("taken"), aws.options()), (e: Error) => {
            assert.ok(isExportError(e) && e.reason === "rejected");
            assert.strictEqual(e.message, refusal);
            return true;
        });
        const other = new FakeAws();
        other.add({ ...req("taken"), from: 1_600_000_000_000 }, "COMPLETED", 0);
        other.createExportTask = async () => { throw exists(); };
        await assert.rejects(runExport(other, req("taken"), other.options()), { message: refusal });
        assert.strictEqual(other.tasks.length, 1, "nothing created under another name");
    });

    it("a task AWS stops listing ends after 5 polls with an error naming it, instead of waiting for the deadline", async () => {
        const aws = new FakeAws();
        aws.durationMs = 3600_000;
        const all = aws.describeExportTasks.bind(aws);
        aws.describeExportTasks = async q => ({ tasks: (await all(q)).tasks.filter(t => t.taskId !== "task-1") });
        const start = aws.now;
        await assert.rejects(runExport(aws, req("gone"), aws.options({ deadlineMs: 7 * 86_400_000 })), (e: Error) => {
            assert.ok(isExportError(e) && e.reason === "vanished");
            assert.strictEqual(e.message, "export task task-1 is no longer listed by DescribeExportTasks: check its account and region.");
            assert.strictEqual(e.task?.taskId, "task-1");
            return true;
        });
        assert.ok(aws.now - start < 60_000, `gave up after ${aws.now - start} ms, not at the 7-day deadline`);
    });
});

describe("lookupNeeds: which reads the lookup before a create still needs (pure)", () => {
    const FRESH = 250;
    it("nothing read yet, or a RUNNING read too old or older than our last create: both reads", () => {
        const ix = newTaskIndex();
        assert.strictEqual(lookupNeeds(ix, 10_000, FRESH), "both");
        ix.runningRead = { tasks: [], started: ++ix.events, at: 9_000 };
        ix.readStarted = ++ix.events;
        assert.strictEqual(lookupNeeds(ix, 9_000 + FRESH + 1, FRESH), "both", "too old");
        ix.createSent = ++ix.events;
        assert.strictEqual(lookupNeeds(ix, 9_010, FRESH), "both", "a create was sent after it");
    });
    it("a recent RUNNING read: the index read after it, or nothing when one already started after it and ended", () => {
        const ix = newTaskIndex();
        ix.createSent = ++ix.events;
        ix.readStarted = ++ix.events;
        ix.runningRead = { tasks: [], started: ++ix.events, at: 10_000 };
        assert.strictEqual(lookupNeeds(ix, 10_100, FRESH), "index", "the index read before the RUNNING read does not count");
        ix.readStarted = ++ix.events;
        assert.strictEqual(lookupNeeds(ix, 10_100, FRESH), "none");
        ix.running = Promise.resolve();
        assert.strictEqual(lookupNeeds(ix, 10_100, FRESH), "index", "a read still running");
        ix.running = undefined;
        spendLookup(ix);
        assert.strictEqual(lookupNeeds(ix, 10_100, FRESH), "both", "reads stand for one lookup only");
    });
    it("our last task seen COMPLETED: no read when the create follows its end within the bound (its end: our send time plus its listed run time)", () => {
        const ix = newTaskIndex();
        ix.createSent = ++ix.events;
        ix.lastCreate = { taskId: "t", sentAt: 100_000, event: ix.createSent, doneMs: 60_000 };
        assert.strictEqual(lookupNeeds(ix, 160_000 + FRESH, FRESH), "handoff");
        assert.strictEqual(lookupNeeds(ix, 160_000 + FRESH + 1, FRESH), "both", "later: another task may have run in between");
        ix.lastCreate = { taskId: "t", sentAt: 100_000, event: ix.createSent };
        assert.strictEqual(lookupNeeds(ix, 160_000, FRESH), "both", "not seen COMPLETED yet");
        // Listed shorter than it ran (AWS created it 2 s after we sent the create), but a check sent
        // at 161,900 did not see it COMPLETED: it ended after that.
        ix.lastCreate = { taskId: "t", sentAt: 100_000, event: ix.createSent, doneMs: 60_000, notDoneAt: 161_900 };
        assert.strictEqual(lookupNeeds(ix, 161_900 + FRESH, FRESH), "handoff");
        assert.strictEqual(lookupNeeds(ix, 161_900 + FRESH + 1, FRESH), "both");
        ix.lastCreate = { taskId: "t", sentAt: 100_000, event: ix.createSent, doneMs: 60_000 };
        spendLookup(ix);
        assert.strictEqual(lookupNeeds(ix, 160_000, FRESH), "both", "spent");
        ix.lastCreate = { taskId: "t", sentAt: 100_000, event: ix.createSent, doneMs: 60_000 };
        ix.createSent = ++ix.events;
        assert.strictEqual(lookupNeeds(ix, 160_000, FRESH), "both", "not the last create");
    });
});

describe("cancelExport", () => {
    it("cancels a running task, leaves a finished one, and treats 'already finished' as done", async () => {
        const aws = new FakeAws();
        const t = aws.add(req("c"), "COMPLETED", 10_000);
        assert.strictEqual(await cancelExport(aws, t.taskId, aws.options()), "cancelled");
        const done = aws.add(req("d"), "COMPLETED", 0);
        assert.strictEqual(await cancelExport(aws, done.taskId, aws.options()), "not-running");
        const late = aws.add(req("e"), "COMPLETED", 10_000);
        aws.cancelExportTask = async () => { throw Object.assign(new Error("The specified export task has already finished"), { name: "InvalidOperationException" }); };
        assert.strictEqual(await cancelExport(aws, late.taskId, aws.options()), "already-finished");
        assert.strictEqual(await cancelExport(aws, "nope", aws.options()), "not-found");
    });
});
