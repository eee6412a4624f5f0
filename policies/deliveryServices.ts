/**
 * The V2 services of seed 004's table and their log types, for "unknown log type for a known
 * service" checks before PutDeliverySource is called.
 *
 * Seed 004's table names the services that support V2 permissions (Bedrock knowledge bases,
 * CodeWhisperer, IAM Identity Center, WorkMail); the log type names come from those services'
 * vended-log pages (PutDeliverySource `logType`). Sources of other services are not checked.
 */
import { ValidationError } from "./validate";

/** One V2 service of seed 004's table. */
export interface DeliveryServiceEntry {
    /** The row of seed 004's table. */
    readonly title: string;
    /** The service part of the resource's ARN. */
    readonly arnService: string;
    /** The resource part of the ARN starts with this, when only some resources of the service are meant. */
    readonly resourcePrefix?: string;
    /** Log types the resource can vend. */
    readonly logTypes: readonly string[];
}

/** Seed 004's V2 services (all three destinations: CloudWatch Logs, S3, Firehose). */
export const DELIVERY_V2_SERVICES: readonly DeliveryServiceEntry[] = [
    { title: "Amazon Bedrock Knowledge bases logging", arnService: "bedrock", resourcePrefix: "knowledge-base/", logTypes: ["APPLICATION_LOGS"] },
    { title: "Amazon CodeWhisperer event logs", arnService: "codewhisperer", logTypes: ["EVENT_LOGS"] },
    { title: "IAM Identity Center error logs", arnService: "sso", logTypes: ["ERROR_LOGS"] },
    {
        title: "Amazon WorkMail logs",
        arnService: "workmail",
        logTypes: [
            "ACCESS_CONTROL_LOGS", "AUTHENTICATION_LOGS", "WORKMAIL_AVAILABILITY_PROVIDER_LOGS",
            "WORKMAIL_MAILBOX_ACCESS_LOGS", "WORKMAIL_PERSONAL_ACCESS_TOKEN_LOGS",
        ],
    },
];

const ARN = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;

/** The parts of a resource ARN. */
export interface ResourceArnParts {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

/** Throws unless `arn` looks like an ARN. */
export function parseResourceArn(arn: string, argument: string): ResourceArnParts {
    const m = typeof arn === "string" ? ARN.exec(arn) : null;
    if (m === null) {
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is not an ARN: give the full ARN of the resource, e.g. "arn:aws:workmail:us-east-1:111122223333:organization/m-0123456789abcdef".`);
    }
    return { partition: m[1], service: m[2], region: m[3], account: m[4] ?? "", resource: m[5] };
}

/** The seed 004 entry for a resource ARN, if its service is in the V2 table. */
export function deliveryServiceOf(resourceArn: string): DeliveryServiceEntry | undefined {
    const p = parseResourceArn(resourceArn, "resourceArn");
    return DELIVERY_V2_SERVICES.find(e => e.arnService === p.service && (e.resourcePrefix === undefined || p.resource.startsWith(e.resourcePrefix)));
}

/** Throws when the resource belongs to a service of the table and `logType` is not one of its log types. */
export function validateLogType(resourceArn: string, logType: string, argument: string): string {
    const entry = deliveryServiceOf(resourceArn);
    if (typeof logType !== "string" || logType.length === 0) {
        throw new ValidationError(argument, `a log type is required: give the log type the resource vends, e.g. "APPLICATION_LOGS".`);
    }
    if (entry !== undefined && !entry.logTypes.includes(logType)) {
        throw new ValidationError(argument,
            `${JSON.stringify(logType)} is not a log type of ${entry.title} (seed 004): use ${entry.logTypes.map(t => `"${t}"`).join(", ")}.`);
    }
    return logType;
}
