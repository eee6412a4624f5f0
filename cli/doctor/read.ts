/**
 * Reads {@link DoctorFacts} from AWS: the caller's account (STS), the log group (CloudWatch Logs),
 * the bucket's location, default encryption and policy (S3), and for SSE-KMS the key (KMS).
 * Errors that stop the whole check (no bucket, no credentials) are thrown as one line; a policy
 * that cannot be read is recorded so the checks can warn.
 */
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeKeyCommand, GetKeyPolicyCommand, ListAliasesCommand } from "@aws-sdk/client-kms";
import { GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketPolicyCommand } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { regionOfKmsKeyArn } from "../../policies/validate";
import { AwsClients, awsErrorName, explainAwsError } from "../aws";
import { accountOf } from "./checks";
import { parsePolicy } from "./evaluate";
import { DoctorFacts, Encryption, KeyFacts } from "./facts";

/** What the user asked about. */
export interface DoctorQuery {
    bucket: string;
    logGroupName?: string;
    prefix?: string;
    callerArn?: string;
}

function message(e: unknown): string {
    return `${awsErrorName(e)}: ${e instanceof Error ? e.message : String(e)}`;
}

/** GetBucketLocation: `""`/null means us-east-1, `EU` the legacy name of eu-west-1. */
export function normalizeLocation(location: string | undefined | null): string {
    if (location === undefined || location === null || location === "") {
        return "us-east-1";
    }
    return location === "EU" ? "eu-west-1" : location;
}

async function readKey(clients: AwsClients, keyId: string, region: string): Promise<KeyFacts | undefined> {
    const kms = clients.kms(regionOfKmsKeyArn(keyId) ?? region);
    let meta;
    try {
        meta = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
    } catch {
        return undefined; // cross-account key or no kms:DescribeKey: the checks warn
    }
    if (meta?.Arn === undefined || meta.KeyId === undefined) {
        return undefined;
    }
    const key: KeyFacts = { arn: meta.Arn, keyManager: meta.KeyManager, aliases: [] };
    try {
        const aliases = await kms.send(new ListAliasesCommand({ KeyId: meta.KeyId }));
        key.aliases = (aliases.Aliases ?? []).map(a => a.AliasName ?? "").filter(a => a !== "");
    } catch {
        // aliases only sharpen the AWS-managed-key check; KeyManager decides on real AWS
    }
    try {
        const out = await kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: "default" }));
        key.policy = parsePolicy(out.Policy ?? "", "key policy");
    } catch (e) {
        key.policyError = message(e);
    }
    return key;
}

async function readEncryption(clients: AwsClients, bucket: string, region: string): Promise<Encryption> {
    let rule;
    try {
        const out = await clients.s3(region).send(new GetBucketEncryptionCommand({ Bucket: bucket }));
        rule = out.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    } catch (e) {
        if (awsErrorName(e) === "ServerSideEncryptionConfigurationNotFoundError") {
            return { kind: "none" };
        }
        throw explainAwsError(e, `GetBucketEncryption on "${bucket}"`);
    }
    switch (rule?.SSEAlgorithm) {
        case undefined:
            return { kind: "none" };
        case "aws:kms:dsse":
            return { kind: "aws:kms:dsse", keyId: rule.KMSMasterKeyID };
        case "aws:kms": {
            const keyId = rule.KMSMasterKeyID;
            return { kind: "aws:kms", keyId, key: keyId === undefined ? undefined : await readKey(clients, keyId, region) };
        }
        default:
            return { kind: "AES256" };
    }
}

/** Reads everything the checks need. */
export async function readFacts(clients: AwsClients, q: DoctorQuery): Promise<DoctorFacts> {
    const logsRegion = await clients.region();
    let account: string;
    try {
        account = (await clients.sts().send(new GetCallerIdentityCommand({}))).Account ?? "";
    } catch (e) {
        throw explainAwsError(e, "GetCallerIdentity");
    }
    const callerAccount = q.callerArn === undefined ? undefined : accountOf(q.callerArn);
    const sourceAccount = callerAccount ?? account;

    let logGroupMissing: boolean | undefined;
    if (q.logGroupName !== undefined && sourceAccount === account) {
        try {
            const out = await clients.logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: q.logGroupName }));
            logGroupMissing = !(out.logGroups ?? []).some(g => g.logGroupName === q.logGroupName);
        } catch (e) {
            throw explainAwsError(e, "DescribeLogGroups");
        }
    }

    let bucketRegion: string;
    try {
        bucketRegion = normalizeLocation((await clients.s3().send(new GetBucketLocationCommand({ Bucket: q.bucket }))).LocationConstraint);
    } catch (e) {
        if (awsErrorName(e) === "NoSuchBucket") {
            throw new Error(`[--bucket] bucket "${q.bucket}" does not exist: check the name (and --profile: the bucket owner's account).`);
        }
        throw explainAwsError(e, `GetBucketLocation on "${q.bucket}"`);
    }

    const encryption = await readEncryption(clients, q.bucket, bucketRegion);
    const facts: DoctorFacts = {
        bucket: q.bucket, bucketRegion, logsRegion, sourceAccount, bucketAccount: account,
        logGroupName: q.logGroupName, logGroupMissing, prefix: q.prefix, callerArn: q.callerArn, encryption,
    };
    try {
        const out = await clients.s3(bucketRegion).send(new GetBucketPolicyCommand({ Bucket: q.bucket }));
        facts.bucketPolicy = parsePolicy(out.Policy ?? "", "bucket policy");
    } catch (e) {
        if (awsErrorName(e) !== "NoSuchBucketPolicy") {
            facts.bucketPolicyError = message(e);
        }
    }
    return facts;
}
