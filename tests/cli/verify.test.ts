/**
 * The export manifest and `cwlogs-export verify`, end to end against moto: a real `export` run writes
 * `<state>.manifest.json` (chunk -> task -> S3 location -> objects and bytes), `verify` passes, and
 * after one exported object is deleted it fails (exit 1) naming that chunk.
 */
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Manifest, manifestPath } from "../../cli/export/manifest";
import { VerifyJson } from "../../cli/verify";
import { LayoutProxy, startLayoutProxy } from "../support/awsExportLayout";
import { runCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { Fixtures, fixtures, listKeys } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";

const REGION = "us-east-1";
const BUCKET = "verify-bucket";
const H = 3_600_000;
const DAY = 24 * H;
const DAY0 = Math.floor(Date.now() / DAY) * DAY - DAY;
const iso = (ms: number): string => new Date(ms).toISOString();

describe("export manifest and cwlogs-export verify (moto)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let layout: LayoutProxy;
    let f: Fixtures;
    let dir: string;
    let state: string;
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        moto = await startMoto();
        layout = await startLayoutProxy(moto.endpoint, moto.credentials, REGION);
        restoreEnv = replaceEnv({ ...moto.env(REGION), AWS_ENDPOINT_URL: layout.endpoint });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-verify-test-"));
        state = path.join(dir, "backfill.json");
        f = fixtures(moto.endpoint, moto.credentials);
        await f.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        for (const g of ["/app/web", "/app/api"]) {
            await f.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
            for (const s of ["s1", "s2"]) {
                await f.logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: s }));
                await f.logs.send(new PutLogEventsCommand({
                    logGroupName: g, logStreamName: s,
                    logEvents: Array.from({ length: 4 }, (_, k) => ({ timestamp: DAY0 + k * 30 * 60_000, message: `${g} ${s} event ${k}` })),
                }));
            }
        }
    });

    after(async () => {
        restoreEnv();
        fs.rmSync(dir, { recursive: true, force: true });
        await layout?.stop();
        await moto?.stop();
    });

    it("export writes <state>.manifest.json: every chunk with its task, S3 location, objects and bytes", async () => {
        const r = await runCli("export", "--log-group", "/app/web", "/app/api", "--from", iso(DAY0), "--to", iso(DAY0 + 2 * H),
            "--bucket", BUCKET, "--prefix", "bk", "--chunk", "hour", "--state", state);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(manifestPath(state), path.join(dir, "backfill.manifest.json"));
        const m = JSON.parse(fs.readFileSync(manifestPath(state), "utf8")) as Manifest;
        assert.strictEqual(m.kind, "cwlogs-export-manifest");
        assert.deepStrictEqual([m.bucket, m.prefix, m.region, m.chunks.length], [BUCKET, "bk", REGION, 4]);
        for (const c of m.chunks) {
            assert.strictEqual(c.status, "completed");
            assert.strictEqual(c.location, `s3://${BUCKET}/bk/${c.taskId}/`);
            const keys = (await listKeys(f, BUCKET, `bk/${c.taskId}/`)).filter(k => !k.endsWith("aws-logs-write-test"));
            assert.ok(keys.length > 0, `${c.range}: moto wrote objects`);
            assert.deepStrictEqual(keys, [...(layout.moved.get(c.taskId as string) ?? [])].sort());
            assert.strictEqual(c.objects, keys.length, c.range);
            assert.ok((c.bytes ?? 0) > 0);
        }
    });

    it("verify passes while every object is there (text and --json)", async () => {
        const text = await runCli("verify", "--manifest", manifestPath(state));
        assert.strictEqual(text.code, 0, text.stderr);
        assert.strictEqual(text.stderr, "");
        assert.match(text.stdout, /^Verifying 4 completed chunks of .*backfill\.manifest\.json in s3:\/\/verify-bucket\/bk\/:$/m);
        assert.strictEqual(text.stdout.match(/^ok {7}\/app\/(web|api) /gm)?.length, 4);
        assert.match(text.stdout, /Result: every completed chunk has its objects\.\n$/);
        const json = await runCli("verify", "--manifest", manifestPath(state), "--json");
        assert.strictEqual(json.code, 0, json.stderr);
        const v = JSON.parse(json.stdout) as VerifyJson;
        assert.deepStrictEqual([v.ok, v.checked, v.missing, v.errors], [true, 4, 0, 0]);
        assert.ok(v.chunks.every(c => c.verdict === "ok" && c.found?.objects === c.expected?.objects));
    });

    it("verify fails (exit 1) naming the chunk whose object was deleted", async () => {
        const m = JSON.parse(fs.readFileSync(manifestPath(state), "utf8")) as Manifest;
        const victim = m.chunks[1];
        const keys = (await listKeys(f, BUCKET, `bk/${victim.taskId}/`)).filter(k => !k.endsWith("aws-logs-write-test"));
        await f.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys[0] }));

        const text = await runCli("verify", "--manifest", manifestPath(state));
        assert.strictEqual(text.code, 1);
        const line = `MISSING  ${victim.logGroupName} ${victim.range} task ${victim.taskId}: ${keys.length - 1} of ${keys.length} object${keys.length === 1 ? "" : "s"} left under ${victim.location}`;
        assert.ok(text.stdout.includes(`${line}\n`), text.stdout);
        assert.strictEqual(text.stdout.match(/^ok /gm)?.length, 3);
        assert.strictEqual(text.stderr, `cwlogs-export: verify: 1 chunk is missing exported objects (first: ${victim.logGroupName} ${victim.range}, task ${victim.taskId}); ` +
            "export those ranges again to another --prefix (a rerun into the same prefix adopts the completed task instead).\n");

        const json = await runCli("verify", "--manifest", manifestPath(state), "--json");
        assert.strictEqual(json.code, 1);
        const v = JSON.parse(json.stdout) as VerifyJson;
        assert.deepStrictEqual([v.ok, v.missing], [false, 1]);
        const bad = v.chunks.filter(c => c.verdict === "missing");
        assert.deepStrictEqual(bad.map(c => [c.taskId, c.logGroupName, c.from, c.found?.objects]), [[victim.taskId, victim.logGroupName, victim.from, keys.length - 1]]);
    });

    it("a rerun of the finished export keeps the recorded counts (verify still sees the loss)", async () => {
        const r = await runCli("export", "--log-group", "/app/web", "/app/api", "--from", iso(DAY0), "--to", iso(DAY0 + 2 * H),
            "--bucket", BUCKET, "--prefix", "bk", "--chunk", "hour", "--state", state);
        assert.strictEqual(r.code, 0, r.stderr);
        const v = await runCli("verify", "--manifest", manifestPath(state));
        assert.strictEqual(v.code, 1, v.stdout);
    });

    it("a folder that cannot be listed is an error (exit 1), not a pass", async () => {
        const v = await runCli("verify", "--manifest", manifestPath(state), "--json", "--endpoint-url", "http://127.0.0.1:1");
        assert.strictEqual(v.code, 1);
        const out = JSON.parse(v.stdout) as VerifyJson;
        assert.deepStrictEqual([out.ok, out.errors], [false, 4]);
        assert.match(v.stderr, /4 task folders could not be listed: the caller needs s3:ListBucket on verify-bucket/);
    });

    const bad: [string, string[], string | RegExp][] = [
        ["a missing --manifest", [], "cwlogs-export: [--manifest] is required: name the manifest an export wrote beside its checkpoint (<state>.manifest.json).\n"],
        ["a --manifest that does not exist", ["--manifest", "/nonexistent/x.manifest.json"],
            "cwlogs-export: [--manifest] /nonexistent/x.manifest.json does not exist: pass the manifest an export wrote beside its checkpoint (<state>.manifest.json).\n"],
        ["a checkpoint instead of a manifest", ["--manifest", "STATE"], /^cwlogs-export: \[--manifest\] .*backfill\.json is not a cwlogs-export manifest/],
    ];
    for (const [what, argv, message] of bad) {
        it(`refuses ${what} with exit 2`, async () => {
            const r = await runCli("verify", ...argv.map(a => (a === "STATE" ? state : a)));
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.stdout, "");
            if (typeof message === "string") {
                assert.strictEqual(r.stderr, message);
            } else {
                assert.match(r.stderr, message);
            }
        });
    }
});
