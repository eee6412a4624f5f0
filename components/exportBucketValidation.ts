/**
 * Validation of {@link ExportBucketArgs} that runs before any resource is registered.
 */
import {
    regionOfKmsKeyArn, ValidationError, validateAccountIds, validateBucketName, validateDays, validateKmsKeyArn, validateLogGroupName,
    validateOrgId, validatePrefixes, validatePrincipalArn, validateRegion,
} from "../policies/validate";
import { EXPORT_BUCKET_SIDS } from "../policies/exportBucket";
import { EXPORT_KEY_SIDS } from "../policies/exportKey";
import { PolicyStatement } from "../policies/types";
import { ArchiveStorageClass, ExportBucketArgs } from "./exportBucketArgs";
import { checkBoolean, checkList, checkNumber, known, plain, plainList } from "./inputs";

const STORAGE_CLASSES: readonly ArchiveStorageClass[] = [
    "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
];

/**
 * Throws a {@link ValidationError} for the first bad argument whose value is known now. Values
 * that are outputs are checked by {@link validateResolvedSources} when they resolve.
 */
export function validateExportBucketArgs(args: ExportBucketArgs): void {
    validateShapes(args);
    if (args.bucketName !== undefined && args.existingBucketName !== undefined) {
        throw new ValidationError("bucketName",
            "Only one of [bucketName] and [existingBucketName] can be given: name a bucket to create, or an existing bucket to use.");
    }
    if (args.bucketName !== undefined) {
        validateBucketName(args.bucketName, "bucketName");
    }
    if (args.existingBucketName !== undefined) {
        validateBucketName(args.existingBucketName, "existingBucketName");
        for (const arg of ["encryption", "versioning", "lifecycle", "forceDestroy", "keyAlias", "keyDeletionWindowInDays", "additionalKeyPolicyStatements"] as const) {
            if (args[arg] !== undefined) {
                throw new ValidationError(arg,
                    `[${arg}] configures a bucket or key the component creates, so it cannot be given with [existingBucketName]: ` +
                    `configure the existing bucket where it is managed, or let the component create the bucket.`);
            }
        }
    } else if (args.manageBucketPolicy !== undefined) {
        throw new ValidationError("manageBucketPolicy",
            "[manageBucketPolicy] only applies with [existingBucketName]: a bucket the component creates always gets its policy.");
    }
    validateEncryption(args);
    validateSourcesNow(args);

    const region = plain(args.region);
    if (known(region)) {
        validateRegion(region, "region");
        const keyArn = plain(args.kmsKeyArn);
        const keyRegion = known(keyArn) ? regionOfKmsKeyArn(keyArn) : undefined;
        if (keyRegion !== undefined && keyRegion !== region) {
            throw new ValidationError("kmsKeyArn",
                `the key is in ${keyRegion} but the bucket is in ${region}: SSE-KMS needs a key in the bucket's region.`);
        }
    }
    validateLifecycle(args);
    const extra = plain(args.additionalPolicyStatements);
    if (known(extra)) {
        checkStatementSids(extra, Object.values(EXPORT_BUCKET_SIDS), "additionalPolicyStatements", "bucket");
    }
    const extraKey = plain(args.additionalKeyPolicyStatements);
    if (known(extraKey)) {
        checkStatementSids(extraKey, Object.values(EXPORT_KEY_SIDS), "additionalKeyPolicyStatements", "key");
    }
    if (args.keyDeletionWindowInDays !== undefined) {
        const d = args.keyDeletionWindowInDays;
        if (!Number.isInteger(d) || d < 7 || d > 30) {
            throw new ValidationError("keyDeletionWindowInDays", `${JSON.stringify(d)} is out of range: KMS allows a whole number of days from 7 to 30.`);
        }
    }
    if (args.keyAlias !== undefined && (!/^alias\/[\w/-]{1,250}$/.test(args.keyAlias) || args.keyAlias.startsWith("alias/aws/"))) {
        throw new ValidationError("keyAlias",
            `${JSON.stringify(args.keyAlias)} is not a usable alias: write "alias/" followed by letters, digits, "/", "_" or "-" (the "alias/aws/" prefix is reserved for AWS).`);
    }
}

/**
 * Lists where lists belong and booleans where booleans belong, before anything reads them: values
 * read from stack config arrive as strings (`pulumi config set versioning true` is the string "true").
 */
function validateShapes(args: ExportBucketArgs): void {
    checkList(args.sourceAccounts, "sourceAccounts", '["111122223333"]');
    checkList(args.logGroupNames, "logGroupNames", '["/app/web"]');
    checkList(args.destinationPrefixes, "destinationPrefixes", '["exports-7f3a9c"]');
    checkList(args.crossAccountCallerArns, "crossAccountCallerArns", '["arn:aws:iam::111122223333:role/ExportCaller"]');
    checkList(args.additionalPolicyStatements, "additionalPolicyStatements", '[{ Sid: "...", Effect: "Allow", ... }]');
    checkList(args.additionalKeyPolicyStatements, "additionalKeyPolicyStatements", '[{ Sid: "...", Effect: "Allow", ... }]');
    for (const flag of ["manageBucketPolicy", "denyInsecureTransport", "versioning", "forceDestroy"] as const) {
        checkBoolean(args[flag], flag);
    }
    checkNumber(args.keyDeletionWindowInDays, "keyDeletionWindowInDays");
    const lc = args.lifecycle as unknown;
    if (lc !== undefined && (lc === null || typeof lc !== "object" || Array.isArray(lc))) {
        throw new ValidationError("lifecycle",
            `expected an object such as { transitionAfterDays: 30, expireAfterDays: 365 }, got ${JSON.stringify(lc)}.`);
    }
}

/**
 * Statements appended to a policy need Sids of their own: IAM refuses a policy whose Sids repeat,
 * and a Sid the component writes itself would shadow one of its statements.
 */
export function checkStatementSids(extra: readonly PolicyStatement[], reserved: readonly string[], argument: string, what: string): void {
    const seen = new Set<string>();
    for (const s of extra) {
        if (s === null || typeof s !== "object" || Array.isArray(s)) {
            throw new ValidationError(argument, `every entry must be a policy statement object ({ Sid, Effect, Principal, Action, Resource, ... }), got ${JSON.stringify(s)}.`);
        }
        if (s.Sid === undefined) {
            continue;
        }
        if (reserved.includes(s.Sid)) {
            throw new ValidationError(argument,
                `the Sid ${JSON.stringify(s.Sid)} is one of the export ${what} policy's own statements: give your statement another Sid.`);
        }
        if (seen.has(s.Sid)) {
            throw new ValidationError(argument,
                `two statements have the Sid ${JSON.stringify(s.Sid)}: each statement of a policy needs its own Sid (IAM refuses the policy otherwise); rename one of them.`);
        }
        seen.add(s.Sid);
    }
}

function validateEncryption(args: ExportBucketArgs): void {
    const enc = args.encryption as string | undefined;
    if (enc === "aws:kms:dsse") {
        throw new ValidationError("encryption",
            `"aws:kms:dsse" (DSSE-KMS) cannot be used: CloudWatch Logs does not support exporting to buckets encrypted with DSSE-KMS (CloudWatch Logs User Guide, S3ExportTasks.html). ` +
            `Use "aws:kms" (SSE-KMS) or "AES256" (SSE-S3).`);
    }
    if (enc !== undefined && enc !== "aws:kms" && enc !== "AES256") {
        throw new ValidationError("encryption", `${JSON.stringify(enc)} is not a supported encryption: use "aws:kms" (SSE-KMS) or "AES256" (SSE-S3).`);
    }
    if (args.kmsKeyArn !== undefined && enc === "AES256") {
        throw new ValidationError("kmsKeyArn",
            `Only one of [kmsKeyArn] and [encryption: "AES256"] can be given: SSE-S3 uses no KMS key. Remove one of them.`);
    }
    const key = plain(args.kmsKeyArn);
    if (known(key)) {
        validateKmsKeyArn(key, "kmsKeyArn");
    }
}

function validateSourcesNow(args: ExportBucketArgs): void {
    const accounts = plainList(args.sourceAccounts);
    const org = plain(args.sourceOrgId);
    if (accounts !== undefined && args.sourceOrgId !== undefined) {
        throw new ValidationError("sourceAccounts",
            "Only one of [sourceAccounts] and [sourceOrgId] can be given: list source accounts, or name the organization whose accounts may export.");
    }
    if (known(accounts)) {
        if (accounts.length === 0) {
            throw new ValidationError("sourceAccounts",
                "the list is empty, so no account could export: list the 12-digit IDs of the accounts whose log groups export here, " +
                "give [sourceOrgId], or leave [sourceAccounts] out to use this stack's account.");
        }
        validateAccountIds(accounts, "sourceAccounts");
    }
    if (known(org)) {
        validateOrgId(org, "sourceOrgId");
    }
    const groups = plainList(args.logGroupNames);
    if (known(groups)) {
        groups.forEach(g => validateLogGroupName(g, "logGroupNames"));
    }
    const prefixes = plainList(args.destinationPrefixes);
    if (known(prefixes)) {
        validatePrefixes(prefixes, "destinationPrefixes");
    }
    const callers = plainList(args.crossAccountCallerArns);
    if (known(callers)) {
        callers.forEach(a => validatePrincipalArn(a, "crossAccountCallerArns"));
    }
}

function validateLifecycle(args: ExportBucketArgs): void {
    const lc = args.lifecycle;
    if (lc === undefined) {
        return;
    }
    if (lc.transitionAfterDays === undefined && lc.expireAfterDays === undefined) {
        throw new ValidationError("lifecycle",
            "give [lifecycle.transitionAfterDays], [lifecycle.expireAfterDays] or both; leave [lifecycle] out for no lifecycle rule.");
    }
    if (lc.transitionAfterDays !== undefined) {
        validateDays(lc.transitionAfterDays, "lifecycle.transitionAfterDays", 0);
    }
    if (lc.expireAfterDays !== undefined) {
        validateDays(lc.expireAfterDays, "lifecycle.expireAfterDays", 1);
    }
    if (lc.transitionStorageClass !== undefined && !STORAGE_CLASSES.includes(lc.transitionStorageClass)) {
        throw new ValidationError("lifecycle.transitionStorageClass",
            `${JSON.stringify(lc.transitionStorageClass)} is not an archive storage class: use one of ${STORAGE_CLASSES.join(", ")}.`);
    }
    if (lc.transitionStorageClass !== undefined && lc.transitionAfterDays === undefined) {
        throw new ValidationError("lifecycle.transitionStorageClass",
            "[lifecycle.transitionStorageClass] needs [lifecycle.transitionAfterDays]: say after how many days objects move.");
    }
    if (lc.transitionAfterDays !== undefined && lc.expireAfterDays !== undefined && lc.expireAfterDays <= lc.transitionAfterDays) {
        throw new ValidationError("lifecycle.expireAfterDays",
            `objects would expire after ${lc.expireAfterDays} days, before or when they transition after ${lc.transitionAfterDays}: ` +
            `make [lifecycle.expireAfterDays] greater than [lifecycle.transitionAfterDays], or drop the transition.`);
    }
}
