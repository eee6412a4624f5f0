/**
 * Fixtures for export tests: a log group with events and a bucket in moto, created with the SDK
 * straight against moto (optionally as an assumed role, to act in another moto account).
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { gunzipSync } from "zlib";

export interface Creds {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

export interface Fixtures {
    logs: CloudWatchLogsClient;
    s3: S3Client;
}

export function fixtures(endpoint: string, credentials: Creds, region = "us-east-1"): Fixtures {
    return {
        logs: new CloudWatchLogsClient({ endpoint, region, credentials }),
        s3: new S3Client({ endpoint, region, credentials, forcePathStyle: true }),
    };
}

/** Credentials of `roleArn` assumed in moto (acting in the role's account). */
export async function assumeRole(endpoint: string, credentials: Creds, roleArn: string, region = "us-east-1"): Promise<Creds> {
    const out = await new STSClient({ endpoint, region, credentials }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "fixture" }));
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
        throw new Error("AssumeRole returned no credentials");
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** Creates a log group with one stream holding `messages` at `at` ms, and a bucket. */
export async function seedExport(f: Fixtures, logGroupName: string, bucket: string, at: number, messages: string[]): Promise<void> {
    await f.logs.send(new CreateLogGroupCommand({ logGroupName }));
    await f.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: "app" }));
    await f.logs.send(new PutLogEventsCommand({
        logGroupName, logStreamName: "app", logEvents: messages.map((message, i) => ({ timestamp: at + i, message })),
    }));
    await f.s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Keys under `prefix/` in `bucket`. */
export async function listKeys(f: Fixtures, bucket: string, prefix: string): Promise<string[]> {
    const out = await f.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (out.Contents ?? []).map(o => o.Key ?? "").sort();
}

/** The text of a gzip object. */
export async function readGz(f: Fixtures, bucket: string, key: string): Promise<string> {
    const out = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await out.Body?.transformToByteArray();
    return gunzipSync(Buffer.from(bytes ?? [])).toString();
}
