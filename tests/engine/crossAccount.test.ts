/**
 * Cross-account caller (seed 003): the host runs with the deployer's credentials (moto's default
 * account) and `roleArn` makes the provider assume a role of another account. First the role's
 * account exports its own log group into its own bucket; then seed 003's cross-account export
 * proper: account A's caller role exports A's log group into account B's bucket.
 */
import * as assert from "assert";
import { CloudWatchLogsClient, DescribeExportTasksCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { captureSerializedProvider } from "../support/captureProvider";
import { assumeRole, Creds, fixtures, listKeys, readGz, seedExport } from "../support/exportFixtures";
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

    it("exports account A's log group into account B's bucket as A's caller role (seed 003, cross-account)", async () => {
        const roleA = "arn:aws:iam::111111111111:role/cwlogs-export-caller";
        const a = await assumeRole(moto.endpoint, moto.credentials, roleA);
        // The log group in A (seedExport's bucket in A is not used), the archive bucket in B.
        await seedExport(fixtures(moto.endpoint, a), "/a/app", "a-unused", now - 2 * HOUR, ["from account A"]);
        await fixtures(moto.endpoint, b).s3.send(new CreateBucketCommand({ Bucket: "b-archive" }));

        const checked = await host.check({
            __provider: provider, logGroupName: "/a/app", from: now - 3 * HOUR, to: now - HOUR,
            destination: "b-archive", destinationPrefix: "from-a", roleArn: roleA, taskName: "a-to-b",
        });
        assert.deepStrictEqual(checked.failures, []);
        const created = await host.create(checked.inputs);
        assert.strictEqual(created.properties.status, "COMPLETED");
        const keys = await listKeys(fixtures(moto.endpoint, b), "b-archive", "from-a/");
        // Moto names the folder with a fresh UUID, not the task ID AWS uses.
        const object = keys.find(k => k.startsWith("from-a/") && k.endsWith("/app/000000.gz"));
        assert.ok(object, keys.join(", "));
        assert.match(await readGz(fixtures(moto.endpoint, b), "b-archive", object), /from account A/);
        assert.deepStrictEqual(await listKeys(fixtures(moto.endpoint, a), "a-unused", ""), [], "nothing in A's own bucket");

        const logs = (creds: Creds) => new CloudWatchLogsClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: creds });
        const inA = await logs(a).send(new DescribeExportTasksCommand({ taskId: created.id }));
        assert.strictEqual(inA.exportTasks?.[0]?.destination, "b-archive", "the task lives in account A, the log group's");
        await assert.rejects(logs(b).send(new DescribeExportTasksCommand({ taskId: created.id })), { name: "ResourceNotFoundException" });
    });

    it("without roleArn the same export fails preflight in the host's own account", async () => {
        const checked = await host.check({
            __provider: provider, logGroupName: "/b/app", from: now - 3 * HOUR, to: now - HOUR, destination: "b-exports", taskName: "no-role",
        });
        await assert.rejects(host.create(checked.inputs), /\[logGroupName\] log group "\/b\/app" does not exist/);
    });
});
