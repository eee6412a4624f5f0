import * as pulumi from "@pulumi/pulumi";
import { ValidationError, withArgumentNames } from "../../policies/validate";
import { asResourceError } from "../inputs";
import { DeliveryChainArgs, DeliveryChainDestinationArgs } from "./deliveryChainArgs";
import { DeliveryDestination } from "./deliveryDestination";
import { validateDeliveryDestinationArgs } from "./deliveryDestinationValidation";
import { DeliverySource } from "./deliverySource";
import { DeliverySourceArgs, DeliveryTargetArgs } from "./deliverySourceArgs";
import { checkPlainDeliverySource } from "./deliverySourceValidation";

function destinationArgsOf(d: DeliveryChainDestinationArgs, args: DeliveryChainArgs) {
    return {
        s3: d.s3, cloudWatchLogs: d.cloudWatchLogs, firehose: d.firehose, xray: d.xray, outputFormat: d.outputFormat,
        destinationName: d.destinationName, region: args.region, tags: args.tags,
    };
}

/** Runs `fn`, prefixing the argument named by a ValidationError with `prefix`. */
function prefixed<T>(prefix: string, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof ValidationError) {
            const err = e;
            return withArgumentNames({ [err.argument]: `${prefix}${err.argument}` }, () => { throw err; });
        }
        throw e;
    }
}

/**
 * V2 vended-log delivery within one account (AWS-logs-and-resource-policy): a DeliveryDestination per destination (with
 * its permissions) and one DeliverySource with a delivery to each. The source waits for every
 * destination and each delivery for the source, so `up` creates destinations, then the source, then
 * the deliveries, and `destroy` deletes deliveries, then the source, then the destinations (AWS-logs-and-resource-policy's
 * cleanup order).
 *
 * ```ts
 * new DeliveryChain("kb", {
 *     resourceArn: kb.arn, logType: "APPLICATION_LOGS",
 *     destinations: { archive: { s3: {} }, search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kb" } } },
 * });
 * ```
 */
export class DeliveryChain extends pulumi.ComponentResource {
    /** The destinations, by key. */
    public readonly destinations: Record<string, DeliveryDestination>;
    /** The source and its deliveries. */
    public readonly source: DeliverySource;
    /** ARN of each delivery destination, by key. */
    public readonly destinationArns: pulumi.Output<Record<string, string>>;
    /** ARN of the delivery source. */
    public readonly sourceArn: pulumi.Output<string>;
    /** ARN of each delivery, by key. */
    public readonly deliveryArns: pulumi.Output<Record<string, string>>;
    /** Where each S3 delivery's objects land (`AWSLogs/<account>/` or its Hive form), by key: the source's `s3KeyPrefixes`. */
    public readonly s3KeyPrefixes: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: DeliveryChainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:delivery:DeliveryChain", name, {}, opts);
        const entries = Object.entries(args.destinations ?? {});
        // Every argument is checked before any child exists.
        const types = asResourceError(this, () => {
            if (entries.length === 0) {
                throw new ValidationError("destinations", "at least one destination is required: give { <key>: { s3: {} } } or a cloudWatchLogs or firehose destination.");
            }
            const t: Record<string, string> = {};
            for (const [key, d] of entries) {
                t[key] = d.destination !== undefined
                    ? checkSharedDestination(key, d)
                    : prefixed(`destinations.${key}.`, () => validateDeliveryDestinationArgs(destinationArgsOf(d, args)));
            }
            const check: DeliverySourceArgs = {
                resourceArn: args.resourceArn, logType: args.logType, deliverySourceName: args.deliverySourceName, region: args.region,
                deliveries: Object.fromEntries(entries.map(([key, d]) => [key, {
                    ...deliveryOptionsOf(d), destinationArn: pulumi.output(""), destinationType: t[key],
                    destinationOutputFormat: d.destination !== undefined ? d.destination.outputFormat : d.outputFormat,
                }])),
            };
            checkPlainDeliverySource(check);
            return t;
        });

        const destinations: Record<string, DeliveryDestination> = {};
        for (const [key, d] of entries) {
            destinations[key] = d.destination ?? new DeliveryDestination(`${name}-${key}`, destinationArgsOf(d, args), { parent: this });
        }
        const deliveries: Record<string, DeliveryTargetArgs> = {};
        for (const [key, d] of entries) {
            deliveries[key] = {
                ...deliveryOptionsOf(d),
                // The destination's own output: deliveries given the same object are chained (deliveryOrder.ts).
                destinationArn: destinations[key].destinationArn,
                destinationType: types[key],
                destinationOutputFormat: destinations[key].outputFormat,
            };
        }
        const source = new DeliverySource(`${name}-source`, {
            resourceArn: args.resourceArn,
            logType: args.logType,
            deliverySourceName: args.deliverySourceName,
            deliveries,
            region: args.region,
            tags: args.tags,
        }, { parent: this, dependsOn: Object.values(destinations) });

        this.destinations = destinations;
        this.source = source;
        this.destinationArns = pulumi.all(Object.fromEntries(Object.entries(destinations).map(([k, d]) => [k, d.destinationArn])));
        this.sourceArn = source.sourceArn;
        this.deliveryArns = source.deliveryArns;
        this.s3KeyPrefixes = source.s3KeyPrefixes;
        this.registerOutputs({
            destinationArns: this.destinationArns,
            sourceArn: this.sourceArn,
            deliveryArns: this.deliveryArns,
            s3KeyPrefixes: this.s3KeyPrefixes,
        });
    }
}

/** A destination given as an existing DeliveryDestination: no option that would create one. Returns its type. */
function checkSharedDestination(key: string, d: DeliveryChainDestinationArgs): string {
    for (const k of ["s3", "cloudWatchLogs", "firehose", "xray", "outputFormat", "destinationName"] as const) {
        if (d[k] !== undefined) {
            throw new ValidationError(`destinations.${key}.${k}`,
                `Only one of [destinations.${key}.${k}] and [destinations.${key}.destination] can be given: ` +
                `[destination] delivers to an existing DeliveryDestination, whose own arguments set its kind, output format and name; leave [${k}] out.`);
        }
    }
    return d.destination!.knownType;
}

function deliveryOptionsOf(d: DeliveryChainDestinationArgs): Omit<DeliveryTargetArgs, "destinationArn"> {
    return {
        recordFields: d.recordFields, fieldDelimiter: d.fieldDelimiter,
        suffixPath: d.suffixPath, enableHiveCompatiblePath: d.enableHiveCompatiblePath, suffixPathFields: d.suffixPathFields,
    };
}
