/**
 * `doctor`'s checks: pure functions from {@link DoctorFacts} to verdicts, each failure with the
 * statement (from policies/) that fixes it. The AWS rules come from the CloudWatch Logs User Guide's
 * S3ExportTasks page: same region, no DSSE-KMS, no AWS managed key, GetBucketAcl and PutObject (with
 * `x-amz-acl = bucket-owner-full-control`) for `logs.<region>.amazonaws.com`, the key usable by that
 * principal, and cross-account callers allowed PutObject and the key.
 */
import { EXPORT_BUCKET_SIDS, exportBucketStatements } from "../../policies/exportBucket";
import { EXPORT_KEY_SIDS, exportKeyStatements } from "../../policies/exportKey";
import { bucketArn, logsServicePrincipal, Partition, partitionOfRegion } from "../../policies/partition";
import { PolicyDocument, PolicyStatement } from "../../policies/types";
import { EvalRequest, evaluate, RequestPrincipal, Verdict } from "./evaluate";
import { DoctorFacts, Encryption } from "./facts";

/** The outcome of one check. `warn` does not fail the run: it says what could not be proven. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One line of the report, with details and the fix. */
export interface CheckResult {
    status: CheckStatus;
    /** What was checked, e.g. `bucket region eu-west-1 matches the log group's region`. */
    title: string;
    /** Why it failed or warns, one line each. */
    detail: string[];
    /** How to fix it: a sentence, and statements ready to merge when a policy lacks one. */
    fix?: { text: string; statements?: PolicyStatement[] };
}

const ACL = "bucket-owner-full-control";
const RANK: Readonly<Record<Verdict, number>> = { "allow": 0, "unknown": 1, "implicit-deny": 2, "explicit-deny": 3 };

function partitionOf(f: DoctorFacts): Partition {
    return partitionOfRegion(f.logsRegion) ?? "aws";
}

/** The object ARN doctor asks about: under `--prefix`, else any key (`*`, see EvalRequest.resource). */
function objectResource(f: DoctorFacts): string {
    const base = bucketArn(partitionOf(f), f.bucket);
    return f.prefix === undefined ? `${base}/*` : `${base}/${f.prefix.replace(/\/+$/, "")}/*`;
}

/** `aws:SourceArn` values CloudWatch Logs may present: both spellings of a named log group, or any. */
function sourceArns(f: DoctorFacts, account: string): string[] {
    const base = `arn:${partitionOf(f)}:logs:${f.logsRegion}:${account}:log-group:`;
    return f.logGroupName === undefined ? [`${base}*`] : [`${base}${f.logGroupName}`, `${base}${f.logGroupName}:*`];
}

function logsRequests(f: DoctorFacts, action: string, resource: string, account: string, acl: boolean): EvalRequest[] {
    const principal: RequestPrincipal = { kind: "service", service: logsServicePrincipal(f.logsRegion, partitionOf(f)) };
    return sourceArns(f, account).map(arn => ({
        principal, action, resource,
        context: {
            "aws:SourceAccount": account,
            "aws:SourceArn": arn,
            "aws:SecureTransport": "true",
            "s3:x-amz-acl": acl ? ACL : null,
        },
    }));
}

function callerRequest(caller: string, action: string, resource: string, acl: boolean): EvalRequest {
    const account = accountOf(caller);
    return {
        principal: { kind: "aws", arn: caller, account },
        action, resource,
        context: {
            "aws:PrincipalAccount": account,
            "aws:SecureTransport": "true",
            "aws:SourceAccount": null,
            "aws:SourceArn": null,
            "s3:x-amz-acl": acl ? ACL : null,
        },
    };
}

/** The 12-digit account of an IAM/STS principal ARN, or "" when it has none. */
export function accountOf(arn: string): string {
    return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? "";
}

function label(s: PolicyStatement): string {
    return s.Sid !== undefined && s.Sid !== "" ? `"${s.Sid}"` : "(no Sid)";
}

/** For an implicit deny: which context key, if unknown, would let a statement apply (the likely culprit). */
function nearMisses(policy: PolicyDocument | undefined, r: EvalRequest): string[] {
    const misses: string[] = [];
    for (const key of Object.keys(r.context)) {
        const context: Record<string, string | null> = { ...r.context };
        delete context[key];
        if (evaluate(policy, { ...r, context }).verdict === "unknown") {
            const value = r.context[key];
            misses.push(`a statement matches except for its condition on ${key} ` +
                `(the request ${value === null ? "does not send it" : `sends ${JSON.stringify(value)}`})`);
        }
    }
    return misses;
}

/** Safe call of a policies/ builder: a fix is best effort (e.g. a legacy bucket name fails validation). */
function build(fn: () => PolicyStatement[]): PolicyStatement[] | undefined {
    try {
        return fn();
    } catch {
        return undefined;
    }
}

/** Runs `requests` against `policy`; ok only when every request is allowed. */
function accessCheck(
    title: string, policyName: string, policy: PolicyDocument | undefined, requests: EvalRequest[],
    fix: () => PolicyStatement[],
): CheckResult {
    const results = requests.map(r => ({ r, e: evaluate(policy, r) }));
    const worst = results.reduce((a, b) => RANK[b.e.verdict] > RANK[a.e.verdict] ? b : a);
    const statements = build(fix);
    const merge = `add this statement to the ${policyName}`;
    switch (worst.e.verdict) {
        case "allow":
            return { status: "ok", title, detail: [] };
        case "explicit-deny":
            return {
                status: "fail", title,
                detail: [`explicitly denied by statement ${[...new Set(worst.e.deniedBy.map(label))].join(", ")} of the ${policyName}; a Deny wins over any Allow`],
                fix: { text: `narrow or remove the Deny statement so it does not match ${describe(worst.r)}`, statements: worst.e.deniedBy },
            };
        case "unknown":
            return {
                status: "warn", title,
                detail: [`cannot prove it: ${worst.e.unknowns.join("; ")}`],
                fix: statements && { text: `to be sure, ${merge}`, statements },
            };
        case "implicit-deny": {
            const partly = results.some(x => x.e.verdict === "allow");
            const detail = partly
                ? [`allowed for ${String(results.find(x => x.e.verdict === "allow")?.r.context["aws:SourceArn"])} but not for ` +
                    `${String(worst.r.context["aws:SourceArn"])}: AWS uses both spellings of a log group ARN`]
                : [`no statement of the ${policyName} allows ${describe(worst.r)}`, ...nearMisses(policy, worst.r)];
            return { status: "fail", title, detail, fix: statements && { text: merge, statements } };
        }
    }
}

function describe(r: EvalRequest): string {
    const who = r.principal.kind === "service" ? r.principal.service : r.principal.arn;
    return `${who} ${r.action} on ${r.resource}`;
}

/** Warns when an allowed logs request is also allowed for a foreign source account (no confused-deputy conditions). */
function confusedDeputy(f: DoctorFacts, result: CheckResult, requests: (account: string) => EvalRequest[], policy: PolicyDocument | undefined, fix: () => PolicyStatement[]): CheckResult {
    if (result.status !== "ok") {
        return result;
    }
    const foreign = f.sourceAccount === "999999999999" ? "888888888888" : "999999999999";
    if (!requests(foreign).some(r => evaluate(policy, r).verdict === "allow")) {
        return result;
    }
    const statements = build(fix);
    return {
        status: "warn", title: result.title,
        detail: ["allowed without the confused-deputy conditions aws:SourceAccount / aws:SourceArn: any account's log groups could export here (AWS recommends them: CloudWatch Logs User Guide, S3ExportTasks.html)"],
        fix: statements && { text: "replace the statement with this one", statements },
    };
}

function bucketFix(f: DoctorFacts, sid: string): () => PolicyStatement[] {
    return () => exportBucketStatements({
        bucket: f.bucket, region: f.logsRegion,
        sourceAccounts: [...new Set([f.sourceAccount, f.bucketAccount])],
        logGroupNames: f.logGroupName === undefined ? undefined : [f.logGroupName],
        prefixes: f.prefix === undefined ? undefined : [f.prefix],
        callerArns: f.callerArn === undefined ? undefined : [f.callerArn],
        denyInsecureTransport: false,
    }).filter(s => s.Sid === sid);
}

function keyFix(f: DoctorFacts, sid: string): () => PolicyStatement[] {
    return () => exportKeyStatements({
        region: f.logsRegion, account: f.bucketAccount,
        callerArns: f.callerArn === undefined ? undefined : [f.callerArn],
    }).filter(s => s.Sid === sid);
}

/** The AWS managed key check: `KeyManager: AWS`, or an `alias/aws/...` alias (customers cannot create those). */
export function isAwsManagedKey(e: Extract<Encryption, { kind: "aws:kms" }>): boolean {
    if (e.keyId === undefined || /(^|:)alias\/aws\//.test(e.keyId)) {
        return true;
    }
    return e.key?.keyManager === "AWS" || (e.key?.aliases ?? []).some(a => a.startsWith("alias/aws/"));
}

function regionCheck(f: DoctorFacts): CheckResult {
    if (f.bucketRegion === f.logsRegion) {
        return { status: "ok", title: `bucket region ${f.bucketRegion} matches the log group's region`, detail: [] };
    }
    return {
        status: "fail", title: `bucket region ${f.bucketRegion} matches the log group's region`,
        detail: [`the bucket is in ${f.bucketRegion} but the log groups are in ${f.logsRegion}: CloudWatch Logs only exports to a bucket in the log group's region (CloudWatch Logs User Guide, S3ExportTasks.html)`],
        fix: { text: `use a bucket in ${f.logsRegion}, or export log groups of ${f.bucketRegion} (--region ${f.bucketRegion})` },
    };
}

function encryptionCheck(f: DoctorFacts): CheckResult {
    const e = f.encryption;
    const sse = "aws s3api put-bucket-encryption --bucket " + f.bucket;
    switch (e.kind) {
        case "none":
            return { status: "ok", title: "encryption: no default encryption rule (S3 applies SSE-S3)", detail: [] };
        case "AES256":
            return { status: "ok", title: "encryption: SSE-S3 (AES256)", detail: [] };
        case "aws:kms:dsse":
            return {
                status: "fail", title: "encryption: DSSE-KMS (aws:kms:dsse) is not supported by exports",
                detail: ["CloudWatch Logs cannot export to buckets encrypted with DSSE-KMS (CloudWatch Logs User Guide, S3ExportTasks.html)"],
                fix: { text: `switch to SSE-KMS with a customer managed key, or SSE-S3: ${sse} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'` },
            };
        case "aws:kms": {
            const name = e.key?.arn ?? e.keyId ?? "aws/s3";
            if (isAwsManagedKey(e)) {
                return {
                    status: "fail", title: `encryption: SSE-KMS with the AWS managed key ${name}`,
                    detail: ["an AWS managed key's policy cannot be changed, so it can never let CloudWatch Logs use it (CloudWatch Logs User Guide, S3ExportTasks.html)"],
                    fix: { text: `use a customer managed key whose policy allows CloudWatch Logs (cwlogs-export policy export-key), or SSE-S3: ${sse} ...` },
                };
            }
            return { status: "ok", title: `encryption: SSE-KMS with customer managed key ${name}`, detail: [] };
        }
    }
}

function resources(s: PolicyStatement): string[] {
    const r = (s as { Resource?: string | string[] }).Resource;
    return r === undefined ? [] : Array.isArray(r) ? r : [r];
}

/**
 * Key prefixes the Allow statements of `policy` name in object resources of the bucket
 * (`arn:aws:s3:::bucket/<prefix>/*`, no wildcard inside the prefix), in the policy's order.
 */
export function policyPrefixes(policy: PolicyDocument | undefined, bucket: string): string[] {
    const out: string[] = [];
    for (const s of policy?.Statement ?? []) {
        if (s.Effect !== "Allow") {
            continue;
        }
        for (const r of resources(s)) {
            if (r.startsWith(`${bucket}/`) && r.endsWith("/*")) {
                const prefix = r.slice(bucket.length + 1, -2);
                if (prefix !== "" && !/[*?$]/.test(prefix) && !out.includes(prefix)) {
                    out.push(prefix);
                }
            }
        }
    }
    return out;
}

/**
 * Without --prefix, doctor asks about any key; a policy scoped to prefixes refuses that, yet exports
 * under those prefixes work. Returns the prefixes for which the same check passes.
 */
function workingPrefixes(f: DoctorFacts, policy: PolicyDocument | undefined, check: (g: DoctorFacts) => CheckResult): string[] {
    return policyPrefixes(policy, bucketArn(partitionOf(f), f.bucket)).filter(prefix => check({ ...f, prefix }).status === "ok");
}

function bucketPolicyChecks(f: DoctorFacts): CheckResult[] {
    if (f.bucketPolicyError !== undefined) {
        return [{
            status: "warn", title: "bucket policy readable",
            detail: [`cannot read the bucket policy (${f.bucketPolicyError}): GetBucketAcl and PutObject were not checked`],
            fix: { text: "run doctor as the bucket owner, with s3:GetBucketPolicy" },
        }];
    }
    const policy = f.bucketPolicy;
    const service = logsServicePrincipal(f.logsRegion, partitionOf(f));
    const bucket = bucketArn(partitionOf(f), f.bucket);
    const objects = objectResource(f);
    const acl = (account: string): EvalRequest[] => logsRequests(f, "s3:GetBucketAcl", bucket, account, false);
    const aclFix = bucketFix(f, EXPORT_BUCKET_SIDS.getBucketAcl);
    const anyKey = f.prefix === undefined ? " (any key: pass --prefix to check the destination prefix you export to)" : "";
    const putCheck = (g: DoctorFacts): CheckResult => {
        const requests = (account: string): EvalRequest[] => logsRequests(g, "s3:PutObject", objectResource(g), account, true);
        const fix = bucketFix(g, EXPORT_BUCKET_SIDS.putObject);
        return confusedDeputy(g, accessCheck(`bucket policy allows ${service} s3:PutObject on ${objectResource(g)} with x-amz-acl=${ACL}${g === f ? anyKey : ""}`,
            "bucket policy", policy, requests(g.sourceAccount), fix), requests, policy, fix);
    };
    let putResult = putCheck(f);
    if (putResult.status === "fail" && f.prefix === undefined) {
        const working = workingPrefixes(f, policy, putCheck);
        if (working.length > 0) {
            putResult = {
                status: "warn",
                title: `bucket policy allows ${service} s3:PutObject only under ${working.map(p => `${p}/`).join(", ")} (with x-amz-acl=${ACL})`,
                detail: [`not on any key of the bucket (${objects}): exports work with a destination prefix under ${working.length === 1 ? "that prefix" : "one of these prefixes"}`],
                fix: { text: `export with ${working.map(p => `--prefix ${p}`).join(" or ")}, and pass the same --prefix to doctor to check that prefix` },
            };
        }
    }
    const out: CheckResult[] = [
        confusedDeputy(f, accessCheck(`bucket policy allows ${service} s3:GetBucketAcl on ${bucket}`, "bucket policy", policy, acl(f.sourceAccount), aclFix),
            acl, policy, aclFix),
        putResult,
    ];
    if (policy === undefined) {
        out.forEach(r => { if (r.status === "fail") { r.detail.unshift("the bucket has no bucket policy"); } });
    }
    return out;
}

function keyChecks(f: DoctorFacts): CheckResult[] {
    const e = f.encryption;
    if (e.kind !== "aws:kms" || isAwsManagedKey(e)) {
        return [];
    }
    const service = logsServicePrincipal(f.logsRegion, partitionOf(f));
    const title = `key policy allows ${service} kms:GenerateDataKey and kms:Decrypt`;
    if (e.key?.policy === undefined) {
        const statements = build(keyFix(f, EXPORT_KEY_SIDS.logsService));
        return [{
            status: "warn", title,
            detail: [`cannot read the key policy of ${e.key?.arn ?? e.keyId ?? "the key"}${e.key?.policyError !== undefined ? ` (${e.key.policyError})` : ""}`],
            fix: statements && { text: "make sure the key policy has this statement", statements },
        }];
    }
    const arn = e.key.arn;
    const requests = ["kms:GenerateDataKey", "kms:Decrypt"].flatMap(a => logsRequests(f, a, arn, f.sourceAccount, false));
    return [accessCheck(title, "key policy", e.key.policy, requests, keyFix(f, EXPORT_KEY_SIDS.logsService))];
}

function callerChecks(f: DoctorFacts): CheckResult[] {
    const caller = f.callerArn;
    if (caller === undefined) {
        return [];
    }
    if (accountOf(caller) === f.bucketAccount) {
        return [{
            status: "ok", title: `caller ${caller} is in the bucket's account: its identity policy decides (cwlogs-export policy export-caller)`,
            detail: [],
        }];
    }
    const out: CheckResult[] = [];
    if (f.bucketPolicyError === undefined) {
        const objects = objectResource(f);
        out.push(accessCheck(`bucket policy allows caller ${caller} s3:PutObject on ${objects} with x-amz-acl=${ACL}`,
            "bucket policy", f.bucketPolicy, [callerRequest(caller, "s3:PutObject", objects, true)],
            bucketFix(f, EXPORT_BUCKET_SIDS.callerPutObject)));
    }
    const e = f.encryption;
    if (e.kind === "aws:kms" && !isAwsManagedKey(e) && e.key?.policy !== undefined) {
        const arn = e.key.arn;
        out.push(accessCheck(`key policy allows caller ${caller} kms:GenerateDataKey and kms:Decrypt`, "key policy", e.key.policy,
            ["kms:GenerateDataKey", "kms:Decrypt"].map(a => callerRequest(caller, a, arn, false)),
            keyFix(f, EXPORT_KEY_SIDS.callers)));
    }
    return out;
}

/** All checks, in report order. */
export function runChecks(f: DoctorFacts): CheckResult[] {
    const out: CheckResult[] = [];
    if (f.logGroupName !== undefined) {
        out.push(f.logGroupMissing === true
            ? {
                status: "fail", title: `log group "${f.logGroupName}" exists in ${f.logsRegion}`,
                detail: [`DescribeLogGroups in ${f.logsRegion} does not list "${f.logGroupName}" for account ${f.sourceAccount}`],
                fix: { text: "check the name, and pass --region (or --profile) of the log group" },
            }
            : { status: "ok", title: `log group "${f.logGroupName}" exists in ${f.logsRegion}`, detail: [] });
    }
    out.push(regionCheck(f), encryptionCheck(f), ...bucketPolicyChecks(f), ...keyChecks(f), ...callerChecks(f));
    return out;
}
