/**
 * `cwlogs-export policy <kind>`: prints one policy document as JSON on stdout and nothing else
 * (DESIGN.md contract). The documents are the ones the components deploy, from policies/.
 */
import { Command, Option } from "commander";
import { exportBucketPolicyText } from "../policies/exportBucket";
import { exportCallerPolicy } from "../policies/exportCaller";
import { fitExportKeyPolicy } from "../policies/exportKey";
import { policyText } from "../policies/limits";
import { Partition } from "../policies/partition";
import { PolicyDocument } from "../policies/types";
import { ValidationError, withArgumentNames } from "../policies/validate";
import { CliIo, collect } from "./io";

/** Builder option names -> the flags a shell user writes, so errors name the flag. */
export const FLAG_NAMES: Readonly<Record<string, string>> = {
    bucket: "--bucket",
    region: "--region",
    account: "--account",
    partition: "--partition",
    sourceAccounts: "--source-account",
    sourceOrgId: "--org-id",
    prefixes: "--prefix",
    logGroupNames: "--log-group",
    callerArns: "--caller-arn",
    kmsKeyArn: "--kms-key-arn",
};

/** Flags shared by the policy kinds. */
export interface PolicyFlags {
    bucket?: string;
    region?: string;
    account?: string;
    partition?: string;
    sourceAccount?: string[];
    orgId?: string;
    prefix?: string[];
    logGroup?: string[];
    callerArn?: string[];
    kmsKeyArn?: string;
    denyInsecureTransport?: boolean;
}

/** Adds a flag shared by several kinds; keeps every kind's help text identical for the same flag. */
export const FLAGS = {
    bucket: () => new Option("--bucket <name>", "destination S3 bucket name"),
    region: () => new Option("--region <region>", "region of the bucket and the log groups (e.g. us-east-1)"),
    account: () => new Option("--account <id>", "account that owns the bucket, key or caller (defaults to the first --source-account)"),
    partition: () => new Option("--partition <partition>", "aws, aws-cn or aws-us-gov (defaults to the region's)"),
    sourceAccount: () => new Option("--source-account <id>", "account allowed to export (repeatable)").argParser(collect),
    orgId: () => new Option("--org-id <o-id>", "AWS Organizations ID whose accounts may export, instead of --source-account"),
    prefix: () => new Option("--prefix <prefix>", "destination prefix exports write under (repeatable)").argParser(collect),
    logGroup: () => new Option("--log-group <name>", "log group allowed to export (repeatable; all when absent)").argParser(collect),
    callerArn: () => new Option("--caller-arn <arn>", "cross-account CreateExportTask caller, IAM role or user ARN (repeatable)").argParser(collect),
} as const;

/** Throws a ValidationError naming the flag when a required flag is missing. */
export function required(value: string | undefined, flag: string, hint: string): string {
    if (value === undefined || value === "") {
        throw new ValidationError(flag, `is required: ${hint}.`);
    }
    return value;
}

/** The owning account: `--account`, else the first `--source-account`. */
export function ownerAccount(f: PolicyFlags): string {
    return f.account ?? f.sourceAccount?.[0] ?? required(undefined, "--account",
        "give the 12-digit account that owns the bucket, key or caller (or a --source-account)");
}

/**
 * Prints the exact text a builder measured against its AWS size limit (compact JSON, one line), with
 * builder errors renamed to flags: what is printed is what was measured, and what AWS receives
 * when it is pasted into `aws s3api put-bucket-policy --policy` or `aws kms put-key-policy --policy`.
 */
export function printPolicyText(io: CliIo, build: () => string): void {
    io.stdout(`${withArgumentNames(FLAG_NAMES, build)}\n`);
}

/** Prints a document built by `build`, with builder errors renamed to flags. */
export function printDocument(io: CliIo, build: () => PolicyDocument): void {
    const doc = withArgumentNames(FLAG_NAMES, build);
    io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Registers the `export-*` kinds on the `policy` command. */
export function registerExportPolicyKinds(policy: Command, io: CliIo): void {
    policy.command("export-bucket")
        .description("bucket policy letting CloudWatch Logs export into a bucket (CloudWatch Logs User Guide, S3ExportTasks.html)")
        .addOption(FLAGS.bucket()).addOption(FLAGS.region()).addOption(FLAGS.account()).addOption(FLAGS.partition())
        .addOption(FLAGS.sourceAccount()).addOption(FLAGS.orgId()).addOption(FLAGS.prefix())
        .addOption(FLAGS.logGroup()).addOption(FLAGS.callerArn())
        .option("--no-deny-insecure-transport", "leave out the statement denying requests without TLS")
        .action((f: PolicyFlags) => printPolicyText(io, () => exportBucketPolicyText({
            bucket: required(f.bucket, "--bucket", "name the destination bucket"),
            region: required(f.region, "--region", "give the region of the bucket and the log groups"),
            partition: f.partition as Partition | undefined,
            sourceAccounts: f.sourceAccount ?? (f.orgId === undefined && f.account !== undefined ? [f.account] : undefined),
            sourceOrgId: f.orgId,
            logGroupNames: f.logGroup,
            prefixes: f.prefix,
            callerArns: f.callerArn,
            denyInsecureTransport: f.denyInsecureTransport,
        })));

    policy.command("export-key")
        .description("KMS key policy for an SSE-KMS export bucket's key (CloudWatch Logs User Guide, S3ExportTasks.html)")
        .addOption(FLAGS.region()).addOption(FLAGS.account()).addOption(FLAGS.partition())
        .addOption(FLAGS.sourceAccount()).addOption(FLAGS.callerArn())
        .action((f: PolicyFlags) => printPolicyText(io, () => fitExportKeyPolicy({
            region: required(f.region, "--region", "give the region of the key"),
            account: ownerAccount(f),
            partition: f.partition as Partition | undefined,
            callerArns: f.callerArn,
        }).text));

    policy.command("export-caller")
        .description("identity policy for whoever calls CreateExportTask (CloudWatch Logs User Guide, S3ExportTasks.html)")
        .addOption(FLAGS.region()).addOption(FLAGS.account()).addOption(FLAGS.partition())
        .addOption(FLAGS.sourceAccount()).addOption(FLAGS.bucket()).addOption(FLAGS.prefix()).addOption(FLAGS.logGroup())
        .addOption(new Option("--kms-key-arn <arn>", "the destination bucket's KMS key"))
        .action((f: PolicyFlags) => printPolicyText(io, () => policyText(exportCallerPolicy({
            region: required(f.region, "--region", "give the region of the log groups"),
            account: ownerAccount(f),
            partition: f.partition as Partition | undefined,
            logGroupNames: f.logGroup,
            bucket: f.bucket,
            prefixes: f.prefix,
            kmsKeyArn: f.kmsKeyArn,
        }))));
}
