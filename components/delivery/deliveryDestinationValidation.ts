import { DeliveryDestinationType, validateOutputFormat } from "../../policies/deliveryValidate";
import { checkFirehoseTags, validateFirehoseStreamArn } from "./firehoseTag";
import { validateAccountIds, validateLogGroupName, validateOrgId, ValidationError } from "../../policies/validate";
import { known, plain, plainList } from "../inputs";
import { DeliveryDestinationArgs } from "./deliveryDestinationArgs";
import { coveredBy } from "./deliveryLogGroupsPolicy";

/**
 * "If you are delivering logs cross-account, you can use only Amazon S3 and Firehose destinations"
 * (CloudWatch Logs User Guide, AWS-vended-logs-permissions-V2).
 */
export function crossAccountError(kind: "cloudWatchLogs" | "xray", argument: "sourceAccounts" | "sourceOrgId", who: string): ValidationError {
    return new ValidationError(argument,
        `a [${kind}] destination only receives logs from this account's delivery sources, and [${argument}] names ${who}: ` +
        `AWS delivers logs across accounts only to S3 and Firehose destinations (CloudWatch Logs User Guide, AWS-vended-logs-permissions-V2). ` +
        `Deliver the other accounts' logs to an s3 or firehose destination here, or to a log group in their own account; leave [${argument}] out for this account only.`);
}

/** CreateLogGroup `logGroupClass` values. */
export const LOG_GROUP_CLASSES = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"] as const;

/**
 * Checks every argument of a DeliveryDestination that is a plain value (outputs are checked again
 * when they resolve) and returns the destination type. Throws ValidationError.
 */
export function validateDeliveryDestinationArgs(args: DeliveryDestinationArgs): DeliveryDestinationType {
    const given = (["s3", "cloudWatchLogs", "firehose", "xray"] as const).filter(k => args[k] !== undefined);
    if (given.length !== 1) {
        throw new ValidationError(given[1] ?? "s3",
            given.length === 0
                ? "a destination is required: give exactly one of [s3], [cloudWatchLogs], [firehose] and [xray]."
                : `Only one of [${given.join("], [")}] can be given: a delivery destination is one bucket, log group or stream; create one DeliveryDestination per destination.`);
    }
    const format = plain(args.outputFormat);
    if (known(format)) {
        validateOutputFormat(format, "outputFormat");
        if (format === "parquet" && given[0] !== "s3") {
            throw new ValidationError("outputFormat",
                `the "parquet" output format only applies to S3 destinations, and this is a [${given[0]}] destination (PutDeliveryDestination outputFormat): ` +
                `use "json", "plain", "w3c" or "raw", or deliver to an S3 destination.`);
        }
    }
    const accounts = plainList(args.sourceAccounts);
    const org = plain(args.sourceOrgId);
    if (args.sourceAccounts !== undefined && args.sourceOrgId !== undefined) {
        throw new ValidationError("sourceAccounts",
            "Only one of [sourceAccounts] and [sourceOrgId] can be given: list the accounts whose resources deliver logs here, or name their organization.");
    }
    if (known(accounts)) {
        if (accounts.length === 0) {
            throw new ValidationError("sourceAccounts", "the list is empty: leave [sourceAccounts] out for this account only, or list the 12-digit IDs of the source accounts.");
        }
        validateAccountIds(accounts, "sourceAccounts");
    }
    if (known(org)) {
        validateOrgId(org, "sourceOrgId");
    }
    if (args.sourceOrgId !== undefined && (given[0] === "cloudWatchLogs" || given[0] === "xray")) {
        throw crossAccountError(given[0], "sourceOrgId", "an organization");
    }
    const name = plain(args.destinationName);
    if (known(name) && !/^[\w-]{1,60}$/.test(name)) {
        throw new ValidationError("destinationName", `${JSON.stringify(name)} is not a delivery destination name: use 1 to 60 letters, digits, "_" and "-".`);
    }
    if (args.cloudWatchLogs !== undefined) {
        const cwl = args.cloudWatchLogs;
        const lg = plain(cwl.logGroupName);
        if (known(lg)) {
            validateLogGroupName(lg, "cloudWatchLogs.logGroupName");
        }
        if (cwl.sharedResourcePolicy !== undefined) {
            for (const k of ["manageResourcePolicy", "resourcePolicyName"] as const) {
                if (cwl[k] !== undefined) {
                    throw new ValidationError(`cloudWatchLogs.${k}`,
                        `Only one of [cloudWatchLogs.${k}] and [cloudWatchLogs.sharedResourcePolicy] can be given: the shared policy grants the delivery service this log group; leave [${k}] out.`);
                }
            }
            const patterns = cwl.sharedResourcePolicy.knownPatterns;
            if (known(lg) && patterns !== undefined && !coveredBy(patterns, lg)) {
                throw new ValidationError("cloudWatchLogs.logGroupName",
                    `${JSON.stringify(lg)} is not covered by the shared resource policy's patterns (${patterns.map(p => JSON.stringify(p)).join(", ")}): ` +
                    `name the log group under /aws/vendedlogs/ (AWS's prefix for vended logs), or add it to the DeliveryLogGroupsPolicy's [logGroupNamePatterns].`);
            }
        }
        const cls = plain(cwl.logGroupClass);
        if (known(cls) && cls !== undefined && !(LOG_GROUP_CLASSES as readonly string[]).includes(cls)) {
            throw new ValidationError("cloudWatchLogs.logGroupClass",
                `${JSON.stringify(cls)} is not a log group class: use ${LOG_GROUP_CLASSES.map(c => `"${c}"`).join(", ")} (CreateLogGroup logGroupClass).`);
        }
        if (cls === "DELIVERY" && cwl.retentionInDays !== undefined) {
            throw new ValidationError("cloudWatchLogs.retentionInDays",
                `Only one of [cloudWatchLogs.retentionInDays] and [cloudWatchLogs.logGroupClass: "DELIVERY"] can be given: AWS fixes the retention of DELIVERY log groups at 2 days; leave [retentionInDays] out or use "STANDARD".`);
        }
        if (cwl.createLogGroup === false) {
            for (const k of ["retentionInDays", "kmsKeyId", "retainOnDestroy", "deletionProtectionEnabled", "logGroupClass"] as const) {
                if (cwl[k] !== undefined) {
                    throw new ValidationError(`cloudWatchLogs.${k}`,
                        `Only one of [cloudWatchLogs.${k}] and [cloudWatchLogs.createLogGroup: false] can be given: an existing log group keeps its settings.`);
                }
            }
        }
        return "CWL";
    }
    if (args.firehose !== undefined) {
        const arn = plain(args.firehose.deliveryStreamArn);
        if (known(arn)) {
            validateFirehoseStreamArn(arn, "firehose.deliveryStreamArn");
        }
        const tags = plain(args.firehose.deliveryStreamTags);
        if (known(arn) && known(tags) && !Object.values(tags).some(v => typeof v !== "string")) {
            checkFirehoseTags(arn, tags as Record<string, string>, "firehose.deliveryStreamTags");
        }
        return "FH";
    }
    if (args.xray !== undefined) {
        return "XRAY";
    }
    return "S3";
}
