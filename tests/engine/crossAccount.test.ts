/**
 * Cross-account caller (seed 003): the host runs with account A's credentials and `roleArn` makes
 * the provider assume a role of account B, whose log group exports to B's bucket.
 */
import * as assert from "assert";
import { CloudWatchLogsClient, DescribeExportTasksCommand } from "@aws-sdk/client-cloudwatch-logs";
import { captureSerializedProvider } from "../support/captureProvider";
import { assumeRole, Creds, fixtures, listKeys, seedExport } from "../support/exportFixtures";
import { Moto, MOTO_ACCOUNT, startMoto } from "../support/moto";
import { ProviderHost, startProviderHost } from "../support/providerHost";

const HOUR = 3600_000;
const ROLE = "arn:aws:iam::222222222222:role/any";

describe("ExportTask with roleArn into another account (host + moto)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let host: ProviderHost;
    let provider: string;
    let b: Creds;
    const now = Date.now();

    before(async () => {
        moto = await startMoto();
        provider = await captureSerializedProvider();
        host = await startProviderHost(moto.env("us-east-1"));
        b = await assumeRole(moto.endpoint, moto.credentials, ROLE);
        await seedExport(fixtures(moto.endpoint, b), "/b/app", "b-exports", now - 2 * HOUR, ["from account B"]);
    });
    after(async () => {
        await host?.stop();
        await moto?.stop();
    });

    it("exports account B's log group to B's bucket as the assumed role", async () => {
        const checked = await host.check({
            __provider: provider, logGroupName: "/b/app", from: now - 3 * HOUR, to: now - HOUR,
            destination: "b-exports", destinationPrefix: "cross", roleArn: ROLE, taskName: "cross",
        });
        assert.deepStrictEqual(checked.failures, []);
        const created = await host.create(checked.inputs);
        assert.strictEqual(created.properties.status, "COMPLETED");
        assert.strictEqual(created.properties.roleArn, ROLE);
        const keys = await listKeys(fixtures(moto.endpoint, b), "b-exports", "cross/");
        assert.ok(keys.some(k => k.endsWith("/app/000000.gz")), keys.join(", "));

        const inB = await new CloudWatchLogsClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: b })
            .send(new DescribeExportTasksCommand({ taskId: created.id }));
        assert.strictEqual(inB.exportTasks?.[0]?.taskId, created.id, "the task lives in account 222222222222");
        const inA = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials });
        await assert.rejects(inA.send(new DescribeExportTasksCommand({ taskId: created.id })), { name: "ResourceNotFoundException" },
            `not in the host's own account ${MOTO_ACCOUNT}`);

        const read = await host.read(created.id, created.properties);
        assert.strictEqual(read.properties.status, "COMPLETED", "refresh assumes the role too");
        const { __provider, ...state } = created.properties;
        assert.ok(!/accessKeyId|secretAccessKey|sessionToken|credentials/i.test(JSON.stringify(state)), "no credential fields in state");
        assert.ok(!/ASIA[A-Z0-9]{12,}/.test(JSON.stringify(created.properties)), "no temporary access key ID anywhere, provider included");
        assert.ok(!JSON.stringify(created.properties).includes(b.secretAccessKey));
        assert.strictEqual(__provider, provider);
    });

    it("without roleArn the same export fails preflight in the host's own account", async () => {
        const checked = await host.check({
            __provider: provider, logGroupName: "/b/app", from: now - 3 * HOUR, to: now - HOUR, destination: "b-exports", taskName: "no-role",
        });
        await assert.rejects(host.create(checked.inputs), /\[logGroupName\] log group "\/b\/app" does not exist/);
    });
});
