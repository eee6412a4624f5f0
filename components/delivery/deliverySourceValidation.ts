import { parseDeliveryDestinationArn } from "../../policies/deliveryDestination";
import { parseResourceArn, validateLogType, validateSourceRegion } from "../../policies/deliveryServices";
import { DeliveryOptionsCheck, validateDeliveryOptions, validateSameRegion } from "../../policies/deliveryValidate";
import { ValidationError, withArgumentNames } from "../../policies/validate";
import { known, plain, plainList, UNKNOWN } from "../inputs";
import { DeliverySourceArgs, DeliveryTargetArgs } from "./deliverySourceArgs";

/** One delivery of a source as plain values, for {@link checkDelivery}. */
export interface PlainDelivery {
    resourceArn: string;
    logType: string;
    region: string;
    destinationArn: string;
    destinationType?: string;
    destinationOutputFormat?: string;
    recordFields?: string[];
    fieldDelimiter?: string;
    suffixPath?: string;
    enableHiveCompatiblePath?: boolean;
    suffixPathFields?: string[];
}

/** Option names of one delivery -> the argument a user wrote, `deliveries.<key>.<option>`. */
function deliveryArgumentNames(key: string): Record<string, string> {
    const names: Record<string, string> = {};
    for (const k of ["destinationArn", "destinationType", "destinationOutputFormat", "recordFields", "fieldDelimiter", "suffixPath", "enableHiveCompatiblePath", "suffixPathFields"]) {
        names[k] = `deliveries.${key}.${k}`;
    }
    return names;
}

function resourceRegionError(resourceRegion: string, region: string): ValidationError {
    return new ValidationError("resourceArn",
        `the resource is in region "${resourceRegion}" but the delivery source would be in "${region}": ` +
        `create the source in the resource's region (set [region] or use a provider for that region).`);
}

function checkOptions(o: DeliveryOptionsCheck): void {
    if (o.enableHiveCompatiblePath !== undefined && o.suffixPath === undefined) {
        throw new ValidationError("enableHiveCompatiblePath",
            `[enableHiveCompatiblePath] needs [suffixPath]: @pulumi/aws sends both fields of s3DeliveryConfigurations together; give the suffix path too.`);
    }
    validateDeliveryOptions(o);
}

/**
 * Everything that can be checked about one delivery before it is created: the resource ARN and its
 * log type, the resource's region, the destination ARN (service and region) and the options that
 * depend on the destination.
 */
export function checkDelivery(key: string, a: PlainDelivery): void {
    const res = parseResourceArn(a.resourceArn, "resourceArn");
    validateLogType(a.resourceArn, a.logType, "logType");
    validateSourceRegion(a.resourceArn, a.region);
    if (res.region !== "" && res.region !== a.region) {
        throw resourceRegionError(res.region, a.region);
    }
    withArgumentNames(deliveryArgumentNames(key), () => {
        parseDeliveryDestinationArn(a.destinationArn, "destinationArn");
        validateSameRegion(a.region, a.destinationArn);
        checkOptions({
            destinationType: a.destinationType, outputFormat: a.destinationOutputFormat, fieldDelimiter: a.fieldDelimiter,
            suffixPath: a.suffixPath, enableHiveCompatiblePath: a.enableHiveCompatiblePath, recordFields: a.recordFields,
            suffixPathFields: a.suffixPathFields,
        });
    });
}

/**
 * The checks that the plain arguments allow now; the rest run when outputs resolve (the region
 * defaults to the provider's, known only then).
 */
export function checkPlainDeliverySource(args: DeliverySourceArgs): void {
    const resourceArn = plain(args.resourceArn);
    const logType = plain(args.logType);
    const region = plain(args.region);
    if (known(resourceArn)) {
        const res = parseResourceArn(resourceArn, "resourceArn");
        if (known(logType)) {
            validateLogType(resourceArn, logType, "logType");
        }
        if (known(region)) {
            validateSourceRegion(resourceArn, region);
        }
        if (known(region) && res.region !== "" && res.region !== region) {
            throw resourceRegionError(res.region, region);
        }
    }
    const name = plain(args.deliverySourceName);
    if (known(name) && !/^[\w-]{1,60}$/.test(name)) {
        throw new ValidationError("deliverySourceName", `${JSON.stringify(name)} is not a delivery source name: use 1 to 60 letters, digits, "_" and "-".`);
    }
    const keys = Object.keys(args.deliveries ?? {});
    if (keys.length === 0) {
        throw new ValidationError("deliveries", "at least one delivery is required: give { <key>: { destinationArn: ... } } for each destination.");
    }
    const types = new Map<string, string>();
    for (const key of keys) {
        if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(key)) {
            throw new ValidationError("deliveries",
                `${JSON.stringify(key)} is not a delivery key: use 1 to 40 lowercase letters, digits and "-" (it names the child resource).`);
        }
        const t = args.deliveries[key];
        checkPlainDelivery(key, t, region);
        const type = plain(t.destinationType);
        if (known(type)) {
            const other = types.get(type);
            if (other !== undefined) {
                throw new ValidationError(`deliveries.${key}.destinationType`,
                    `deliveries "${other}" and "${key}" both go to a destination of type "${type}": a delivery source has at most one delivery per destination type; use one source per destination of that type.`);
            }
            types.set(type, key);
        }
    }
}

function checkPlainDelivery(key: string, t: DeliveryTargetArgs, region: string | undefined | typeof UNKNOWN): void {
    withArgumentNames(deliveryArgumentNames(key), () => {
        const destinationArn = plain(t.destinationArn);
        if (known(destinationArn)) {
            parseDeliveryDestinationArn(destinationArn, "destinationArn");
            if (known(region)) {
                validateSameRegion(region, destinationArn);
            }
        }
        const options = {
            destinationType: plain(t.destinationType), outputFormat: plain(t.destinationOutputFormat),
            fieldDelimiter: plain(t.fieldDelimiter), suffixPath: plain(t.suffixPath),
            enableHiveCompatiblePath: plain(t.enableHiveCompatiblePath), recordFields: plainList(t.recordFields),
            suffixPathFields: t.suffixPathFields,
        };
        if (Object.values(options).every(v => v !== UNKNOWN)) {
            checkOptions(options as DeliveryOptionsCheck);
        }
    });
}
