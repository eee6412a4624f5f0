import { ValidationError } from "../../policies/validate";

/** The tag the AWSServiceRoleForLogDelivery role's policy requires on a stream (AWS-logs-and-resource-policy). */
export const LOG_DELIVERY_ENABLED_TAG = "LogDeliveryEnabled";

/**
 * Throws unless the stream carries `LogDeliveryEnabled = "true"`: the service-linked role may only
 * `firehose:PutRecord`/`PutRecordBatch` to streams with that tag (AWS-logs-and-resource-policy, "IAM roles used for
 * permissions"), so without it no record is delivered.
 */
export function checkFirehoseTags(streamArn: string, tags: Readonly<Record<string, string>> | undefined, argument: string): void {
    if (tags?.[LOG_DELIVERY_ENABLED_TAG] !== "true") {
        throw new ValidationError(argument,
            `the Firehose stream ${JSON.stringify(streamArn)} has no tag ${LOG_DELIVERY_ENABLED_TAG} = "true": the AWSServiceRoleForLogDelivery role only writes ` +
            `to streams with that tag (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html). Add tags: { ${LOG_DELIVERY_ENABLED_TAG}: "true" } to the stream ` +
            `(or run \`aws firehose tag-delivery-stream --delivery-stream-name <name> --tags Key=${LOG_DELIVERY_ENABLED_TAG},Value=true\`).`);
    }
}

/** Throws unless `arn` is a Firehose delivery stream ARN. */
export function validateFirehoseStreamArn(arn: string, argument: string): string {
    if (typeof arn !== "string" || !/^arn:(aws|aws-cn|aws-us-gov):firehose:[a-z0-9-]+:\d{12}:deliverystream\/[\w.-]{1,64}$/.test(arn)) {
        const service = typeof arn === "string" ? arn.split(":")[2] : undefined;
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is ${service ? `an ARN of service "${service}"` : "not an ARN"}, not a Firehose delivery stream ARN: ` +
            `use "arn:aws:firehose:<region>:<account>:deliverystream/<name>".`);
    }
    return arn;
}
