/** The export engine's pure decisions, and the ExportTask input rules. */
import * as assert from "assert";
import {
    awsTo, backoffDelay, clampToDeadline, classifyError, decideOnSlot, matchesRequest, DEFAULT_TIMING, explainExportFailure, exportLocation,
    ExportRequest, ExportTaskInfo, isTerminal, pickAdoptable, pollDelay, shouldCancel,
} from "../../dynamic-providers/engine";
import { checkInputs, diffInputs, UNKNOWN } from "../../dynamic-providers/inputs";

const req: ExportRequest = {
    taskName: "t", logGroupName: "/g", from: 1_700_000_000_000, to: 1_700_000_360_000, destination: "b", destinationPrefix: "exportedlogs",
};
/** A task as DescribeExportTasks lists the export `req` describes: `to` inclusive. */
const task = (id: string, statusCode: string, over: Partial<ExportTaskInfo> = {}): ExportTaskInfo => ({
    taskId: id, taskName: req.taskName, logGroupName: req.logGroupName, from: req.from, to: req.to - 1,
    destination: req.destination, destinationPrefix: req.destinationPrefix, statusCode, ...over,
});

describe("engine decisions", () => {
    describe("classifyError", () => {
        const cases: [object, string][] = [
            [{ name: "LimitExceededException", message: "Resource limit exceeded." }, "limit"],
            [{ name: "ThrottlingException", $metadata: { httpStatusCode: 400 } }, "transient"],
            [{ name: "ServiceUnavailableException", $metadata: { httpStatusCode: 503 } }, "transient"],
            [{ name: "Whatever", $metadata: { httpStatusCode: 500 } }, "transient"],
            [{ name: "Error", code: "ECONNRESET", message: "read ECONNRESET" }, "transient"],
            [{ name: "Error", message: "socket hang up" }, "transient"],
            [{ name: "TimeoutError", message: "Connection timed out" }, "transient"],
            [{ name: "InvalidOperationException", message: "The specified export task has already finished" }, "already-finished"],
            [{ name: "ResourceNotFoundException", $metadata: { httpStatusCode: 400 } }, "not-found"],
            // CreateExportTask's Errors (API reference): OperationAborted is a conflict, nothing created; retried.
            [{ name: "OperationAbortedException", message: "Multiple concurrent requests to update the same resource were in conflict.", $metadata: { httpStatusCode: 400 } }, "transient"],
            [{ name: "ResourceAlreadyExistsException", message: "The specified resource already exists.", $metadata: { httpStatusCode: 400 } }, "exists"],
            [{ name: "InvalidParameterException", message: "GetBucketAcl call on the given bucket failed.", $metadata: { httpStatusCode: 400 } }, "fatal"],
            [{ name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }, "fatal"],
        ];
        for (const [e, kind] of cases) {
            it(`${JSON.stringify(e)} is ${kind}`, () => assert.strictEqual(classifyError(e), kind));
        }
    });

    it("backoffDelay doubles from the base, keeps half fixed and half jittered, and caps", () => {
        assert.strictEqual(backoffDelay(0, 1000, 30_000, 0), 500);
        assert.strictEqual(backoffDelay(0, 1000, 30_000, 0.999), 1000);
        assert.strictEqual(backoffDelay(3, 1000, 30_000, 0), 4000);
        assert.strictEqual(backoffDelay(20, 1000, 30_000, 0), 15_000);
        assert.ok(backoffDelay(20, 1000, 30_000, 0.999) <= 30_000);
    });

    it("pollDelay is a fifth of the time waited, within [250 ms, 30 s], jittered by at most 10%", () => {
        assert.strictEqual(pollDelay(0, DEFAULT_TIMING, 0), 250);
        assert.strictEqual(pollDelay(0, DEFAULT_TIMING, 0.999), 275);
        assert.strictEqual(pollDelay(100_000, DEFAULT_TIMING, 0.5), 20_000);
        assert.strictEqual(pollDelay(10 * 3600_000, DEFAULT_TIMING, 0.999), 30_000);
        const calls = (seconds: number): number => {
            let t = 0;
            let n = 0;
            while (t < seconds * 1000) {
                t += pollDelay(t, DEFAULT_TIMING, 0.5);
                n++;
            }
            return n;
        };
        assert.ok(calls(1) <= 4, "at most 4 polls in the first second");
        assert.ok(calls(3600) < 150, `an hour of waiting costs ${calls(3600)} polls`);
    });

    it("clampToDeadline ends a pause at the deadline, and refuses one after it", () => {
        assert.strictEqual(clampToDeadline(500, 1000, 2000), 500);
        assert.strictEqual(clampToDeadline(5000, 1000, 2000), 1000);
        assert.strictEqual(clampToDeadline(5000, 2000, 2000), undefined);
    });

    it("one range end: ExportRequest.to is exclusive, CreateExportTask's `to` inclusive (API reference), converted by awsTo alone", () => {
        // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateExportTask.html, `to`:
        // "Events with a timestamp later than this time are not exported": an event at `to` is exported.
        assert.strictEqual(awsTo(1_700_000_360_000), 1_700_000_359_999);
        assert.ok(matchesRequest(task("x", "COMPLETED"), req), "the task AWS lists for req has to = req.to - 1");
        assert.ok(!matchesRequest(task("x", "COMPLETED", { to: req.to }), req), "a task that also exported the boundary ms is another export");
    });

    it("pickAdoptable takes our active task first, then our completed one, never a failed or foreign one", () => {
        assert.strictEqual(pickAdoptable([task("done", "COMPLETED"), task("run", "RUNNING")], req)?.taskId, "run");
        assert.strictEqual(pickAdoptable([task("done", "COMPLETED"), task("f", "FAILED")], req)?.taskId, "done");
        assert.strictEqual(pickAdoptable([task("f", "FAILED"), task("c", "CANCELLED")], req), undefined);
        assert.strictEqual(pickAdoptable([task("x", "RUNNING", { to: req.to + 1 })], req), undefined);
        assert.strictEqual(pickAdoptable([task("x", "RUNNING", { taskName: "other" })], req), undefined);
        assert.strictEqual(pickAdoptable([task("x", "RUNNING", { destinationPrefix: "p" })], req), undefined);
        assert.strictEqual(pickAdoptable([task("d", "RUNNING", { destinationPrefix: undefined })], req)?.taskId, "d");
    });

    it("decideOnSlot adopts ours, waits for another holder, creates when the slot is free", () => {
        assert.deepStrictEqual(decideOnSlot([task("mine", "PENDING")], req), { kind: "adopt", task: task("mine", "PENDING") });
        const other = task("other", "RUNNING", { taskName: "someone" });
        assert.deepStrictEqual(decideOnSlot([other], req), { kind: "wait", holder: other });
        assert.deepStrictEqual(decideOnSlot([], req), { kind: "create" });
    });

    it("cancels only PENDING or RUNNING tasks; terminal states are COMPLETED, FAILED, CANCELLED", () => {
        assert.deepStrictEqual(["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "PENDING_CANCEL"].map(shouldCancel),
            [true, true, false, false, false, false]);
        assert.deepStrictEqual(["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"].map(isTerminal), [false, false, true, true, true]);
    });

    it("exportLocation is s3://bucket/prefix/taskId/", () => {
        assert.strictEqual(exportLocation("b", "logs/app", "abc"), "s3://b/logs/app/abc/");
    });

    describe("explainExportFailure names the missing statement and the command that prints it", () => {
        const c = { bucket: "b", region: "eu-west-1", account: "111122223333" };
        it("GetBucketAcl", () => {
            const m = explainExportFailure("GetBucketAcl call on the given bucket failed. Please check if CloudWatch Logs has been granted permission to perform this operation.", c);
            assert.strictEqual(m, `the bucket policy of "b" does not let CloudWatch Logs read the bucket ACL: add the statement ` +
                `"AllowCloudWatchLogsGetBucketAcl" (s3:GetBucketAcl for logs.eu-west-1.amazonaws.com). Print the full policy with ` +
                "`cwlogs-export policy export-bucket --bucket b --region eu-west-1 --source-account 111122223333`.");
        });
        it("PutObject, cross-account", () => {
            const m = explainExportFailure("PutObject call on the given bucket failed: Access Denied", { ...c, roleArn: "arn:aws:iam::111122223333:role/r" });
            assert.match(m ?? "", /"AllowCloudWatchLogsPutObject" and, for the cross-account caller arn:aws:iam::111122223333:role\/r, "AllowCrossAccountCallerPutObject"/);
        });
        it("KMS", () => {
            const m = explainExportFailure("The KMS key access was denied: kms:GenerateDataKey", c);
            assert.match(m ?? "", /"Allow CWL Service Principal usage".*cwlogs-export policy export-key --region eu-west-1 --account 111122223333/);
        });
        it("anything else is left as AWS said it", () => {
            assert.strictEqual(explainExportFailure("Internal error", c), undefined);
        });
    });
});

describe("ExportTask inputs (check and diff)", () => {
    const now = Date.parse("2025-06-01T00:00:00Z");
    const good = { logGroupName: "/g", from: "2025-05-01T00:00:00Z", to: now - 3600_000, destination: "bucket-ok" };

    it("normalizes ISO-8601 to ms and fills AWS's and the library's defaults", () => {
        const r = checkInputs(good, now);
        assert.deepStrictEqual(r.failures, []);
        assert.strictEqual(r.inputs.from, Date.parse("2025-05-01T00:00:00Z"));
        assert.strictEqual(r.inputs.destinationPrefix, "exportedlogs");
        assert.strictEqual(r.inputs.waitForCompletion, true);
        assert.strictEqual(r.inputs.timeoutMinutes, 60);
        assert.match(r.inputs.taskName, /^export-[0-9a-f]{12}$/);
        assert.strictEqual(checkInputs(good, now).inputs.taskName, r.inputs.taskName, "the default name is stable");
    });

    it("reports every problem at once, each naming its argument", () => {
        const r = checkInputs({ logGroupName: "", from: 1_700_000_000, to: now + 1, destination: "bucket-ok", timeoutMinutes: 0, taskName: "x".repeat(513) }, now);
        assert.deepStrictEqual(r.failures.map(f => f.property).sort(), ["from", "logGroupName", "taskName", "timeoutMinutes", "to"]);
        for (const f of r.failures) {
            assert.ok(f.reason.startsWith(`[${f.property}] `), f.reason);
        }
    });

    it("refuses a zone-less time (the host's zone would differ between machines) and impossible dates, naming the argument", () => {
        const reasons = (from: unknown): string[] => checkInputs({ ...good, from }, now).failures.map(f => f.reason);
        assert.deepStrictEqual(reasons("2024-05-01T00:00:00"), ["[from] \"2024-05-01T00:00:00\" has no time zone, so each host would read it in its own: " +
            "add one, e.g. \"2024-05-01T00:00:00Z\"."]);
        for (const bad of ["2024-02-30", "2024-13-01", "2024-05-01T25:00Z", "2024-02-30T00:00:00Z"]) {
            assert.deepStrictEqual(reasons(bad), [`[from] "${bad}" is not a real date and time: check the month, the day and the hour.`]);
        }
        assert.deepStrictEqual(checkInputs({ ...good, to: "99999999999999999" }, now).failures.map(f => f.reason),
            ["[to] \"99999999999999999\" is after the year 9999: write ms since the epoch (13 digits)."]);
        assert.strictEqual(checkInputs({ ...good, from: "2024-05-01" }, now).inputs.from, Date.UTC(2024, 4, 1), "a date is midnight UTC");
        assert.strictEqual(checkInputs({ ...good, from: "2024-05-01T02:00:00+02:00" }, now).inputs.from, Date.UTC(2024, 4, 1));
    });

    it("refuses from >= to", () => {
        const r = checkInputs({ ...good, from: now - 3600_000 }, now);
        assert.deepStrictEqual(r.failures.map(f => f.property), ["from"]);
    });

    it("passes values unknown during preview through unchecked", () => {
        const r = checkInputs({ ...good, destination: UNKNOWN, to: UNKNOWN }, now);
        assert.deepStrictEqual(r.failures, []);
        assert.strictEqual(r.inputs.destination, UNKNOWN);
    });

    it("diff replaces on export inputs and updates waitForCompletion/timeoutMinutes in place", () => {
        const a = checkInputs(good, now).inputs as unknown as Record<string, unknown>;
        assert.deepStrictEqual(diffInputs(a, { ...a }), { changes: false, replaces: [] });
        assert.deepStrictEqual(diffInputs(a, { ...a, from: 1 }), { changes: true, replaces: ["from"] });
        assert.deepStrictEqual(diffInputs(a, { ...a, roleArn: "arn:aws:iam::222222222222:role/any" }), { changes: true, replaces: ["roleArn"] });
        assert.deepStrictEqual(diffInputs(a, { ...a, timeoutMinutes: 5, waitForCompletion: false }), { changes: true, replaces: [] });
    });
});
