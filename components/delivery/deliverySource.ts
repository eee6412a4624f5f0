import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deliveredKeyPrefix } from "../../policies/deliveryBucket";
import { validateSourceRegion } from "../../policies/deliveryServices";
import { asResourceError } from "../inputs";
import { withDependencies } from "./dependencies";
import { recordDelivery, sharedDestinationDependencies } from "./deliveryOrder";
import { DeliverySourceArgs, DeliveryTargetArgs } from "./deliverySourceArgs";
import { checkDelivery, checkPlainDeliverySource } from "./deliverySourceValidation";

/**
 * The source side of V2 vended-log delivery (AWS-logs-and-resource-policy), in the account whose resource emits logs:
 * the delivery source (PutDeliverySource) and one delivery (CreateDelivery) per destination, each to a
 * destination given by ARN so the destination can live in another stack or account.
 *
 * Every delivery depends on the source and on everything in this component's `dependsOn` (give the
 * DeliveryDestinations there when they are in the same program), so `up` creates deliveries last and
 * `destroy` deletes them first: delivery, then source, then destination (the AWS-logs-and-resource-policy page's cleanup order).
 *
 * ```ts
 * const dest = new pulumi.StackReference("org/central/prod");
 * new DeliverySource("kb-logs", {
 *     resourceArn: kb.arn, logType: "APPLICATION_LOGS",
 *     deliveries: { central: { destinationArn: dest.requireOutput("destinationArn") as pulumi.Output<string> } },
 * });
 * ```
 */
export class DeliverySource extends pulumi.ComponentResource {
    /** ARN of the delivery source. */
    public readonly sourceArn: pulumi.Output<string>;
    /** Name of the delivery source. */
    public readonly sourceName: pulumi.Output<string>;
    /** ARN of each delivery, by key. */
    public readonly deliveryArns: pulumi.Output<Record<string, string>>;
    /** Region of the source and its deliveries. */
    public readonly region: pulumi.Output<string>;
    /**
     * Where each S3 delivery's objects land, by key: `AWSLogs/<account>/` or, with
     * `enableHiveCompatiblePath`, `AWSLogs/aws-account-id=<account>/`, the prefix AWS writes before the
     * service's own segment and the suffix path (CloudWatch Logs User Guide, "Logs sent to Amazon S3",
     * "Amazon S3 object key format"; a bucket named without a destination prefix, as DeliveryDestination
     * names it). Only deliveries whose `destinationType` is `S3` or that have S3 options.
     */
    public readonly s3KeyPrefixes: pulumi.Output<Record<string, string>>;
    /** The delivery source resource. */
    public readonly source: aws.cloudwatch.LogDeliverySource;
    /** The delivery resources, by key. */
    public readonly deliveries: Record<string, aws.cloudwatch.LogDelivery>;

    constructor(name: string, args: DeliverySourceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:delivery:DeliverySource", name, {}, opts);
        asResourceError(this, () => checkPlainDeliverySource(args));
        const region = args.region !== undefined ? pulumi.output(args.region) : aws.getRegionOutput({}, { parent: this }).region;
        // A ComponentResource's dependsOn is not passed on to its children by the SDK: pass it on, so
        // the source and deliveries wait for the destinations (and are deleted before them).
        const upstream = opts?.dependsOn;

        // The region rules (CloudFront: us-east-1 only) need the provider's region when none is
        // given: the resource ARN reaches PutDeliverySource only through that check.
        const checkedResourceArn = pulumi.all([args.resourceArn, region]).apply(([arn, rgn]) => asResourceError(this, () => {
            validateSourceRegion(arn, rgn);
            return arn;
        }));
        const source = new aws.cloudwatch.LogDeliverySource(`${name}-source`, {
            name: args.deliverySourceName,
            resourceArn: checkedResourceArn,
            logType: args.logType,
            region: args.region,
            tags: args.tags,
        }, {
            parent: this, dependsOn: upstream,
            // A resource has one delivery source per log type and PutDeliverySource with an existing
            // name overwrites it (PutDeliverySource: "Creates or updates"), so a replacement created
            // before the old source is deleted collides with it: delete first. Its deliveries are
            // replaced with it.
            deleteBeforeReplace: true,
        });

        const deliveries: Record<string, aws.cloudwatch.LogDelivery> = {};
        let previous: aws.cloudwatch.LogDelivery | undefined;
        for (const [key, target] of Object.entries(args.deliveries)) {
            // One after the other from this source, and after the program's earlier deliveries to the
            // same destination (deliveryOrder.ts): concurrent operations on one source or destination
            // fail with ConflictException.
            const before = previous !== undefined ? [previous] : [];
            const shared = sharedDestinationDependencies(target.destinationArn).filter(r => r !== previous);
            const dependsOn = withDependencies(upstream, [source, ...before, ...shared]);
            const delivery = this.delivery(name, key, target, args, source, region, dependsOn);
            recordDelivery(target.destinationArn, delivery);
            deliveries[key] = delivery;
            previous = delivery;
        }

        this.source = source;
        this.deliveries = deliveries;
        // The region check's failure also reaches this output (a source that is never registered
        // would otherwise leave it pending).
        this.sourceArn = checkedResourceArn.apply(() => source.arn);
        this.sourceName = source.name;
        this.deliveryArns = pulumi.all(Object.fromEntries(Object.entries(deliveries).map(([k, d]) => [k, d.arn])));
        this.region = region;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        this.s3KeyPrefixes = pulumi.all([account, Object.entries(args.deliveries).map(([key, t]) => pulumi.all([key, t.destinationType, t.suffixPath, t.enableHiveCompatiblePath]))])
            .apply(([acct, targets]) => Object.fromEntries(targets
                .filter(([, type, suffix, hive]) => type === "S3" || (type === undefined && (suffix !== undefined || hive !== undefined)))
                .map(([key, , , hive]) => [key, deliveredKeyPrefix(acct, hive === true)])));
        this.registerOutputs({
            sourceArn: this.sourceArn,
            sourceName: this.sourceName,
            deliveryArns: this.deliveryArns,
            region: this.region,
            s3KeyPrefixes: this.s3KeyPrefixes,
        });
    }

    /**
     * One delivery. Its destination ARN reaches CreateDelivery only through the full check, so a bad
     * combination known only at deploy time (a StackReference output) fails before the call. The
     * deliveries of one source are created one after the other, and so are deliveries to one
     * destination (ConflictException otherwise). Replaced delete-first: a source has one delivery per
     * destination type, so a replacement created next to the old one is refused (CreateDelivery's
     * ConflictException, "Delivery already exists for this Delivery Source with the same Delivery
     * Destination Type" in moto's model of it).
     */
    private delivery(
        name: string, key: string, t: DeliveryTargetArgs, args: DeliverySourceArgs,
        source: aws.cloudwatch.LogDeliverySource, region: pulumi.Output<string>,
        dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>,
    ): aws.cloudwatch.LogDelivery {
        const checkedDestinationArn = pulumi.output({
            resourceArn: args.resourceArn, logType: args.logType, region, destinationArn: t.destinationArn,
            destinationType: t.destinationType, destinationOutputFormat: t.destinationOutputFormat,
            recordFields: t.recordFields, fieldDelimiter: t.fieldDelimiter, suffixPath: t.suffixPath,
            enableHiveCompatiblePath: t.enableHiveCompatiblePath, suffixPathFields: t.suffixPathFields,
        }).apply(v => asResourceError(this, () => {
            checkDelivery(key, v);
            return v.destinationArn;
        }));
        // @pulumi/aws's s3DeliveryConfigurations is a list whose items need both fields.
        const s3DeliveryConfigurations = t.suffixPath === undefined && t.enableHiveCompatiblePath === undefined
            ? undefined
            : [{ suffixPath: t.suffixPath ?? "", enableHiveCompatiblePath: t.enableHiveCompatiblePath ?? false }];
        return new aws.cloudwatch.LogDelivery(`${name}-delivery-${key}`, {
            deliverySourceName: source.name,
            deliveryDestinationArn: checkedDestinationArn,
            recordFields: t.recordFields,
            fieldDelimiter: t.fieldDelimiter,
            s3DeliveryConfigurations,
            region: args.region,
            tags: t.tags ?? args.tags,
        }, { parent: this, dependsOn, deleteBeforeReplace: true });
    }
}
