/**
 * ExportTask through Pulumi's real dynamic-provider host, against moto behind the test proxy:
 * check, create (objects really land in S3), read, diff, update, delete.
 */
import * as assert from "assert";
import { captureSerializedProvider } from "../support/captureProvider";
import { startMoto, Moto } from "../support/moto";
import { DIFF, HostError, ProviderHost, startProviderHost } from "../support/providerHost";
import { GET_BUCKET_ACL_FAILED, Proxy, startProxy } from "../support/proxy";
import { CreateBucketCommand, PutBucketEncryptionCommand } from "@aws-sdk/client-s3";
import { CancelExportTaskCommand, CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { Fixtures, fixtures, listKeys, readGz, seedExport } from "../support/exportFixtures";

const HOUR = 3600_000;

describe("ExportTask through the dynamic-provider host (moto)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let proxy: Proxy;
    let host: ProviderHost;
    let provider: string;
    let f: Fixtures;
    const now = Date.now();
    const from = now - 3 * HOUR;
    const to = now - HOUR;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
        provider = await captureSerializedProvider();
        host = await startProviderHost({ ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint });
        f = fixtures(moto.endpoint, moto.credentials);
        await seedExport(f, "/app/web", "exports-bucket", now - 2 * HOUR, ["hello export", "second line"]);
    });
    after(async () => {
        await host?.stop();
        await proxy?.stop();
        await moto?.stop();
    });
    beforeEach(() => {
        proxy.clear();
        proxy.options.holdMs = 0;
    });

    const news = (extra: Record<string, unknown> = {}) => ({
        __provider: provider, logGroupName: "/app/web", from, to, destination: "exports-bucket", taskName: "web-export", ...extra,
    });

    it("create exports real objects to S3 and reports COMPLETED", async () => {
        const checked = await host.check(news({ destinationPrefix: "web", from: new Date(from).toISOString() }));
        assert.deepStrictEqual(checked.failures, []);
        assert.strictEqual(checked.inputs.from, from, "check normalizes an ISO-8601 string to ms");
        const created = await host.create(checked.inputs);
        assert.match(created.id, /^[0-9a-f-]{36}$/);
        assert.strictEqual(created.properties.taskId, created.id);
        assert.strictEqual(created.properties.status, "COMPLETED");
        assert.strictEqual(created.properties.exportLocation, `s3://exports-bucket/web/${created.id}/`);
        assert.strictEqual(created.properties.__provider, provider);
        const keys = await listKeys(f, "exports-bucket", "web/");
        const gz = keys.filter(k => k.endsWith("/app/000000.gz"));
        assert.strictEqual(gz.length, 1, `exported objects: ${keys.join(", ")}`);
        assert.match(await readGz(f, "exports-bucket", gz[0]), /hello export\n.*second line/);
        assert.strictEqual(proxy.count("CreateExportTask"), 1);
    });

    it("refresh (Read) sees COMPLETED, and keeps the last state of a task AWS no longer lists", async () => {
        const checked = await host.check(news({ taskName: "refresh-me", destinationPrefix: "refresh" }));
        const created = await host.create(checked.inputs);
        const read = await host.read(created.id, { ...created.properties, status: "RUNNING" });
        assert.strictEqual(read.id, created.id);
        assert.strictEqual(read.properties.status, "COMPLETED");
        await moto.reset();
        await seedExport(f, "/app/web", "exports-bucket", now - 2 * HOUR, ["hello export", "second line"]);
        const gone = await host.read(created.id, created.properties);
        assert.strictEqual(gone.properties.status, "COMPLETED", "a task moto forgot keeps its last known state");
        assert.strictEqual(gone.properties.taskId, created.id);
    });

    it("destroy of a RUNNING task cancels it; of a finished one does nothing", async () => {
        proxy.options.holdMs = 30_000;
        const checked = await host.check(news({ taskName: "cancel-me", destinationPrefix: "cancel", waitForCompletion: false }));
        const created = await host.create(checked.inputs);
        assert.strictEqual(created.properties.status, "PENDING");
        assert.strictEqual((await host.read(created.id, created.properties)).properties.status, "RUNNING");
        await host.delete(created.id, created.properties);
        assert.strictEqual(proxy.count("CancelExportTask"), 1);
        assert.strictEqual((await host.read(created.id, created.properties)).properties.status, "CANCELLED");
        proxy.options.holdMs = 0;
        const done = await host.create((await host.check(news({ taskName: "done", destinationPrefix: "done" }))).inputs);
        await host.delete(done.id, done.properties);
        assert.strictEqual(proxy.count("CancelExportTask"), 1, "no cancel of a COMPLETED task");
    });

    it("a task that finishes between the status read and the cancel is not an error", async () => {
        proxy.options.holdMs = 30_000;
        const created = await host.create((await host.check(news({ taskName: "race", destinationPrefix: "race", waitForCompletion: false }))).inputs);
        // DescribeExportTasks still says RUNNING; the cancel then meets a task that has just finished.
        proxy.inject("CancelExportTask", "already-finished");
        await host.delete(created.id, created.properties);
        const cancels = proxy.seen.filter(s => s.operation === "CancelExportTask");
        assert.deepStrictEqual(cancels.map(c => c.status), [400]);
    });

    it("diff: a changed range replaces; waitForCompletion and timeoutMinutes update in place", async () => {
        const checked = await host.check(news({ taskName: "diff" }));
        const created = await host.create(checked.inputs);
        const olds = created.properties;
        const moved = await host.diff(created.id, olds, (await host.check(news({ taskName: "diff", to: to - 1000 }))).inputs);
        assert.strictEqual(moved.changes, DIFF.DIFF_SOME);
        assert.deepStrictEqual(moved.replaces, ["to"]);
        const waits = await host.diff(created.id, olds, (await host.check(news({ taskName: "diff", timeoutMinutes: 5, waitForCompletion: false }))).inputs);
        assert.strictEqual(waits.changes, DIFF.DIFF_SOME);
        assert.deepStrictEqual(waits.replaces, []);
        const same = await host.diff(created.id, olds, checked.inputs);
        assert.strictEqual(same.changes, DIFF.DIFF_NONE);
        const updated = await host.update(created.id, olds, (await host.check(news({ taskName: "diff", timeoutMinutes: 5 }))).inputs);
        assert.strictEqual(updated.timeoutMinutes, 5);
        assert.strictEqual(updated.taskId, created.id);
        assert.strictEqual(updated.status, "COMPLETED");
    });

    it("update to waitForCompletion: true waits for a task still running", async () => {
        proxy.options.holdMs = 600;
        const created = await host.create((await host.check(news({ taskName: "later", destinationPrefix: "later", waitForCompletion: false }))).inputs);
        assert.strictEqual(created.properties.status, "PENDING");
        const updated = await host.update(created.id, created.properties, (await host.check(news({ taskName: "later", destinationPrefix: "later" }))).inputs);
        assert.strictEqual(updated.status, "COMPLETED");
        assert.strictEqual(updated.waitForCompletion, true);
        assert.strictEqual(proxy.count("CreateExportTask"), 1);
    });

    it("check refuses bad inputs before any API call, naming the argument and the fix", async () => {
        const r = await host.check(news({
            from: Math.floor(from / 1000), to: now + HOUR, destinationPrefix: "/logs//x", destination: "Bad_Bucket",
        }));
        const byProperty = Object.fromEntries(r.failures.map(x => [x.property, x.reason]));
        assert.match(byProperty.from, /^\[from\] \d+ looks like seconds, not milliseconds .*write \d+000\.$/);
        assert.match(byProperty.to, /^\[to\] .* is in the future/);
        // policies/validate's own wording, through closure serialization (ValidationError sets its message itself).
        assert.strictEqual(byProperty.destinationPrefix, '[destinationPrefix] "/logs//x" starts with "/": S3 keys have no leading slash, so write "logs//x".');
        assert.strictEqual(byProperty.destination, '[destination] "Bad_Bucket" is not a valid S3 bucket name: use only lowercase letters, digits, dots (.) and hyphens (-).');
        const order = await host.check(news({ from: to, to: from }));
        assert.deepStrictEqual(order.failures.map(x => x.property), ["from"]);
        assert.match(order.failures[0].reason, /^\[from\] must be before \[to\]/);
        assert.strictEqual(proxy.seen.length, 0, "check made no API call");
    });

    it("preflight: a missing log group or bucket fails before CreateExportTask, naming the argument", async () => {
        await assert.rejects(host.create((await host.check(news({ logGroupName: "/no/such/group" }))).inputs),
            (e: HostError) => /^\[logGroupName\] log group "\/no\/such\/group" does not exist/.test(e.message) && e.initFailure === undefined);
        await assert.rejects(host.create((await host.check(news({ destination: "no-such-bucket" }))).inputs),
            (e: HostError) => /^\[destination\] bucket "no-such-bucket" does not exist/.test(e.message));
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
    });

    it("preflight: a bucket in another region, with DSSE-KMS or with the AWS managed key is refused", async () => {
        await f.s3.send(new CreateBucketCommand({ Bucket: "eu-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
        await assert.rejects(host.create((await host.check(news({ destination: "eu-bucket" }))).inputs),
            /^Error: \[destination\] bucket "eu-bucket" is in eu-west-1 but the log group is in us-east-1/);
        for (const [bucket, rule] of [
            ["managed-key", { SSEAlgorithm: "aws:kms" as const }],
            ["managed-alias", { SSEAlgorithm: "aws:kms" as const, KMSMasterKeyID: "alias/aws/s3" }],
            ["dsse-bucket", { SSEAlgorithm: "aws:kms:dsse" as const, KMSMasterKeyID: "arn:aws:kms:us-east-1:123456789012:key/abc" }],
        ] as const) {
            await f.s3.send(new CreateBucketCommand({ Bucket: bucket }));
            await f.s3.send(new PutBucketEncryptionCommand({
                Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: rule }] },
            }));
            await assert.rejects(host.create((await host.check(news({ destination: bucket }))).inputs),
                (e: Error) => new RegExp(`^\\[destination\\] bucket "${bucket}" (is encrypted with the AWS managed key|uses DSSE-KMS)`).test(e.message), bucket);
        }
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
    });

    /** 512 characters (the most CreateExportTask and CloudWatch Logs allow) starting with `head`. */
    const long = (head: string, fill: string) => head + fill.repeat(512 - head.length);

    it("a FAILED create with 512-character taskName, logGroupName and destinationPrefix answers in seconds (partial create)", async () => {
        // The partial-create answer carries the properties, __provider included, in gRPC trailers;
        // with the engine captured in __provider these inputs crossed Node's 64 KiB HTTP/2 header
        // limit and the host never answered.
        const logGroupName = long("/long/", "g");
        await f.logs.send(new CreateLogGroupCommand({ logGroupName }));
        await f.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: "app" }));
        await f.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: "app", logEvents: [{ timestamp: now - 2 * HOUR, message: "long" }] }));
        proxy.failTasks("long-", GET_BUCKET_ACL_FAILED);
        const checked = await host.check(news({ logGroupName, taskName: long("long-", "t"), destinationPrefix: long("long/", "p") }));
        assert.deepStrictEqual(checked.failures, []);
        const started = Date.now();
        const hang = new Promise<"no answer">(resolve => setTimeout(() => resolve("no answer"), 30_000).unref());
        const e = await Promise.race([host.create(checked.inputs).then(() => undefined, (x: HostError) => x), hang]);
        const took = Date.now() - started;
        assert.ok(e instanceof HostError, `the host answered: ${String(e)}`);
        console.log(`      FAILED create with 512-character inputs answered in ${took} ms; trailer properties ` +
            `${JSON.stringify(e.initFailure?.properties ?? {}).length} characters, __provider ${provider.length}`);
        assert.ok(took < 15_000, `took ${took} ms`);
        assert.ok(e.message.includes(GET_BUCKET_ACL_FAILED), e.message);
        assert.strictEqual(e.initFailure?.properties.status, "FAILED");
        assert.strictEqual(e.initFailure?.properties.taskName, long("long-", "t"));
        assert.strictEqual(e.initFailure?.properties.__provider, provider);
    });

    it("the next run after a FAILED task replaces it: a new task, no adoption of the FAILED one, no cancel of it", async () => {
        proxy.failTasks("converge-failed", GET_BUCKET_ACL_FAILED);
        const first = await host.check(news({ taskName: "converge-failed", destinationPrefix: "converge-failed" }));
        const e = await host.create(first.inputs).then(() => undefined, (x: HostError) => x);
        assert.ok(e instanceof HostError && e.initFailure !== undefined, "partial create");
        const old = e.initFailure;
        assert.strictEqual(old.properties.status, "FAILED");
        proxy.stopFailingTasks();
        // The next `pulumi up` (the grant fixed): the engine checks with the old inputs, then diffs
        // against the state the partial create left.
        const again = await host.check(news({ taskName: "converge-failed", destinationPrefix: "converge-failed" }), first.inputs);
        const d = await host.diff(old.id, old.properties, again.inputs);
        assert.strictEqual(d.changes, DIFF.DIFF_SOME);
        assert.deepStrictEqual(d.replaces, ["status"]);
        assert.strictEqual(d.deleteBeforeReplace, false);
        // moto names the objects' folder with an ID of its own, not the task's: count the exports.
        const exports = async () => (await listKeys(f, "exports-bucket", "converge-failed/")).filter(k => k.endsWith("/app/000000.gz")).length;
        const exportsBefore = await exports();
        const created = await host.create(again.inputs);
        assert.notStrictEqual(created.id, old.id, "a new task, not the FAILED one adopted");
        assert.strictEqual(created.properties.status, "COMPLETED");
        assert.strictEqual(created.properties.taskName, "converge-failed", "the same (default: hashed) name again");
        assert.strictEqual(proxy.count("CreateExportTask"), 2);
        assert.strictEqual(await exports(), exportsBefore + 1, "the new task exported");
        await host.delete(old.id, old.properties);
        assert.strictEqual(proxy.count("CancelExportTask"), 0, "nothing to cancel in a finished task");
        const settled = await host.diff(created.id, created.properties, again.inputs);
        assert.strictEqual(settled.changes, DIFF.DIFF_NONE, "the run after converges to no change");
    });

    it("a task cancelled outside Pulumi (refresh shows CANCELLED) is replaced by the next run", async () => {
        proxy.options.holdMs = 30_000;
        const first = await host.check(news({ taskName: "converge-cancelled", destinationPrefix: "converge-cancelled", waitForCompletion: false }));
        const created = await host.create(first.inputs);
        assert.strictEqual(created.properties.status, "PENDING");
        const logs = new CloudWatchLogsClient({ endpoint: proxy.endpoint, region: "us-east-1", credentials: moto.credentials });
        await logs.send(new CancelExportTaskCommand({ taskId: created.id }));
        const refreshed = await host.read(created.id, created.properties);
        assert.strictEqual(refreshed.properties.status, "CANCELLED");
        proxy.options.holdMs = 0;
        const again = await host.check(news({ taskName: "converge-cancelled", destinationPrefix: "converge-cancelled" }), first.inputs);
        const d = await host.diff(created.id, refreshed.properties, again.inputs);
        assert.strictEqual(d.changes, DIFF.DIFF_SOME);
        assert.deepStrictEqual(d.replaces, ["status"]);
        const replacement = await host.create(again.inputs);
        assert.notStrictEqual(replacement.id, created.id);
        assert.strictEqual(replacement.properties.status, "COMPLETED");
        await host.delete(created.id, refreshed.properties);
        assert.strictEqual(proxy.count("CancelExportTask"), 1, "only the cancel from outside Pulumi");
    });
});
