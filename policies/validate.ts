/**
 * Input validation shared by the components, the ExportTask provider's `check` and the command line.
 *
 * Each function throws a {@link ValidationError} whose message starts with the argument's name in
 * brackets and ends with the fix, so the same words reach a `pulumi up`, a `pulumi preview` and a
 * shell user. Pure: no Pulumi, no SDK.
 */
import { Partition, PARTITIONS, partitionOfRegion, REGIONS } from "./partition";

/** A bad argument. `argument` is the name the user wrote (e.g. `sourceAccounts`, `--prefix`). */
export class ValidationError extends Error {
    constructor(public readonly argument: string, message: string) {
        super(`[${argument}] ${message}`);
        // Set again: inside a Pulumi dynamic provider this class is serialized, and the serializer
        // rewrites `super(message)` into `Error.call(this, message)`, which drops the message.
        this.message = `[${argument}] ${message}`;
        this.name = "ValidationError";
        // Bad input needs no stack, and one thrown inside a Pulumi `apply` would carry frames that
        // make Node 20's util.inspect (run by Pulumi's program runner on uncaught errors) spin: see
        // components/inputs.ts `inputError`.
        this.stack = `ValidationError: ${this.message}`;
    }
}

const ACCOUNT_ID = /^\d{12}$/;
// AWS Organizations: "o-" followed by 10 to 32 lowercase letters or digits.
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const IAM_PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):(iam::\d{12}:(user|role)\/[\w+=,.@\/-]+|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|iam::\d{12}:root)$/;
const IAM_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
// CloudWatch Logs log group names: 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.', '#'.
const LOG_GROUP_NAME = /^[\w\-/.#]{1,512}$/;

/** Throws unless `id` is a 12-digit AWS account ID. */
export function validateAccountId(id: string, argument: string): string {
    if (typeof id !== "string" || !ACCOUNT_ID.test(id)) {
        throw new ValidationError(argument,
            `${JSON.stringify(id)} is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".`);
    }
    return id;
}

/** Throws unless every entry is a 12-digit account ID; returns the list without duplicates, in order. */
export function validateAccountIds(ids: readonly string[], argument: string): string[] {
    ids.forEach(id => validateAccountId(id, argument));
    return [...new Set(ids)];
}

/** Throws unless `id` is an AWS Organizations ID (`o-` followed by 10 to 32 lowercase letters or digits). */
export function validateOrgId(id: string, argument: string): string {
    if (typeof id !== "string" || !ORG_ID.test(id)) {
        throw new ValidationError(argument,
            `${JSON.stringify(id)} is not an AWS Organizations ID: use the ID shown by ` +
            `\`aws organizations describe-organization\`, "o-" followed by 10 to 32 lowercase letters or digits.`);
    }
    return id;
}

/**
 * Source accounts or an organization, never neither: a bucket policy with an empty
 * `aws:SourceAccount` list allows nobody, and seed 003 requires the list of source accounts.
 */
export function validateSources(
    accounts: readonly string[] | undefined, orgId: string | undefined, accountsArg: string, orgArg: string,
): { accounts: string[]; orgId?: string } {
    if (orgId !== undefined && accounts !== undefined && accounts.length > 0) {
        throw new ValidationError(accountsArg,
            `Only one of [${accountsArg}] and [${orgArg}] can be given: list source accounts, or name the organization whose accounts may export.`);
    }
    if (orgId !== undefined) {
        return { accounts: [], orgId: validateOrgId(orgId, orgArg) };
    }
    if (accounts === undefined || accounts.length === 0) {
        throw new ValidationError(accountsArg,
            `at least one source account is required (CloudWatch Logs User Guide, S3ExportTasks.html: the bucket policy lists the accounts allowed to export): ` +
            `give the 12-digit IDs of the accounts whose log groups export here, or [${orgArg}].`);
    }
    return { accounts: validateAccountIds(accounts, accountsArg) };
}

/**
 * S3 general purpose bucket naming rules: 3-63 characters; lowercase letters, digits, dots and
 * hyphens; begins and ends with a letter or digit; no `..`; not an IP address; none of the reserved
 * prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) or suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`).
 */
export function validateBucketName(name: string, argument: string): string {
    const problem = bucketNameProblem(name);
    if (problem !== undefined) {
        throw new ValidationError(argument,
            `${JSON.stringify(name)} is not a valid S3 bucket name: ${problem}.`);
    }
    return name;
}

function bucketNameProblem(name: string): string | undefined {
    if (typeof name !== "string" || name.length < 3 || name.length > 63) {
        return "it must be 3 to 63 characters long";
    }
    if (!/^[a-z0-9.-]+$/.test(name)) {
        return "use only lowercase letters, digits, dots (.) and hyphens (-)";
    }
    if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) {
        return "it must begin and end with a lowercase letter or digit";
    }
    if (name.includes("..")) {
        return "it must not contain two adjacent dots";
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
        return "it must not be formatted as an IP address";
    }
    for (const p of ["xn--", "sthree-", "amzn-s3-demo-"]) {
        if (name.startsWith(p)) {
            return `it must not start with the reserved prefix "${p}"`;
        }
    }
    for (const s of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
        if (name.endsWith(s)) {
            return `it must not end with the reserved suffix "${s}"`;
        }
    }
    return undefined;
}

/**
 * An S3 key prefix for exported objects (seed 001: "destination prefix"). It must not start with
 * `/` (S3 keys have no leading slash, so a policy for `/logs/*` never matches), nor contain `//`,
 * and it is at most 512 characters (CreateExportTask's limit on `destinationPrefix`). A trailing
 * `/` is dropped.
 */
export function validatePrefix(prefix: string, argument: string): string {
    if (typeof prefix !== "string" || prefix.length === 0) {
        throw new ValidationError(argument, `a prefix must not be empty: leave it out to use the whole bucket.`);
    }
    if (prefix.startsWith("/")) {
        throw new ValidationError(argument,
            `${JSON.stringify(prefix)} starts with "/": S3 keys have no leading slash, so write ${JSON.stringify(prefix.replace(/^\/+/, ""))}.`);
    }
    if (prefix.includes("//")) {
        throw new ValidationError(argument,
            `${JSON.stringify(prefix)} contains "//", which makes an empty path segment: write ${JSON.stringify(prefix.replace(/\/{2,}/g, "/"))}.`);
    }
    if (prefix.length > 512) {
        throw new ValidationError(argument, `a prefix is at most 512 characters (CreateExportTask's limit); this one has ${prefix.length}.`);
    }
    if (/[\u0000-\u001f\u007f*?]/.test(prefix)) {
        throw new ValidationError(argument,
            `${JSON.stringify(prefix)} contains a control character, "*" or "?": these would act as wildcards or break the policy's resource ARN.`);
    }
    return prefix.replace(/\/+$/, "");
}

/** Validates a list of prefixes; returns them normalized and without duplicates. */
export function validatePrefixes(prefixes: readonly string[], argument: string): string[] {
    return [...new Set(prefixes.map(p => validatePrefix(p, argument)))];
}

/** Throws unless `region` is a region this library knows; returns its partition. */
export function validateRegion(region: string, argument: string): Partition {
    const p = typeof region === "string" ? partitionOfRegion(region) : undefined;
    if (p === undefined) {
        const near = typeof region === "string"
            ? PARTITIONS.flatMap(x => REGIONS[x]).filter(r => r.startsWith(region.split("-")[0] ?? "")).slice(0, 4)
            : [];
        throw new ValidationError(argument,
            `${JSON.stringify(region)} is not a known AWS region: use a region code such as "us-east-1"` +
            (near.length > 0 ? ` (did you mean ${near.map(r => `"${r}"`).join(", ")}?)` : "") + ".");
    }
    return p;
}

/**
 * Throws unless the destination bucket's region is the log groups' region: CloudWatch Logs does not
 * export to a bucket in another region (seeds 002/003, step 1 note). Across accounts the two regions
 * come from two stacks (the bucket's `region` output and the source stack's provider), so this is
 * where a mismatch is caught before anything is created.
 */
export function validateSameExportRegion(logGroupRegion: string, destinationRegion: string, argument: string): void {
    if (logGroupRegion !== destinationRegion) {
        throw new ValidationError(argument,
            `the destination bucket is in "${destinationRegion}" but the log groups are in "${logGroupRegion}": CloudWatch Logs only exports ` +
            `to a bucket in the log group's region (CloudWatch Logs User Guide, S3ExportTasks.html). Deploy the source side to "${destinationRegion}" (its provider's region or [region]), ` +
            `or export to a bucket in "${logGroupRegion}".`);
    }
}

/** Throws unless `partition` is `aws`, `aws-cn` or `aws-us-gov`. */
export function validatePartition(partition: string, argument: string): Partition {
    if (!(PARTITIONS as readonly string[]).includes(partition)) {
        throw new ValidationError(argument,
            `${JSON.stringify(partition)} is not a supported partition: use one of ${PARTITIONS.map(p => `"${p}"`).join(", ")}.`);
    }
    return partition as Partition;
}

/**
 * The partition of `region`: the one given (validated, and the region must belong to it), or the
 * region's own. Throws for an unknown region or a region of another partition.
 */
export function resolvePartition(region: string, partition: string | undefined): Partition {
    const p = partition !== undefined ? validatePartition(partition, "partition") : (partitionOfRegion(region) ?? "aws");
    validateRegionInPartition(region, p, "region");
    return p;
}

/** Throws unless `region` belongs to `partition`. */
export function validateRegionInPartition(region: string, partition: Partition, argument: string): void {
    const p = validateRegion(region, argument);
    if (p !== partition) {
        throw new ValidationError(argument,
            `region "${region}" is in partition "${p}", not "${partition}": give a region of that partition or change the partition.`);
    }
}

/** Throws unless `name` is a CloudWatch Logs log group name (1-512 of a-z A-Z 0-9 _ - / . #). */
export function validateLogGroupName(name: string, argument: string): string {
    if (typeof name !== "string" || !LOG_GROUP_NAME.test(name)) {
        throw new ValidationError(argument,
            `${JSON.stringify(name)} is not a CloudWatch Logs log group name: use 1 to 512 characters from a-z, A-Z, 0-9, "_", "-", "/", "." and "#".`);
    }
    return name;
}

/**
 * Throws unless `arn` is an IAM user or role ARN (or an STS assumed-role or account root ARN) —
 * the cross-account caller principals of seeds 002/003.
 */
export function validatePrincipalArn(arn: string, argument: string): string {
    if (typeof arn !== "string" || !IAM_PRINCIPAL_ARN.test(arn)) {
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is not an IAM user or role ARN: use the form "arn:aws:iam::111122223333:role/ExportCaller" ` +
            `or "arn:aws:iam::111122223333:user/CWLExportUser".`);
    }
    return arn;
}

/** Throws unless `arn` is an IAM role ARN (a role to assume). */
export function validateRoleArn(arn: string, argument: string): string {
    if (typeof arn !== "string" || !IAM_ROLE_ARN.test(arn)) {
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is not an IAM role ARN: use the form "arn:aws:iam::111122223333:role/ExportCaller".`);
    }
    return arn;
}

/** The 12-digit account ID inside an IAM or STS principal ARN. */
export function accountOfPrincipalArn(arn: string): string {
    const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn);
    if (!m) {
        throw new Error(`not a principal ARN: ${arn}`);
    }
    return m[1];
}

const KMS_KEY_ARN = /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):(key\/[A-Za-z0-9-]+|alias\/[\w/-]+)$/;

/**
 * A KMS key for SSE-KMS export encryption. AWS managed keys (`alias/aws/s3`, or any `alias/aws/...`)
 * are refused: their key policy cannot be edited, so the CloudWatch Logs principal can never be
 * granted `kms:GenerateDataKey` (seed 003) and delivered logs could not be read across accounts
 * (seed 004). Accepts a key ARN or an alias ARN of a customer managed key.
 */
export function validateKmsKeyArn(arn: string, argument: string): string {
    if (typeof arn === "string" && /^(arn:[^:]+:kms:[^:]*:\d*:)?alias\/aws\//.test(arn)) {
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is an AWS managed key: its key policy cannot grant CloudWatch Logs ` +
            `kms:GenerateDataKey (CloudWatch Logs User Guide, S3ExportTasks.html), so exports to it fail. Use a customer managed key (leave [${argument}] out ` +
            `and the component creates one), or SSE-S3.`);
    }
    if (typeof arn !== "string" || !KMS_KEY_ARN.test(arn)) {
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is not a KMS key ARN: use the full ARN of a customer managed key, ` +
            `e.g. "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab".`);
    }
    return arn;
}

/** Region of a KMS key ARN. */
export function regionOfKmsKeyArn(arn: string): string | undefined {
    return KMS_KEY_ARN.exec(arn)?.[2];
}

/** Throws unless `days` is a whole number of days >= `min`. */
export function validateDays(days: number, argument: string, min = 1): number {
    if (typeof days !== "number" || !Number.isInteger(days) || days < min) {
        throw new ValidationError(argument, `${JSON.stringify(days)} is not a whole number of days of at least ${min}.`);
    }
    return days;
}

/**
 * Runs `fn`, renaming the argument of a {@link ValidationError} it throws (a policy builder's
 * option name) to the name the caller's user wrote (a component argument or a CLI flag).
 */
export function withArgumentNames<T>(names: Readonly<Record<string, string>>, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof ValidationError) {
            // Rename every argument the message mentions in brackets, not only the one at fault.
            const body = e.message.slice(e.argument.length + 3)
                .replace(/\[([\w.-]+)\]/g, (whole, arg: string) => names[arg] !== undefined ? `[${names[arg]}]` : whole);
            throw new ValidationError(names[e.argument] ?? e.argument, body);
        }
        throw e;
    }
}
