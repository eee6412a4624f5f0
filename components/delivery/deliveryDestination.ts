import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveDeliverySources } from "../../policies/deliveryCommon";
import { deliveryDestinationPolicy } from "../../policies/deliveryDestination";
import { DeliveryDestinationType } from "../../policies/deliveryValidate";
import { partitionOfRegion } from "../../policies/partition";
import { ExportBucket } from "../exportBucket";
import { asResourceError } from "../inputs";
import { DeliveryDestinationArgs } from "./deliveryDestinationArgs";
import { registerDestination } from "./deliveryOrder";
import { crossAccountError, validateDeliveryDestinationArgs } from "./deliveryDestinationValidation";
import { DestinationContext, DestinationTarget, firehoseTarget, logGroupTarget, s3Target } from "./destinationTargets";

/**
 * The destination side of a V2 vended-log delivery (AWS-logs-and-resource-policy, "Logging that requires additional
 * permissions [V2]"), in the account that receives the logs: the delivery destination
 * (PutDeliveryDestination) for an S3 bucket, a log group or a Firehose stream, every destination
 * permission AWS-logs-and-resource-policy lists for it, and, when other accounts deliver here, the delivery destination
 * policy (PutDeliveryDestinationPolicy).
 *
 * ```ts
 * const dest = new DeliveryDestination("central", { s3: {}, sourceAccounts: ["111122223333"] });
 * export const destinationArn = dest.destinationArn; // read by the source account's stack
 * ```
 */
export class DeliveryDestination extends pulumi.ComponentResource {
    /** ARN of the delivery destination: the source side's `destinationArn`. */
    public readonly destinationArn: pulumi.Output<string>;
    /** Name of the delivery destination. */
    public readonly destinationName: pulumi.Output<string>;
    /** `S3`, `CWL`, `FH` or `XRAY`: the source side's `destinationType`. */
    public readonly destinationType: pulumi.Output<DeliveryDestinationType>;
    /** The same type as a plain value, known when the component is constructed (DeliveryChain's checks). */
    public readonly knownType: DeliveryDestinationType;
    /** Output format (`undefined`: the log type's default): the source side's `destinationOutputFormat`. */
    public readonly outputFormat: pulumi.Output<string | undefined>;
    /** ARN of the bucket, log group or stream; `undefined` for X-Ray. */
    public readonly destinationResourceArn: pulumi.Output<string | undefined>;
    /** Region of the destination; sources must be in it. */
    public readonly region: pulumi.Output<string>;
    /** Account of the destination. */
    public readonly accountId: pulumi.Output<string>;
    /** S3: the bucket policy (written unless an existing bucket without `manageBucketPolicy`: then merge it yourself). */
    public readonly bucketPolicyJson: pulumi.Output<string | undefined>;
    /** S3 with SSE-KMS: the AWS-logs-and-resource-policy page's key statement as a document, to merge into a key the component does not create. */
    public readonly keyPolicyStatementJson: pulumi.Output<string | undefined>;
    /** CloudWatch Logs: the log group resource policy. */
    public readonly resourcePolicyJson: pulumi.Output<string | undefined>;
    /** The delivery destination policy, when `sourceAccounts` or `sourceOrgId` is given. */
    public readonly destinationPolicyJson: pulumi.Output<string | undefined>;
    /** S3: the ExportBucket holding the bucket. */
    public readonly bucket?: ExportBucket;
    /** CloudWatch Logs: the created log group. */
    public readonly logGroup?: aws.cloudwatch.LogGroup;
    /** The delivery destination resource. */
    public readonly destination: aws.cloudwatch.LogDeliveryDestination;
    /** Every resource a delivery to this destination must wait for. */
    public readonly permissions: pulumi.Resource[];

    constructor(name: string, args: DeliveryDestinationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:delivery:DeliveryDestination", name, {}, opts);
        const type = asResourceError(this, () => validateDeliveryDestinationArgs(args));
        const parent = { parent: this };
        const region = args.region !== undefined ? pulumi.output(args.region) : aws.getRegionOutput({}, parent).region;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const ctx: pulumi.Output<DestinationContext> = pulumi.all([region, accountId, args.sourceAccounts, args.sourceOrgId])
            .apply(([rgn, account, accounts, org]) => asResourceError(this, () => {
                const partition = partitionOfRegion(rgn) ?? "aws";
                const other = (accounts ?? []).find(a => a !== account);
                if (other !== undefined && (type === "CWL" || type === "XRAY")) {
                    throw crossAccountError(type === "CWL" ? "cloudWatchLogs" : "xray", "sourceAccounts", `account ${JSON.stringify(other)}`);
                }
                const s = resolveDeliverySources(org !== undefined
                    ? { region: rgn, partition, sourceOrgId: org }
                    : { region: rgn, partition, sourceAccounts: accounts ?? [account] });
                return { region: rgn, account, partition, sourceAccounts: s.sourceAccounts, sourceOrgId: s.sourceOrgId };
            }));

        let target: DestinationTarget;
        if (type === "S3") {
            target = s3Target(name, this, ctx, args.s3 ?? {}, args.region, args.tags);
        } else if (type === "CWL") {
            target = logGroupTarget(name, this, ctx, args.cloudWatchLogs!, args.region, args.tags);
        } else if (type === "FH") {
            target = firehoseTarget(this, args.firehose!, args.region);
        } else {
            target = { resourceArn: pulumi.output(undefined), permissions: [] };
        }

        const destination = new aws.cloudwatch.LogDeliveryDestination(`${name}-destination`, {
            name: args.destinationName,
            outputFormat: args.outputFormat,
            // X-Ray takes no configuration, only its type (@pulumi/aws 7.48 LogDeliveryDestination).
            deliveryDestinationConfiguration: type === "XRAY" ? undefined : { destinationResourceArn: target.resourceArn as pulumi.Output<string> },
            deliveryDestinationType: type === "XRAY" ? "XRAY" : undefined,
            region: args.region,
            tags: args.tags,
        }, {
            parent: this,
            // A shared resource policy is not a child: without this, deliveries waiting for this
            // component would not wait for the policy that lets the service write.
            dependsOn: target.external ?? [],
            // PutDeliveryDestination with an existing name overwrites that destination: a replacement
            // created first would be the old one, then deleted with it. Delete first when the name is fixed.
            deleteBeforeReplace: args.destinationName !== undefined,
            // The output format is fixed once the destination exists: PutDeliveryDestination refuses a
            // new outputFormat for an existing name ("Update to existing Delivery Destination with new
            // Output Format is not allowed. Please create a new Delivery Destination instead."), so a
            // change replaces the destination (and, through its ARN, the deliveries to it) instead of
            // failing in an update.
            replaceOnChanges: ["outputFormat"],
        });

        const permissions = [...target.permissions];
        let destinationPolicyJson: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (args.sourceAccounts !== undefined || args.sourceOrgId !== undefined) {
            const json = pulumi.all([ctx, destination.arn]).apply(([c, arn]) => asResourceError(this, () =>
                JSON.stringify(deliveryDestinationPolicy({
                    destinationArn: arn,
                    ...(c.sourceOrgId !== undefined ? { sourceOrgId: c.sourceOrgId } : { sourceAccounts: c.sourceAccounts }),
                }))));
            permissions.push(new aws.cloudwatch.LogDeliveryDestinationPolicy(`${name}-destination-policy`, {
                deliveryDestinationName: destination.name,
                deliveryDestinationPolicy: json,
                region: args.region,
            }, parent));
            destinationPolicyJson = json;
        }

        this.destination = destination;
        this.permissions = permissions;
        this.bucket = target.bucket;
        this.logGroup = target.logGroup;
        this.destinationArn = destination.arn;
        this.destinationName = destination.name;
        this.destinationType = pulumi.output(type);
        this.knownType = type;
        this.outputFormat = pulumi.output(args.outputFormat);
        this.destinationResourceArn = target.resourceArn;
        this.region = region;
        this.accountId = accountId;
        this.bucketPolicyJson = target.bucketPolicyJson ?? pulumi.output(undefined);
        this.keyPolicyStatementJson = target.keyPolicyStatementJson ?? pulumi.output(undefined);
        this.resourcePolicyJson = target.resourcePolicyJson ?? pulumi.output(undefined);
        this.destinationPolicyJson = destinationPolicyJson;
        registerDestination(this.destinationArn, this);
        this.registerOutputs({
            destinationArn: this.destinationArn,
            destinationName: this.destinationName,
            destinationType: this.destinationType,
            outputFormat: this.outputFormat,
            destinationResourceArn: this.destinationResourceArn,
            region: this.region,
            accountId: this.accountId,
            bucketPolicyJson: this.bucketPolicyJson,
            keyPolicyStatementJson: this.keyPolicyStatementJson,
            resourcePolicyJson: this.resourcePolicyJson,
            destinationPolicyJson: this.destinationPolicyJson,
        });
    }
}
