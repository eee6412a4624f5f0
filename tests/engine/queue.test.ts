/**
 * The one-active-task limit, retries and crash adoption, through the dynamic-provider host and the
 * proxy (which holds tasks RUNNING, enforces the limit and injects faults) in front of moto.
 */
import * as assert from "assert";
import { CloudWatchLogsClient, CreateExportTaskCommand } from "@aws-sdk/client-cloudwatch-logs";
import { captureSerializedProvider } from "../support/captureProvider";
import { Fixtures, fixtures, seedExport } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { HostError, ProviderHost, startProviderHost } from "../support/providerHost";
import { GET_BUCKET_ACL_FAILED, Proxy, startProxy } from "../support/proxy";

const HOUR = 3600_000;

describe("ExportTask queueing, retries and adoption (host + proxy + moto)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let proxy: Proxy;
    let host: ProviderHost;
    let provider: string;
    let f: Fixtures;
    const now = Date.now();
    const from = now - 3 * HOUR;
    const to = now - HOUR;
    const env = (): Record<string, string> => ({ ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint });

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
        provider = await captureSerializedProvider();
        host = await startProviderHost(env());
        f = fixtures(moto.endpoint, moto.credentials);
        await seedExport(f, "/app/queue", "queue-bucket", now - 2 * HOUR, ["queued line"]);
        // The host loads the implementation on its first call: not part of the timings below.
        await inputs("warm-up");
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

    const inputs = async (taskName: string, extra: Record<string, unknown> = {}) => {
        const r = await host.check({
            __provider: provider, logGroupName: "/app/queue", from, to, destination: "queue-bucket",
            destinationPrefix: taskName, taskName, ...extra,
        });
        assert.deepStrictEqual(r.failures, []);
        return r.inputs;
    };

    it("five ExportTasks created at once all complete, one at a time, none fails", async () => {
        proxy.options.holdMs = 400;
        const results = await Promise.all([1, 2, 3, 4, 5].map(async i => host.create(await inputs(`five-${i}`))));
        assert.deepStrictEqual(results.map(r => r.properties.status), ["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"]);
        assert.strictEqual(new Set(results.map(r => r.id)).size, 5);
        assert.strictEqual(proxy.created.length, 5, "one CreateExportTask per resource reached moto");
        assert.strictEqual(proxy.maxActive, 1, "the proxy never saw two active tasks");
        assert.strictEqual(proxy.limitRejections, 0, "creates of one process queue instead of colliding");
        const at = proxy.created.map(c => c.at);
        for (let i = 1; i < at.length; i++) {
            assert.ok(at[i] - at[i - 1] >= 400, `create ${i} started ${at[i] - at[i - 1]} ms after the previous one, before its hold ended`);
        }
    });

    it("waits out a task another process holds (LimitExceededException is not an error)", async () => {
        proxy.options.holdMs = 700;
        const other = new CloudWatchLogsClient({ endpoint: proxy.endpoint, region: "us-east-1", credentials: moto.credentials });
        await other.send(new CreateExportTaskCommand({
            taskName: "someone-else", logGroupName: "/app/queue", from, to, destination: "queue-bucket", destinationPrefix: "other",
        }));
        const r = await host.create(await inputs("after-other"));
        assert.strictEqual(r.properties.status, "COMPLETED");
        assert.ok(proxy.limitRejections >= 1, "the first create met the limit");
        assert.strictEqual(proxy.created.length, 2);
        assert.ok(proxy.created[1].at - proxy.created[0].at >= 700, "our task started after the other one finished");
    });

    it("retries throttling, 500s and dropped connections; a lost CreateExportTask answer is adopted, not repeated", async () => {
        proxy.options.holdMs = 300;
        proxy.inject("CreateExportTask", "throttle", "500", "drop", "drop-after-forward");
        proxy.inject("DescribeExportTasks", "throttle", "500", "drop", "throttle");
        const r = await host.create(await inputs("flaky"));
        assert.strictEqual(r.properties.status, "COMPLETED");
        assert.strictEqual(proxy.created.length, 1, "exactly one task although the create answer was lost");
        assert.strictEqual(r.id, proxy.created[0].taskId);
        assert.strictEqual(proxy.count("CreateExportTask"), 4, "three refused or dropped before reaching moto, one forwarded");
    });

    it("a killed and rerun create adopts the running task instead of exporting twice", async () => {
        proxy.options.holdMs = 1500;
        const props = await inputs("crash");
        const doomed = await startProviderHost(env());
        try {
            const dying = doomed.create(props).catch(e => e as Error);
            // A fresh host loads the implementation first (through ts-node from this repository).
            for (let i = 0; i < 1500 && proxy.created.length === 0; i++) {
                await new Promise(r => setTimeout(r, 20));
            }
            assert.strictEqual(proxy.created.length, 1);
            await doomed.kill();
            assert.ok((await dying) instanceof Error, "the killed create never answered");
        } finally {
            await doomed.kill();
        }
        const rerun = await host.create(props);
        assert.strictEqual(rerun.id, proxy.created[0].taskId, "the rerun adopted the task of the killed run");
        assert.strictEqual(rerun.properties.status, "COMPLETED");
        assert.strictEqual(proxy.created.length, 1, "only one CreateExportTask reached moto");
        // The lookup right before the create reads the RUNNING tasks first: the task is there, RUNNING,
        // and adopted without a create (a COMPLETED-only lookup would miss a task that completes
        // before the create reaches AWS).
        assert.strictEqual(proxy.count("CreateExportTask"), 1, "the rerun sent no create");
        assert.strictEqual(proxy.limitRejections, 0);
    });

    it("a rerun after the task completed adopts it too", async () => {
        const first = await host.create(await inputs("done-before"));
        const again = await host.create(await inputs("done-before"));
        assert.strictEqual(again.id, first.id);
        assert.strictEqual(proxy.created.length, 1);
    });

    it("a FAILED task gives the explained error and stays in state (partial create)", async () => {
        proxy.options.holdMs = 200;
        proxy.failTasks("acl-", GET_BUCKET_ACL_FAILED);
        const props = await inputs("acl-denied");
        const e = await host.create(props).then(() => undefined, (x: HostError) => x);
        assert.ok(e instanceof HostError, "create failed");
        assert.ok(e.message.includes(GET_BUCKET_ACL_FAILED), e.message);
        assert.ok(e.message.includes(`"AllowCloudWatchLogsGetBucketAcl"`), e.message);
        assert.ok(e.message.includes("cwlogs-export policy export-bucket --bucket queue-bucket --region us-east-1 --source-account 123456789012"), e.message);
        assert.ok(e.initFailure, "the host sent ErrorResourceInitFailed");
        const state = e.initFailure;
        assert.strictEqual(state.id, proxy.created[0].taskId);
        assert.strictEqual(state.properties.status, "FAILED");
        assert.strictEqual(state.properties.statusMessage, GET_BUCKET_ACL_FAILED);
        assert.strictEqual(state.properties.__provider, provider, "the partial state can be refreshed and destroyed");
        const refreshed = await host.read(state.id, state.properties);
        assert.strictEqual(refreshed.properties.status, "FAILED");
        await host.delete(state.id, state.properties);
        assert.strictEqual(proxy.count("CancelExportTask"), 0);
    });

    it("a CreateExportTask refused for a missing grant is explained, and nothing enters state", async () => {
        proxy.inject("CreateExportTask", "bucket-acl-denied");
        const e = await host.create(await inputs("refused")).then(() => undefined, (x: HostError) => x);
        assert.ok(e instanceof HostError);
        assert.ok(e.message.startsWith(`CreateExportTask refused: InvalidParameterException: ${GET_BUCKET_ACL_FAILED}\nWhy: `), e.message);
        assert.ok(e.message.includes(`"AllowCloudWatchLogsGetBucketAcl"`), e.message);
        assert.strictEqual(e.initFailure, undefined);
        assert.strictEqual(proxy.created.length, 0);
    });

    it("the deadline ([timeoutMinutes]) ends the wait but keeps the running task in state", async () => {
        proxy.options.holdMs = 30_000;
        const e = await host.create(await inputs("slow", { timeoutMinutes: 0.01 })).then(() => undefined, (x: HostError) => x);
        assert.ok(e instanceof HostError);
        assert.match(e.message, /deadline reached while waiting for export task .*raise \[timeoutMinutes\]/);
        assert.strictEqual(e.initFailure?.properties.status, "RUNNING");
        assert.strictEqual(e.initFailure?.id, proxy.created[0].taskId);
        await host.delete(e.initFailure.id, e.initFailure.properties);
        assert.strictEqual(proxy.count("CancelExportTask"), 1);
    });
});
