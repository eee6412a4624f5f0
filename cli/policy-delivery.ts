/**
 * `cwlogs-export policy delivery-*`: the vended-log delivery documents of AWS-logs-and-resource-policy, one JSON document
 * on stdout. Validation errors propagate (as ValidationError naming the flag) to cli/main.ts.
 */
import { Command, Option } from "commander";
import { deliveryBucketPolicy } from "../policies/deliveryBucket";
import { DeliveryDestinationKind, deliveryCallerPolicy } from "../policies/deliveryCaller";
import { DeliveryPermissions } from "../policies/deliveryCommon";
import { deliveryDestinationPolicy } from "../policies/deliveryDestination";
import { deliveryKeyPolicy } from "../policies/deliveryKey";
import { deliveryLogGroupPolicy } from "../policies/deliveryLogGroup";
import { Partition } from "../policies/partition";
import { withArgumentNames } from "../policies/validate";
import { CliIo, collect, processIo } from "./io";
import { FLAGS, PolicyFlags, printDocument, required } from "./policy";

/** Delivery builder option names -> flags (the shared ones are renamed by printDocument). */
const DELIVERY_FLAG_NAMES: Readonly<Record<string, string>> = {
    permissions: "--permissions",
    destinationArn: "--destination-arn",
    destinations: "--destination",
};

interface DeliveryFlags extends PolicyFlags {
    permissions?: string;
    destinationArn?: string;
    destination?: string[];
    listBucket?: boolean;
    isolateSourceAccounts?: boolean;
    hiveCompatiblePaths?: boolean;
    tagging?: boolean;
}

interface DeliveryCallerFlags extends Omit<DeliveryFlags, "destinationArn"> {
    destinationArn?: string[];
}

const OPTIONS = {
    sourceAccount: () => new Option("--source-account <id>", "account whose delivery sources deliver logs (repeatable)").argParser(collect),
    orgId: () => new Option("--org-id <o-id>", "AWS Organizations ID whose accounts deliver logs, instead of --source-account"),
    permissions: () => new Option("--permissions <v1|v2>", "permission model of the service (V1 or V2; CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html)").default("v2"),
    logGroup: () => new Option("--log-group <name>", "log group that receives logs; may end in * (repeatable)").argParser(collect),
    destinationArn: () => new Option("--destination-arn <arn>", "ARN of the delivery destination"),
    destination: () => new Option("--destination <kind>", "s3, cloudwatch-logs, firehose or xray (repeatable)").argParser(collect),
} as const;

/** Source accounts: `--source-account`, else `--account` unless `--org-id` is given. */
function sources(f: DeliveryFlags): { sourceAccounts?: string[]; sourceOrgId?: string } {
    return {
        sourceAccounts: f.sourceAccount ?? (f.orgId === undefined && f.account !== undefined ? [f.account] : undefined),
        sourceOrgId: f.orgId,
    };
}

/** The owning account: `--account`, else the first `--source-account`. */
function owner(f: DeliveryFlags, what: string): string {
    return f.account ?? f.sourceAccount?.[0] ?? required(undefined, "--account", `give the 12-digit account that owns the ${what} (or a --source-account)`);
}

/** Registers the `delivery-*` kinds on the `policy` command. */
export function registerDeliveryPolicyKinds(policy: Command, io: CliIo = processIo): void {
    const print = (build: () => ReturnType<typeof deliveryBucketPolicy>) =>
        printDocument(io, () => withArgumentNames(DELIVERY_FLAG_NAMES, build));

    policy.command("delivery-bucket")
        .description("S3 bucket policy for vended-log delivery: AWSLogDeliveryAclCheck and AWSLogDeliveryWrite (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html)")
        .addOption(FLAGS.bucket()).addOption(FLAGS.region()).addOption(FLAGS.account()).addOption(FLAGS.partition())
        .addOption(OPTIONS.sourceAccount()).addOption(OPTIONS.orgId()).addOption(OPTIONS.permissions())
        .option("--no-list-bucket", "leave s3:ListBucket out of AWSLogDeliveryAclCheck")
        .option("--isolate-source-accounts", "one write statement per source account: each writes only under its own AWSLogs/<account>/")
        .option("--hive-compatible-paths", "also allow the Hive-form keys AWSLogs/aws-account-id=<account>/ (deliveries with enableHiveCompatiblePath)")
        .action((f: DeliveryFlags) => print(() => deliveryBucketPolicy({
            bucket: required(f.bucket, "--bucket", "name the bucket that receives the logs"),
            region: required(f.region, "--region", "give the region of the delivery sources"),
            partition: f.partition as Partition | undefined,
            ...sources(f),
            permissions: f.permissions as DeliveryPermissions,
            listBucket: f.listBucket,
            isolateSourceAccounts: f.isolateSourceAccounts,
            hiveCompatiblePaths: f.hiveCompatiblePaths,
        })));

    policy.command("delivery-key")
        .description("KMS key policy for an SSE-KMS bucket receiving vended logs: \"Allow Logs Delivery to use the key\" (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html)")
        .addOption(FLAGS.region()).addOption(FLAGS.account()).addOption(FLAGS.partition())
        .addOption(OPTIONS.sourceAccount()).addOption(OPTIONS.orgId()).addOption(OPTIONS.permissions())
        .action((f: DeliveryFlags) => print(() => deliveryKeyPolicy({
            region: required(f.region, "--region", "give the region of the key and the delivery sources"),
            account: owner(f, "key"),
            partition: f.partition as Partition | undefined,
            ...sources(f),
            permissions: f.permissions as DeliveryPermissions,
        })));

    policy.command("delivery-log-group")
        .description("CloudWatch Logs resource policy for log groups receiving vended logs (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html)")
        .addOption(FLAGS.region()).addOption(FLAGS.account()).addOption(FLAGS.partition())
        .addOption(OPTIONS.sourceAccount()).addOption(OPTIONS.orgId()).addOption(OPTIONS.permissions()).addOption(OPTIONS.logGroup())
        .action((f: DeliveryFlags) => print(() => deliveryLogGroupPolicy({
            region: required(f.region, "--region", "give the region of the log groups"),
            account: owner(f, "log groups"),
            partition: f.partition as Partition | undefined,
            ...sources(f),
            permissions: f.permissions as DeliveryPermissions,
            logGroupNames: f.logGroup ?? [],
        })));

    policy.command("delivery-destination")
        .description("delivery destination policy letting source accounts CreateDelivery (cross-account V2 delivery, CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html)")
        .addOption(OPTIONS.destinationArn()).addOption(OPTIONS.sourceAccount()).addOption(OPTIONS.orgId())
        .action((f: DeliveryFlags) => print(() => deliveryDestinationPolicy({
            destinationArn: required(f.destinationArn, "--destination-arn", "give the ARN of the delivery destination"),
            sourceAccounts: f.sourceAccount,
            sourceOrgId: f.orgId,
        })));

    policy.command("delivery-caller")
        .description("identity policy for whoever sets up vended-log delivery (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html, \"User permissions\")")
        .addOption(FLAGS.region()).addOption(FLAGS.account()).addOption(FLAGS.partition()).addOption(FLAGS.bucket())
        .addOption(OPTIONS.destination()).addOption(OPTIONS.permissions())
        .addOption(new Option("--destination-arn <arn>", "cross-account delivery destination the caller delivers to (repeatable)").argParser(collect))
        .option("--no-tagging", "leave logs:TagResource, UntagResource and ListTagsForResource out (no tags on the delivery resources)")
        .action((f: DeliveryCallerFlags) => print(() => deliveryCallerPolicy({
            region: required(f.region, "--region", "give the region where deliveries are set up"),
            account: required(f.account, "--account", "give the 12-digit account of the caller"),
            partition: f.partition as Partition | undefined,
            destinations: (f.destination ?? []) as DeliveryDestinationKind[],
            destinationArns: f.destinationArn,
            bucket: f.bucket,
            permissions: f.permissions as DeliveryPermissions,
            tagging: f.tagging,
        })));
}
