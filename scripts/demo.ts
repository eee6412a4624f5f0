/**
 * `npm run demo`: the whole product on a local AWS, in under a minute.
 *
 * Starts moto_server on a free loopback port, creates an SSE-KMS bucket whose key and bucket
 * policies are this library's own documents (seed 003), a log group with a day of synthetic events
 * in three streams, then runs `cwlogs-export export` over that day in hourly chunks (the progress
 * display), `cwlogs-export doctor` on that bucket (passes) and on a bucket without the policy (fails,
 * with the statements to add), lists and gunzips one exported object, and shuts moto down.
 * Nothing leaves 127.0.0.1.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
    CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketEncryptionCommand, PutBucketPolicyCommand, S3Client,
} from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { main } from "../cli/main";
import { processIo } from "../cli/io";
import { exportBucketPolicy } from "../policies/exportBucket";
import { exportKeyPolicy } from "../policies/exportKey";
import { MOTO_ACCOUNT, motoAvailable, startMoto } from "../tests/support/moto";

// The SDK's notice that its 2027 releases need Node 22 would interleave with the demo's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const REGION = "us-east-1";
const BUCKET = "cwlogs-demo-exports";
const BARE_BUCKET = "cwlogs-demo-no-policy";
const PREFIX = "exports-7f3a9c";
const LOG_GROUP = "/demo/checkout";
const STREAMS = ["web-1", "web-2", "worker"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function step(title: string): void {
    process.stdout.write(`\n\x1b[1m==> ${title}\x1b[0m\n`);
}

async function cli(...argv: string[]): Promise<number> {
    process.stdout.write(`$ cwlogs-export ${argv.map(a => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(" ")}\n`);
    const code = await main(argv, processIo);
    process.stdout.write(`(exit ${code})\n`);
    return code;
}

async function demo(): Promise<number> {
    if (!motoAvailable()) {
        process.stderr.write('moto_server is not installed: run `pip install "moto[server]"` (a local AWS emulator), then `npm run demo` again.\n');
        return 1;
    }
    const t0 = Date.now();
    step("Starting a local AWS (moto_server on a free loopback port)");
    const moto = await startMoto();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-demo-"));
    try {
        for (const k of ["AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]) {
            delete process.env[k];
        }
        Object.assign(process.env, moto.env(REGION));
        process.stdout.write(`moto at ${moto.endpoint}, account ${MOTO_ACCOUNT}, region ${REGION}\n`);
        const base = { endpoint: moto.endpoint, region: REGION, credentials: moto.credentials };
        const s3 = new S3Client({ ...base, forcePathStyle: true });
        const logs = new CloudWatchLogsClient(base);

        step(`Creating s3://${BUCKET}: SSE-KMS with a customer managed key, key and bucket policies from cwlogs-export/policies`);
        const keyPolicy = exportKeyPolicy({ region: REGION, account: MOTO_ACCOUNT });
        const key = await new KMSClient(base).send(new CreateKeyCommand({ Policy: JSON.stringify(keyPolicy), Description: "cwlogs-export demo" }));
        const keyArn = key.KeyMetadata?.Arn as string;
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        await s3.send(new PutBucketEncryptionCommand({
            Bucket: BUCKET,
            ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] },
        }));
        // moto speaks plain HTTP, and it enforces explicit Deny statements: the TLS-only statement
        // (DenyInsecureTransport, on by default) would refuse the demo's reads. Keep it on AWS.
        const bucketPolicy = exportBucketPolicy({
            bucket: BUCKET, region: REGION, sourceAccounts: [MOTO_ACCOUNT], prefixes: [PREFIX], logGroupNames: [LOG_GROUP], denyInsecureTransport: false,
        });
        await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(bucketPolicy) }));
        process.stdout.write(`key ${keyArn}\nbucket policy statements: ${bucketPolicy.Statement.map(s => s.Sid).join(", ")} ` +
            "(DenyInsecureTransport left out: moto speaks plain HTTP; keep it on AWS)\n");

        const dayEnd = Math.floor(Date.now() / DAY) * DAY;
        const dayStart = dayEnd - DAY;
        step(`Creating log group ${LOG_GROUP}: ${STREAMS.length} streams, one event every 10 minutes from ${new Date(dayStart).toISOString()} for a day`);
        await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
        for (const [i, stream] of STREAMS.entries()) {
            await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
            const events = Array.from({ length: 144 }, (_, n) => ({
                timestamp: dayStart + n * 600_000 + i * 1000,
                message: JSON.stringify({ level: n % 17 === 0 ? "ERROR" : "INFO", stream, order: 1000 + n, msg: n % 17 === 0 ? "payment declined" : "order placed" }),
            }));
            await logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, logEvents: events }));
        }

        step("Backfilling that day in hourly chunks (one export task at a time, checkpointed)");
        const exportCode = await cli("export", "--log-group", LOG_GROUP, "--from", new Date(dayStart).toISOString(), "--to", new Date(dayEnd).toISOString(),
            "--bucket", BUCKET, "--prefix", PREFIX, "--chunk", "hour", "--state", path.join(dir, "demo-state.json"));

        step(`doctor on s3://${BUCKET}: export from ${LOG_GROUP} would work`);
        const good = await cli("doctor", "--bucket", BUCKET, "--log-group", LOG_GROUP, "--prefix", PREFIX);

        step(`doctor on s3://${BARE_BUCKET}, a bucket without the policy: fails and prints the statements to add`);
        await s3.send(new CreateBucketCommand({ Bucket: BARE_BUCKET }));
        const bad = await cli("doctor", "--bucket", BARE_BUCKET, "--log-group", LOG_GROUP);

        step(`One exported object, gunzipped`);
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/` }));
        const objects = (listed.Contents ?? []).filter(o => o.Key?.endsWith(".gz"));
        process.stdout.write(`${objects.length} objects under s3://${BUCKET}/${PREFIX}/, e.g.:\n`);
        for (const o of objects.slice(0, 3)) {
            process.stdout.write(`  ${o.Key} (${o.Size} bytes)\n`);
        }
        const first = objects.find(o => (o.Size ?? 0) > 20) ?? objects[0];
        if (first?.Key !== undefined) {
            const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: first.Key }))).Body?.transformToByteArray();
            const text = gunzipSync(Buffer.from(body ?? [])).toString();
            const lines = text.split("\n");
            process.stdout.write(`$ gunzip < ${path.basename(first.Key)} | head -3   # ${first.Key}\n${lines.slice(0, 3).join("\n")}\n(${lines.length} lines)\n`);
        }

        const ok = exportCode === 0 && good === 0 && bad === 1 && objects.length > 0;
        step(ok ? `Done in ${((Date.now() - t0) / 1000).toFixed(1)} s: export completed, doctor passed the good bucket and failed the bare one.`
            : `Something did not go as expected (export exit ${exportCode}, doctor ${good}/${bad}, ${objects.length} objects).`);
        return ok ? 0 : 1;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await moto.stop();
    }
}

demo().then(code => { process.exitCode = code; }, e => {
    process.stderr.write(`demo failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
});
