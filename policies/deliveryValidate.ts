/**
 * Checks on delivery arguments that AWS would otherwise reject at CreateDelivery or
 * PutDeliveryDestination time (CloudWatch Logs API reference; AWS-logs-and-resource-policy for the V2 model). Pure.
 */
import { ValidationError } from "./validate";
import { parseDeliveryDestinationArn } from "./deliveryDestination";

/** PutDeliveryDestination `outputFormat` values. */
export const DELIVERY_OUTPUT_FORMATS = ["json", "plain", "w3c", "raw", "parquet"] as const;
/** A PutDeliveryDestination `outputFormat`. */
export type DeliveryOutputFormat = typeof DELIVERY_OUTPUT_FORMATS[number];

/** `deliveryDestinationType` as CloudWatch Logs reports it (`XRAY`: traces to X-Ray). */
export type DeliveryDestinationType = "S3" | "CWL" | "FH" | "XRAY";

/**
 * Suffix path variables every V2 source documents: the time partitions and the account
 * (CloudFront, "Configure standard logging (v2)": `{yyyy}`, `{MM}`, `{dd}`, `{HH}`, `{accountid}`,
 * `{DistributionId}`/`{distributionid}`). Others vary by log type: DescribeConfigurationTemplates
 * answers them in `allowedSuffixPathFields` (S3DeliveryConfiguration, API reference); give those as
 * `suffixPathFields`.
 */
export const SUFFIX_PATH_VARIABLES = ["yyyy", "MM", "dd", "HH", "accountid", "DistributionId", "distributionid"] as const;

/**
 * Throws unless every `{variable}` of `suffixPath` is a documented one (or in `extra`), braces are
 * balanced, and, with Hive-compatible paths, no segment is a `key=value` pair (AWS writes those
 * itself: a segment of the suffix path becomes `key=value` when Hive-compatible paths are on).
 */
export function validateSuffixPath(suffixPath: string, hive: boolean, extra: readonly string[] = []): string {
    const allowed = new Set<string>([...SUFFIX_PATH_VARIABLES, ...extra]);
    const fix = `use ${[...allowed].map(v => `{${v}}`).join(", ")}, or give the variables DescribeConfigurationTemplates lists in allowedSuffixPathFields for this log type as [suffixPathFields]`;
    const stripped = suffixPath.replace(/\{([^{}]*)\}/g, (_, name: string) => {
        if (!allowed.has(name)) {
            throw new ValidationError("suffixPath", `${JSON.stringify(suffixPath)} uses the variable {${name}}, which is not a suffix path variable AWS documents: ${fix}.`);
        }
        return "";
    });
    if (/[{}]/.test(stripped)) {
        throw new ValidationError("suffixPath", `${JSON.stringify(suffixPath)} has an unmatched "{" or "}": write each variable as {name}.`);
    }
    if (hive) {
        const kv = suffixPath.split("/").find(seg => seg.includes("="));
        if (kv !== undefined) {
            throw new ValidationError("suffixPath",
                `${JSON.stringify(suffixPath)} has the key=value segment ${JSON.stringify(kv)}, and Hive-compatible paths are on: AWS writes the key= part of each segment itself; ` +
                `give the plain segments (e.g. "{yyyy}/{MM}/{dd}") or turn [enableHiveCompatiblePath] off.`);
        }
    }
    return suffixPath;
}

/** Throws unless `f` is an output format AWS knows. */
export function validateOutputFormat(f: string, argument: string): DeliveryOutputFormat {
    if (!(DELIVERY_OUTPUT_FORMATS as readonly string[]).includes(f)) {
        throw new ValidationError(argument,
            `${JSON.stringify(f)} is not an output format CloudWatch Logs knows: use one of ${DELIVERY_OUTPUT_FORMATS.map(x => `"${x}"`).join(", ")}, ` +
            `or leave it out for the log type's default.`);
    }
    return f as DeliveryOutputFormat;
}

/**
 * The destination type of the resource a delivery destination points at: an S3 bucket
 * (`arn:<p>:s3:::<bucket>`), a log group (`arn:<p>:logs:<region>:<account>:log-group:<name>`) or a
 * Firehose stream (`arn:<p>:firehose:<region>:<account>:deliverystream/<name>`), the three
 * destinations of the AWS-logs-and-resource-policy page's table. Anything else is refused, naming its service.
 */
export function destinationTypeOfResourceArn(arn: string, argument: string): DeliveryDestinationType {
    if (typeof arn === "string") {
        if (/^arn:(aws|aws-cn|aws-us-gov):s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(arn)) {
            return "S3";
        }
        if (/^arn:(aws|aws-cn|aws-us-gov):logs:[a-z0-9-]+:\d{12}:log-group:[\w\-/.#]{1,512}(:\*)?$/.test(arn)) {
            return "CWL";
        }
        if (/^arn:(aws|aws-cn|aws-us-gov):firehose:[a-z0-9-]+:\d{12}:deliverystream\/[\w.-]{1,64}$/.test(arn)) {
            return "FH";
        }
    }
    const service = typeof arn === "string" ? arn.split(":")[2] : undefined;
    throw new ValidationError(argument,
        `${JSON.stringify(arn)} is ${service ? `an ARN of service "${service}"` : "not an ARN"}, not a delivery destination resource: ` +
        `give an S3 bucket ARN ("arn:aws:s3:::my-bucket"), a log group ARN ("arn:aws:logs:<region>:<account>:log-group:<name>") ` +
        `or a Firehose delivery stream ARN ("arn:aws:firehose:<region>:<account>:deliverystream/<name>").`);
}

/** Region inside a log group or Firehose ARN; `undefined` for S3 (bucket ARNs carry no region). */
export function regionOfDestinationResourceArn(arn: string): string | undefined {
    const region = arn.split(":")[3];
    return region === "" ? undefined : region;
}

/** Options of a delivery that depend on its destination, as {@link validateDeliveryOptions} checks them. */
export interface DeliveryOptionsCheck {
    /** Type of the destination, when known. */
    destinationType?: string;
    /** Output format of the destination, when known. */
    outputFormat?: string;
    fieldDelimiter?: string;
    suffixPath?: string;
    enableHiveCompatiblePath?: boolean;
    recordFields?: readonly string[];
    /** Suffix path variables beyond {@link SUFFIX_PATH_VARIABLES}. */
    suffixPathFields?: readonly string[];
}

/**
 * - `fieldDelimiter` only applies to plain, w3c and raw output (CreateDelivery: "when the final output
 *   format of a delivery is in Plain, W3C, or Raw format");
 * - `suffixPath` and `enableHiveCompatiblePath` only apply to S3 destinations (CreateDelivery
 *   `s3DeliveryConfiguration`);
 * - record fields are non-empty strings without duplicates.
 */
export function validateDeliveryOptions(o: DeliveryOptionsCheck): void {
    if (o.outputFormat !== undefined) {
        validateOutputFormat(o.outputFormat, "destinationOutputFormat");
    }
    if (o.fieldDelimiter !== undefined && (o.outputFormat === "parquet" || o.outputFormat === "json")) {
        throw new ValidationError("fieldDelimiter",
            `a field delimiter only applies to "plain", "w3c" and "raw" output, and the destination's output format is "${o.outputFormat}": ` +
            `leave [fieldDelimiter] out or use a destination with a text output format.`);
    }
    if (o.outputFormat === "parquet" && o.destinationType !== undefined && o.destinationType !== "S3") {
        throw new ValidationError("destinationOutputFormat",
            `the "parquet" output format only applies to S3 destinations, and this destination's type is "${o.destinationType}" (PutDeliveryDestination outputFormat): ` +
            `use "json", "plain", "w3c" or "raw", or deliver to an S3 destination.`);
    }
    if (o.destinationType !== undefined && o.destinationType !== "S3") {
        if (o.suffixPath !== undefined) {
            throw new ValidationError("suffixPath",
                `a suffix path only applies to S3 destinations, and this destination's type is "${o.destinationType}": leave [suffixPath] out.`);
        }
        if (o.enableHiveCompatiblePath !== undefined) {
            throw new ValidationError("enableHiveCompatiblePath",
                `Hive-compatible paths only apply to S3 destinations, and this destination's type is "${o.destinationType}": leave [enableHiveCompatiblePath] out.`);
        }
    }
    if (o.suffixPath !== undefined && (o.suffixPath.length === 0 || o.suffixPath.startsWith("/"))) {
        throw new ValidationError("suffixPath",
            `${JSON.stringify(o.suffixPath)} is not a suffix path: give a non-empty path without a leading "/" (AWS prepends AWSLogs/<account>/...).`);
    }
    if (o.suffixPath !== undefined) {
        validateSuffixPath(o.suffixPath, o.enableHiveCompatiblePath ?? false, o.suffixPathFields);
    }
    if (o.recordFields !== undefined) {
        const seen = new Set<string>();
        for (const f of o.recordFields) {
            if (typeof f !== "string" || f.length === 0 || seen.has(f)) {
                throw new ValidationError("recordFields", `${JSON.stringify(f)} is empty or listed twice: list each record field once.`);
            }
            seen.add(f);
        }
    }
}

/**
 * Throws unless the delivery destination is in the source's region: a delivery pairs a source and a
 * destination of one region (CreateDelivery).
 */
export function validateSameRegion(sourceRegion: string, destinationArn: string): void {
    const dest = parseDeliveryDestinationArn(destinationArn, "destinationArn");
    if (dest.region !== sourceRegion) {
        throw new ValidationError("destinationArn",
            `the delivery destination is in region "${dest.region}" but the delivery source is in "${sourceRegion}": ` +
            `a delivery connects a source and a destination of the same region; create the destination in "${sourceRegion}".`);
    }
}
