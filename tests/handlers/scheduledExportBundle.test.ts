/**
 * The built handler file as Lambda runs it: copied alone into a scratch "task" folder, started in a
 * fresh Node process whose only module path is a "runtime" folder holding the AWS SDK (Lambda's
 * Node.js runtime provides the SDK through NODE_PATH), invoked with a Lambda-like context against moto.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AttributeValue, CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DAY_MS, dueCount, HOUR_MS } from "../../handlers/scheduledExport/windows";
import { settingsItem } from "../../handlers/scheduledExport/settings";
import { fixtures } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";

const ROOT = path.resolve(__dirname, "../..");
const BUNDLE = path.join(ROOT, "dist/bundles/scheduledExport/index.js");

describe("ScheduledExport bundle (dist/bundles/scheduledExport/index.js) in a Lambda-like Node process", function () {
    this.timeout(120_000);
    let moto: Moto;
    let scratch: string;

    before(async function () {
        if (!fs.existsSync(BUNDLE) || fs.statSync(BUNDLE).mtimeMs < fs.statSync(path.join(ROOT, "handlers/scheduledExport/tick.ts")).mtimeMs) {
            const build = spawnSync("npm", ["run", "build:handlers"], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(build.status, 0, build.stderr);
        }
        moto = await startMoto();
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-bundle-"));
    });
    after(async () => {
        await moto?.stop();
        if (scratch !== undefined) {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });

    it("needs nothing but the AWS SDK and Node's own modules", () => {
        const text = fs.readFileSync(BUNDLE, "utf8");
        const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map(m => m[1]))].sort();
        assert.deepStrictEqual(required.filter(r => !r.startsWith("@aws-sdk/") && !r.startsWith("node:") && !["crypto"].includes(r)), []);
        assert.ok(!/import\("@aws-sdk/.test(text), "dynamic import() ignores NODE_PATH, where Lambda keeps the SDK");
    });

    it("exports the due windows and writes the state store when invoked as index.handler", async () => {
        const f = fixtures(moto.endpoint, moto.credentials);
        const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
        const start = today - 3 * DAY_MS;
        await f.logs.send(new CreateLogGroupCommand({ logGroupName: "/bundle/app" }));
        await f.logs.send(new CreateLogStreamCommand({ logGroupName: "/bundle/app", logStreamName: "s" }));
        await f.logs.send(new PutLogEventsCommand({
            logGroupName: "/bundle/app", logStreamName: "s",
            logEvents: [0, 1, 2].map(d => ({ timestamp: start + d * DAY_MS + HOUR_MS, message: `day ${d}` })),
        }));
        await f.s3.send(new CreateBucketCommand({ Bucket: "bundle-archive" }));
        const ddb = new DynamoDBClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials });
        await ddb.send(new CreateTableCommand({
            TableName: "bundle-state", BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }));

        const task = path.join(scratch, "task");
        const runtime = path.join(scratch, "runtime", "node_modules");
        fs.mkdirSync(task, { recursive: true });
        fs.mkdirSync(runtime, { recursive: true });
        fs.copyFileSync(BUNDLE, path.join(task, "index.js"));
        fs.symlinkSync(path.join(ROOT, "node_modules", "@aws-sdk"), path.join(runtime, "@aws-sdk"), "dir");
        const invoke = "require('./index.js').handler({}, { awsRequestId: 'r1', getRemainingTimeInMillis: () => 60000 })" +
            ".then(r => { process.stdout.write('REPORT ' + JSON.stringify(r) + '\\n'); }, e => { console.error(e); process.exit(1); });";
        // As the component deploys it: the settings in the table's settings item, the environment names the table.
        await ddb.send(new PutItemCommand({
            TableName: "bundle-state", Item: settingsItem(JSON.stringify({ bucket: "bundle-archive", prefix: "logs", logGroupNamePrefixes: ["/bundle/"], start })),
        }));
        const out = spawnSync(process.execPath, ["-e", invoke], {
            cwd: task, encoding: "utf8", timeout: 60_000,
            // A clean environment: no inherited NODE_OPTIONS (ts-node) and modules only from NODE_PATH.
            env: {
                PATH: process.env.PATH ?? "", NODE_PATH: runtime, ...moto.env(), CWLOGS_SCHEDULE: JSON.stringify({ tableName: "bundle-state" }),
                AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
            },
        });
        assert.strictEqual(out.status, 0, out.stderr);
        const report = JSON.parse(/^REPORT (.*)$/m.exec(out.stdout)?.[1] ?? "null") as { exported: { start: number }[]; lease: boolean };
        const due = dueCount(start, Date.now(), { windowMs: DAY_MS, lagMs: 12 * HOUR_MS });
        assert.ok(report.lease);
        assert.strictEqual(report.exported.length, due);
        assert.match(out.stdout, /"CloudWatchMetrics":\[\{"Namespace":"CwlogsExport\/ScheduledExport"/, "embedded metric lines");

        const keys = ((await f.s3.send(new ListObjectsV2Command({ Bucket: "bundle-archive", Prefix: "logs/" }))).Contents ?? []).map(o => o.Key);
        assert.strictEqual(keys.length, due);
        assert.ok(keys.every(k => /^logs\/bundle\/app\/\d{4}\/\d{2}\/\d{2}\/[^/]+\/s\/000000\.gz$/.test(k ?? "")), keys.join("\n"));
        const items = (await ddb.send(new ScanCommand({ TableName: "bundle-state" }))).Items ?? [];
        const group = items.find(i => i.pk?.S === "group#/bundle/app") as Record<string, AttributeValue> | undefined;
        assert.strictEqual(Number(group?.next?.N), start + due * DAY_MS);
        assert.ok(!items.some(i => i.pk?.S === "lease"), "lease released");
    });
});
