/**
 * The KMS key policy of an SSE-KMS export bucket's key (seed 003, "(Optional) Step 4: export to a
 * bucket encrypted with SSE-KMS").
 */
import { accountRootArn, logsServicePrincipal, Partition } from "./partition";
import { FittedPolicy, fitsPolicyLimit, largestFitting, policyText, policyTooLarge } from "./limits";
import { mergeStatements, policyDocument, PolicyDocument, PolicyStatement } from "./types";
import { resolvePartition, validateAccountId, validatePrincipalArn } from "./validate";

/** Sids of the export key policy. The first two are seed 003's own. */
export const EXPORT_KEY_SIDS = {
    admin: "Enable IAM User Permissions",
    logsService: "Allow CWL Service Principal usage",
    callers: "Enable IAM Role Permissions",
} as const;

/** Options of {@link exportKeyPolicy}. */
export interface ExportKeyPolicyOptions {
    /** Region of the key, the bucket and the exported log groups. */
    region: string;
    /** The account that owns the key. */
    account: string;
    /** Partition; defaults to the region's. */
    partition?: Partition;
    /** Cross-account CreateExportTask callers (IAM role or user ARNs) that need the key (seed 003). */
    callerArns?: readonly string[];
}

/**
 * The key's statements.
 *
 * - `Enable IAM User Permissions`: the account root gets `kms:*`. This is AWS's default key policy
 *   statement; seed 003 shows a narrow admin list instead, but that list lacks
 *   `kms:EnableKeyRotation`, `kms:TagResource` and the other calls Pulumi needs to manage the key,
 *   so it would lock the stack out of its own key (DESIGN.md).
 * - `Allow CWL Service Principal usage`: `kms:GenerateDataKey` and `kms:Decrypt` for
 *   `logs.<region>.amazonaws.com`, exactly as seed 003 writes it (no conditions: the seed has none,
 *   and an undocumented condition could break exports).
 * - `Enable IAM Role Permissions` (cross-account only): the same two actions for the callers.
 *   Seed 003 writes `"Resource": "ARN_OF_KMS_KEY"`; in a key policy `"*"` means "this key", and the
 *   key's ARN is not known before the key exists, so `"*"` is used.
 */
export function exportKeyStatements(o: ExportKeyPolicyOptions): PolicyStatement[] {
    const account = validateAccountId(o.account, "account");
    const partition = resolvePartition(o.region, o.partition);
    const callers = [...new Set((o.callerArns ?? []).map(a => validatePrincipalArn(a, "callerArns")))];

    const statements: PolicyStatement[] = [
        {
            Sid: EXPORT_KEY_SIDS.admin,
            Effect: "Allow",
            Principal: { AWS: accountRootArn(partition, account) },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: EXPORT_KEY_SIDS.logsService,
            Effect: "Allow",
            Principal: { Service: logsServicePrincipal(o.region, partition) },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
        },
    ];
    if (callers.length > 0) {
        statements.push({
            Sid: EXPORT_KEY_SIDS.callers,
            Effect: "Allow",
            Principal: { AWS: callers.length === 1 ? callers[0] : callers },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
        });
    }
    return statements;
}

/** The whole export key policy document (seed 003), checked against KMS's 32 KB limit. */
export function exportKeyPolicy(o: ExportKeyPolicyOptions): PolicyDocument {
    return fitExportKeyPolicy(o).document;
}

/**
 * The export key policy plus `extra` statements (e.g. `additionalKeyPolicyStatements`), checked
 * against KMS's 32 KB key policy limit on the exact text that is sent. `admin: false` leaves out
 * the account-root admin statement (the statements to merge into a key someone else manages).
 * Over the limit: throws a ValidationError saying how many caller ARNs fit.
 */
export function fitExportKeyPolicy(o: ExportKeyPolicyOptions, extra: readonly PolicyStatement[] = [], admin = true): FittedPolicy {
    const build = (callerArns: readonly string[] | undefined) => mergeStatements(policyDocument(
        exportKeyStatements({ ...o, callerArns }).filter(s => admin || s.Sid !== EXPORT_KEY_SIDS.admin)), extra);
    const document = build(o.callerArns);
    const text = policyText(document);
    if (fitsPolicyLimit("kms-key-policy", text)) {
        return { document, text, compacted: false };
    }
    const callers = [...new Set(o.callerArns ?? [])];
    const fitting = largestFitting(callers.length, k => fitsPolicyLimit("kms-key-policy", policyText(build(callers.slice(0, k)))));
    if (callers.length > 0 && (fitting > 0 || extra.length === 0)) {
        throw policyTooLarge("kms-key-policy", text, "callerArns",
            `with the other arguments as given, at most ${fitting} of these ${callers.length} caller ARNs fit. ` +
            `Name an account's root (arn:aws:iam::111122223333:root) instead of each of its roles: the key then trusts ` +
            `that account's IAM policies to say which of its principals may use it.`);
    }
    throw policyTooLarge("kms-key-policy", text, "additionalKeyPolicyStatements",
        "shorten [additionalKeyPolicyStatements]: the key policy is over the limit with them.");
}
