/**
 * Checks on delivery arguments that AWS would otherwise reject at CreateDelivery or
 * PutDeliveryDestination time (CloudWatch Logs API reference; seed 004 for the V2 model). Pure.
 */
import { ValidationError } from "./validate";
import { parseDeliveryDestinationArn } from "./deliveryDestination";

/** PutDeliveryDestination `outputFormat` values. */
export const DELIVERY_OUTPUT_FORMATS = ["json", "plain", "w3c", "raw", "parquet"] as const;
/** A PutDeliveryDestination `outputFormat`. */
export type DeliveryOutputFormat = typeof DELIVERY_OUTPUT_FORMATS[number];

/** `deliveryDestinationType` as CloudWatch Logs reports it. */
export type DeliveryDestinationType = "S3" | "CWL" | "FH";

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
 * destinations of seed 004's table. Anything else is refused, naming its service.
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
