/**
 * The AWS side of the ExportTask provider: SDK clients built inside each call (never captured at
 * module scope, never serialized), the engine's {@link ExportApi} on top of CloudWatch Logs, and the
 * preflight checks. Credentials come from the environment, or from STS AssumeRole of `roleArn`;
 * they live only in memory for the duration of one provider call.
 */
import { awsTo } from "./engine/decisions";
import { ExportApi, ExportStatus, ExportTaskInfo } from "./engine/types";

/** Where and as whom to call AWS. */
export interface AwsTarget {
    /** Region of the log group and bucket; defaults to the SDK's (AWS_REGION, profile). */
    readonly region?: string;
    /** Role to assume for every call (cross-account caller, seed 003). */
    readonly roleArn?: string;
}

/** Temporary credentials of an assumed role; held in memory for one provider call, never returned. */
interface RoleCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

/**
 * Clients' common config: region and assumed-role credentials. The endpoint is the SDK's own
 * resolution (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), which is how tests reach moto.
 */
export interface ClientBase {
    region?: string;
    credentials?: RoleCredentials;
    /** The command line's `--endpoint-url` and `--profile`; the provider leaves them to the environment. */
    endpoint?: string;
    profile?: string;
}

/**
 * Resolves credentials (assuming `roleArn` when given) and the region for one provider call.
 * AccessDenied is retried for a few seconds: a role created in the same update can be refused
 * while IAM propagates it. (Comments stay out of function bodies here: the provider's serialized
 * size is bounded, see tests/engine/serialization.test.ts.)
 */
export async function clientBase(target: AwsTarget): Promise<ClientBase & { account?: string }> {
    const base: ClientBase & { account?: string } = target.region === undefined ? {} : { region: target.region };
    if (target.roleArn !== undefined) {
        const sts = await import("@aws-sdk/client-sts");
        const client = new sts.STSClient({ ...base });
        let out;
        for (let attempt = 1; ; attempt++) {
            try {
                out = await client.send(new sts.AssumeRoleCommand({ RoleArn: target.roleArn, RoleSessionName: "cwlogs-export" }));
                break;
            } catch (e) {
                if (attempt >= 7 || (e as Error).name !== "AccessDenied") {
                    throw e;
                }
                await new Promise(r => setTimeout(r, 1000 * attempt));
            }
        }
        const c = out.Credentials;
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
            throw new Error(`[roleArn] AssumeRole of ${target.roleArn} returned no credentials: check the role's trust policy.`);
        }
        base.credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
        base.account = /^arn:[^:]+:iam::(\d{12}):/.exec(target.roleArn)?.[1];
    }
    return base;
}

/** The engine's three calls on a CloudWatch Logs client that does not retry by itself. */
export async function logsExportApi(base: ClientBase): Promise<ExportApi & { region(): Promise<string> }> {
    const logs = await import("@aws-sdk/client-cloudwatch-logs");
    const client = new logs.CloudWatchLogsClient({ region: base.region, credentials: base.credentials, endpoint: base.endpoint, profile: base.profile, maxAttempts: 1 });
    return {
        region: () => client.config.region(),
        async createExportTask(r) {
            const out = await client.send(new logs.CreateExportTaskCommand({
                taskName: r.taskName, logGroupName: r.logGroupName, from: r.from, to: awsTo(r.to),
                destination: r.destination, destinationPrefix: r.destinationPrefix, logStreamNamePrefix: r.logStreamNamePrefix,
            }));
            if (out.taskId === undefined) {
                throw new Error("CreateExportTask returned no taskId");
            }
            return out.taskId;
        },
        async describeExportTasks(q) {
            const out = await client.send(new logs.DescribeExportTasksCommand({
                taskId: q.taskId, statusCode: q.statusCode, limit: q.limit, nextToken: q.nextToken,
            }));
            const tasks: ExportTaskInfo[] = (out.exportTasks ?? []).filter(t => t.taskId !== undefined).map(t => ({
                taskId: t.taskId as string, taskName: t.taskName, logGroupName: t.logGroupName, from: t.from, to: t.to,
                destination: t.destination, destinationPrefix: t.destinationPrefix, statusCode: t.status?.code as ExportStatus | undefined,
                statusMessage: t.status?.message, creationTime: t.executionInfo?.creationTime, completionTime: t.executionInfo?.completionTime,
            }));
            return { tasks, nextToken: out.nextToken };
        },
        async cancelExportTask(taskId) {
            await client.send(new logs.CancelExportTaskCommand({ taskId }));
        },
    };
}

/** The caller's account, for error explanations; `undefined` when STS cannot tell. */
export async function callerAccount(base: ClientBase & { account?: string }): Promise<string | undefined> {
    if (base.account !== undefined) {
        return base.account;
    }
    try {
        const sts = await import("@aws-sdk/client-sts");
        const out = await new sts.STSClient({ region: base.region, credentials: base.credentials }).send(new sts.GetCallerIdentityCommand({}));
        return out.Account;
    } catch {
        return undefined;
    }
}

/** S3 needs path-style addressing behind a custom endpoint (moto, LocalStack): hosts are IPs there. */
function s3PathStyle(): boolean {
    return Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
}

/**
 * Checks before CreateExportTask (seed 001/003): the log group exists; the bucket exists, is in the
 * log group's region, and is not encrypted with DSSE-KMS or an AWS managed key. Throws errors that
 * name the argument and the fix. A bucket whose location is not readable (a cross-account caller has
 * only s3:PutObject, seed 003) or a key whose DescribeKey is denied (cross-account key) is left to
 * CreateExportTask to judge. A connection failure names the call and what to check (during an outage
 * Node says only `connect ECONNREFUSED host:port`).
 */
export async function preflight(base: ClientBase, region: string, logGroupName: string, bucket: string): Promise<void> {
    await preflightLogGroup(base, region, logGroupName);
    await preflightBucket(base, region, bucket);
}

/** The log group part of {@link preflight}: it exists in `region` for this caller. */
export async function preflightLogGroup(base: ClientBase, region: string, logGroupName: string): Promise<void> {
    const cfg = { region: base.region, credentials: base.credentials, endpoint: base.endpoint, profile: base.profile };
    const logs = await import("@aws-sdk/client-cloudwatch-logs");
    let groups;
    try {
        groups = await new logs.CloudWatchLogsClient(cfg)
            .send(new logs.DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName, limit: 50 }));
    } catch (e) {
        throw /ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up/.test(String(e))
            ? new Error(`DescribeLogGroups (preflight of [logGroupName]): cannot reach AWS (${(e as Error).message}): check AWS_ENDPOINT_URL, [region], network, credentials.`) : e;
    }
    if (!(groups.logGroups ?? []).some(g => g.logGroupName === logGroupName)) {
        throw new Error(`[logGroupName] log group "${logGroupName}" does not exist in ${region} for this caller: check the name, [region] and [roleArn].`);
    }
}

/**
 * The bucket part of {@link preflight}: it exists, is in `region`, and is not encrypted in a way
 * exports cannot write. Independent of the log group, so a caller may run it beside other lookups.
 */
export async function preflightBucket(base: ClientBase, region: string, bucket: string): Promise<void> {
    const cfg = { region: base.region, credentials: base.credentials, endpoint: base.endpoint, profile: base.profile };
    const s3 = await import("@aws-sdk/client-s3");
    const client = new s3.S3Client({ ...cfg, forcePathStyle: Boolean(base.endpoint) || s3PathStyle() });
    let location: string | undefined;
    try {
        location = (await client.send(new s3.GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint;
    } catch (e) {
        const name = (e as Error).name;
        if (name === "NoSuchBucket" || name === "NotFound") {
            throw new Error(`[destination] bucket "${bucket}" does not exist: create it first (e.g. with the ExportBucket component) and make the ExportTask depend on its bucket policy.`);
        }
        return;
    }
    const bucketRegion = location === undefined || location === null || (location as string) === "" ? "us-east-1" : location === "EU" ? "eu-west-1" : location;
    if (bucketRegion !== region) {
        throw new Error(`[destination] bucket "${bucket}" is in ${bucketRegion} but the log group is in ${region}: exports only go to a bucket in the log group's region (CloudWatch Logs User Guide, S3ExportTasks.html).`);
    }
    let rule: { SSEAlgorithm?: string; KMSMasterKeyID?: string } | undefined;
    try {
        const enc = await client.send(new s3.GetBucketEncryptionCommand({ Bucket: bucket }));
        rule = enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    } catch {
        return; // no default encryption readable: SSE-S3 is AWS's default and works
    }
    if (rule?.SSEAlgorithm === "aws:kms:dsse") {
        throw new Error(`[destination] bucket "${bucket}" uses DSSE-KMS, which exports do not support: use SSE-KMS with a customer managed key, or SSE-S3.`);
    }
    if (rule?.SSEAlgorithm === "aws:kms") {
        const key = rule.KMSMasterKeyID;
        const kms = await import("@aws-sdk/client-kms");
        const managed = key === undefined || /alias\/aws\//.test(key) || await new kms.KMSClient(cfg)
            .send(new kms.DescribeKeyCommand({ KeyId: key })).then(o => o.KeyMetadata?.KeyManager === "AWS", () => false);
        if (managed) {
            throw new Error(`[destination] bucket "${bucket}" is encrypted with the AWS managed key ${key ?? "aws/s3"}, whose policy cannot grant CloudWatch Logs: use a customer managed key or SSE-S3.`);
        }
    }
}
