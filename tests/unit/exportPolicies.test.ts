/**
 * The export policies against the seeds' documented statements, and by evaluation.
 *
 * Seed 003 = "Exportez les données du journal vers Amazon S3 à l'aide du AWS CLI" (newest export page),
 * seed 002 = the Japanese CLI page, seed 000 = the console page. The JSON below is copied from the
 * seeds with their placeholders (Region, AccountId1, ...) replaced by example values.
 */
import * as assert from "assert";
import {
    EXPORT_BUCKET_SIDS, EXPORT_CALLER_ACTIONS, exportBucketPolicy, exportCallerPolicy, exportKeyPolicy, PolicyDocument,
    PolicyStatement,
} from "../../policies";
import { decide } from "../support/simulate";

const A1 = "111111111111";
const A2 = "222222222222";
const REGION = "us-west-1";
const BUCKET = "my-exported-logs";

function withoutSids(doc: PolicyDocument): PolicyStatement[] {
    return doc.Statement.map(({ Sid: _sid, ...rest }) => rest);
}

describe("export bucket policy: the seeds' documents", () => {
    it("equals seed 003's same-account bucket policy (two source accounts, all log groups)", () => {
        // Seed 003, "Étape 3 : définir les autorisations sur un compartiment S3", same-account section.
        const seed = JSON.parse(`{ "Version": "2012-10-17", "Statement": [ { "Action": "s3:GetBucketAcl", "Effect": "Allow", "Resource": "arn:aws:s3:::my-exported-logs", "Principal": { "Service": "logs.Region.amazonaws.com" }, "Condition": { "StringEquals": { "aws:SourceAccount": [ "AccountId1", "AccountId2" ] }, "ArnLike": { "aws:SourceArn": [ "arn:aws:logs:Region:AccountId1:log-group:*", "arn:aws:logs:Region:AccountId2:log-group:*" ] } } }, { "Action": "s3:PutObject" , "Effect": "Allow", "Resource": "arn:aws:s3:::my-exported-logs/*", "Principal": { "Service": "logs.Region.amazonaws.com" }, "Condition": { "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": [ "AccountId1", "AccountId2" ] }, "ArnLike": { "aws:SourceArn": [ "arn:aws:logs:Region:AccountId1:log-group:*", "arn:aws:logs:Region:AccountId2:log-group:*" ] } } } ] }`
            .replace(/Region/g, REGION).replace(/AccountId1/g, A1).replace(/AccountId2/g, A2));
        const ours = exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: [A1, A2], denyInsecureTransport: false });
        assert.strictEqual(ours.Version, seed.Version);
        assert.deepStrictEqual(withoutSids(ours), seed.Statement);
        assert.deepStrictEqual(ours.Statement.map(s => s.Sid), [EXPORT_BUCKET_SIDS.getBucketAcl, EXPORT_BUCKET_SIDS.putObject]);
    });

    it("equals seed 003's cross-account bucket policy (caller role statement)", () => {
        // Seed 003, "Exportation intercomptes", "Étape 3".
        const seed = JSON.parse(`{ "Version": "2012-10-17", "Statement": [ { "Action": "s3:GetBucketAcl", "Effect": "Allow", "Resource": "arn:aws:s3:::my-exported-logs", "Principal": { "Service": "logs.Region.amazonaws.com" }, "Condition": { "StringEquals": { "aws:SourceAccount": [ "AccountId1", "AccountId2" ] }, "ArnLike": { "aws:SourceArn": [ "arn:aws:logs:Region:AccountId1:log-group:*", "arn:aws:logs:Region:AccountId2:log-group:*" ] } } }, { "Action": "s3:PutObject" , "Effect": "Allow", "Resource": "arn:aws:s3:::my-exported-logs/*", "Principal": { "Service": "logs.Region.amazonaws.com" }, "Condition": { "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": [ "AccountId1", "AccountId2" ] }, "ArnLike": { "aws:SourceArn": [ "arn:aws:logs:Region:AccountId1:log-group:*", "arn:aws:logs:Region:AccountId2:log-group:*" ] } } }, { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::create_export_task_caller_account:role/role_name" }, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-exported-logs/*", "Condition": { "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control" } } } ] }`
            .replace(/Region/g, REGION).replace(/AccountId1/g, A1).replace(/AccountId2/g, A2)
            .replace("create_export_task_caller_account", A1).replace("role_name", "ExportCaller"));
        const ours = exportBucketPolicy({
            bucket: BUCKET, region: REGION, sourceAccounts: [A1, A2],
            callerArns: [`arn:aws:iam::${A1}:role/ExportCaller`], denyInsecureTransport: false,
        });
        assert.deepStrictEqual(withoutSids(ours), seed.Statement);
    });

    it("scopes PutObject to the random-string prefix as seeds 000 and 002 write it", () => {
        // Seed 000 step 3 / seed 002 step 3: "Resource": "arn:aws:s3:::my-exported-logs/random-string/*",
        // the same for the IAM user (seed 000) or role (seed 002) of the sending account.
        const ours = exportBucketPolicy({
            bucket: BUCKET, region: "us-west-2", sourceAccounts: [A1], prefixes: ["random-string"],
            callerArns: [`arn:aws:iam::${A2}:user/CWLExportUser`],
        });
        const byId = new Map(ours.Statement.map(s => [s.Sid, s]));
        assert.strictEqual(byId.get(EXPORT_BUCKET_SIDS.putObject)?.Resource, "arn:aws:s3:::my-exported-logs/random-string/*");
        assert.strictEqual(byId.get(EXPORT_BUCKET_SIDS.callerPutObject)?.Resource, "arn:aws:s3:::my-exported-logs/random-string/*");
        assert.deepStrictEqual(byId.get(EXPORT_BUCKET_SIDS.callerPutObject)?.Principal, { AWS: `arn:aws:iam::${A2}:user/CWLExportUser` });
        assert.deepStrictEqual(byId.get(EXPORT_BUCKET_SIDS.getBucketAcl)?.Principal, { Service: "logs.us-west-2.amazonaws.com" });
        // GetBucketAcl stays on the bucket itself (seed 000: "Resource": "arn:aws:s3:::my-exported-logs").
        assert.strictEqual(byId.get(EXPORT_BUCKET_SIDS.getBucketAcl)?.Resource, "arn:aws:s3:::my-exported-logs");
    });

    it("lists several prefixes, named log groups and an organization", () => {
        const ours = exportBucketPolicy({
            bucket: BUCKET, region: REGION, sourceOrgId: "o-abcdef1234", prefixes: ["a/", "b/c"], logGroupNames: ["/app/web"],
        });
        const put = ours.Statement.find(s => s.Sid === EXPORT_BUCKET_SIDS.putObject)!;
        assert.deepStrictEqual(put.Resource, [`arn:aws:s3:::${BUCKET}/a/*`, `arn:aws:s3:::${BUCKET}/b/c/*`]);
        assert.deepStrictEqual(put.Condition, {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": "o-abcdef1234" },
            ArnLike: { "aws:SourceArn": [`arn:aws:logs:${REGION}:*:log-group:/app/web`, `arn:aws:logs:${REGION}:*:log-group:/app/web:*`] },
        });
    });

    it("adds the TLS-only deny by default", () => {
        const deny = exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: [A1] })
            .Statement.find(s => s.Sid === EXPORT_BUCKET_SIDS.denyInsecureTransport);
        assert.deepStrictEqual(deny, {
            Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
            Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });
});

describe("export bucket policy: partitions", () => {
    it("uses aws-cn ARNs and the .amazonaws.com.cn regional principal", () => {
        const doc = exportBucketPolicy({ bucket: BUCKET, region: "cn-north-1", sourceAccounts: [A1], denyInsecureTransport: false });
        const acl = doc.Statement[0];
        assert.deepStrictEqual(acl.Principal, { Service: "logs.cn-north-1.amazonaws.com.cn" });
        assert.strictEqual(acl.Resource, `arn:aws-cn:s3:::${BUCKET}`);
        assert.deepStrictEqual(acl.Condition?.ArnLike, { "aws:SourceArn": [`arn:aws-cn:logs:cn-north-1:${A1}:log-group:*`] });
    });

    it("uses aws-us-gov ARNs", () => {
        const doc = exportBucketPolicy({ bucket: BUCKET, region: "us-gov-west-1", sourceAccounts: [A1] });
        assert.deepStrictEqual(doc.Statement[0].Principal, { Service: "logs.us-gov-west-1.amazonaws.com" });
        assert.strictEqual(doc.Statement[1].Resource, `arn:aws-us-gov:s3:::${BUCKET}/*`);
        assert.deepStrictEqual(exportKeyPolicy({ region: "us-gov-east-1", account: A1 }).Statement[0].Principal,
            { AWS: `arn:aws-us-gov:iam::${A1}:root` });
    });
});

describe("export key policy (seed 003, optional step 4)", () => {
    it("keeps seed 003's CloudWatch Logs statement verbatim and the account-root admin statement", () => {
        // Seed 003: { "Sid": "Allow CWL Service Principal usage", "Effect": "Allow", "Principal": { "Service": "logs.Region.amazonaws.com" },
        //             "Action": [ "kms:GenerateDataKey", "kms:Decrypt" ], "Resource": "*" }
        const doc = exportKeyPolicy({ region: REGION, account: A1 });
        assert.deepStrictEqual(doc.Statement, [
            { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A1}:root` }, Action: "kms:*", Resource: "*" },
            {
                Sid: "Allow CWL Service Principal usage", Effect: "Allow", Principal: { Service: `logs.${REGION}.amazonaws.com` },
                Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: "*",
            },
        ]);
    });

    it("adds seed 003's cross-account 'Enable IAM Role Permissions' statement for callers", () => {
        const role = `arn:aws:iam::${A2}:role/ExportCaller`;
        const doc = exportKeyPolicy({ region: REGION, account: A1, callerArns: [role] });
        assert.deepStrictEqual(doc.Statement[2], {
            Sid: "Enable IAM Role Permissions", Effect: "Allow", Principal: { AWS: role },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: "*",
        });
    });
});

describe("export caller policy (seed 003, step 2)", () => {
    it("grants the five CloudWatch Logs actions seed 003 lists", () => {
        const doc = exportCallerPolicy({ region: REGION, account: A1 });
        assert.deepStrictEqual(doc.Statement, [{
            Sid: "CloudWatchLogsExportTasks", Effect: "Allow", Resource: "*",
            Action: ["logs:CreateExportTask", "logs:CancelExportTask", "logs:DescribeExportTasks", "logs:DescribeLogStreams", "logs:DescribeLogGroups"],
        }]);
        assert.deepStrictEqual([...EXPORT_CALLER_ACTIONS].sort(), (doc.Statement[0].Action as string[]).slice().sort());
    });

    it("adds seed 003's cross-account S3 and KMS statements", () => {
        // Seed 003: { "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-exported-logs/*" },
        //           { "Effect": "Allow", "Action": [ "kms:GenerateDataKey", "kms:Decrypt" ], "Resource": "ARN_OF_KMS_KEY" }
        const key = `arn:aws:kms:${REGION}:${A2}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        const doc = exportCallerPolicy({ region: REGION, account: A1, bucket: BUCKET, kmsKeyArn: key });
        assert.deepStrictEqual(withoutSids(doc).slice(1), [
            { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::my-exported-logs/*" },
            { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key },
        ]);
    });
});

describe("export policies by evaluation (@cloud-copilot/iam-simulate)", () => {
    const PREFIX = "exports-7f3a9c";
    const ROLE = `arn:aws:iam::${A2}:role/ExportCaller`;
    const policy = exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: [A1], prefixes: [PREFIX], callerArns: [ROLE] });
    const logs = `logs.${REGION}.amazonaws.com`;
    const object = `arn:aws:s3:::${BUCKET}/${PREFIX}/1234-task/stream/000000.gz`;
    const fromA1 = {
        "aws:SourceAccount": A1,
        "aws:SourceArn": `arn:aws:logs:${REGION}:${A1}:log-group:my-log-group`,
    };
    const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };
    const put = (principal: string, resource: string, context: Record<string, string>) =>
        decide({ principal, action: "s3:PutObject", resource, resourceAccount: A1, resourcePolicy: policy, context });

    it("allows logs.<region> from a listed account to PutObject under the prefix with the ACL header", async () => {
        assert.strictEqual(await put(logs, object, { ...fromA1, ...acl }), "Allowed");
    });

    it("allows logs.<region> from a listed account to GetBucketAcl", async () => {
        assert.strictEqual(await decide({
            principal: logs, action: "s3:GetBucketAcl", resource: `arn:aws:s3:::${BUCKET}`, resourceAccount: A1,
            resourcePolicy: policy, context: fromA1,
        }), "Allowed");
    });

    it("denies an unlisted source account", async () => {
        assert.strictEqual(await put(logs, object, {
            ...acl, "aws:SourceAccount": "333333333333", "aws:SourceArn": `arn:aws:logs:${REGION}:333333333333:log-group:x`,
        }), "ImplicitlyDenied");
        assert.strictEqual(await decide({
            principal: logs, action: "s3:GetBucketAcl", resource: `arn:aws:s3:::${BUCKET}`, resourceAccount: A1, resourcePolicy: policy,
            context: { "aws:SourceAccount": "333333333333", "aws:SourceArn": `arn:aws:logs:${REGION}:333333333333:log-group:x` },
        }), "ImplicitlyDenied");
    });

    it("denies a log group ARN of another account even with a listed SourceAccount", async () => {
        assert.strictEqual(await put(logs, object, {
            ...acl, "aws:SourceAccount": A1, "aws:SourceArn": `arn:aws:logs:${REGION}:333333333333:log-group:x`,
        }), "ImplicitlyDenied");
    });

    it("denies another region's logs principal", async () => {
        assert.strictEqual(await put("logs.eu-west-1.amazonaws.com", object, { ...fromA1, ...acl }), "ImplicitlyDenied");
    });

    it("denies a key outside the prefixes", async () => {
        assert.strictEqual(await put(logs, `arn:aws:s3:::${BUCKET}/other/x.gz`, { ...fromA1, ...acl }), "ImplicitlyDenied");
    });

    it("denies a PutObject without the bucket-owner-full-control ACL header", async () => {
        assert.strictEqual(await put(logs, object, fromA1), "ImplicitlyDenied");
        assert.strictEqual(await put(logs, object, { ...fromA1, "s3:x-amz-acl": "private" }), "ImplicitlyDenied");
    });

    it("explicitly denies plain HTTP", async () => {
        assert.strictEqual(await put(logs, object, { ...fromA1, ...acl, "aws:SecureTransport": "false" }), "ExplicitlyDenied");
    });

    it("allows the cross-account caller role (with its identity policy) and not another role of its account", async () => {
        const caller = exportCallerPolicy({ region: REGION, account: A2, bucket: BUCKET, prefixes: [PREFIX] });
        const asRole = (principal: string) => decide({
            principal, action: "s3:PutObject", resource: object, resourceAccount: A1, resourcePolicy: policy,
            identityPolicies: [caller], context: acl,
        });
        assert.strictEqual(await asRole(ROLE), "Allowed");
        assert.strictEqual(await asRole(`arn:aws:iam::${A2}:role/SomeoneElse`), "ImplicitlyDenied");
    });

    it("lets logs.<region> use the created key, and nobody else outside the account", async () => {
        const keyPolicy = exportKeyPolicy({ region: REGION, account: A1 });
        const key = `arn:aws:kms:${REGION}:${A1}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
            assert.strictEqual(await decide({ principal: logs, action, resource: key, resourceAccount: A1, resourcePolicy: keyPolicy }), "Allowed", action);
        }
        assert.strictEqual(await decide({
            principal: "logs.eu-west-1.amazonaws.com", action: "kms:GenerateDataKey", resource: key, resourceAccount: A1, resourcePolicy: keyPolicy,
        }), "ImplicitlyDenied");
        assert.strictEqual(await decide({
            principal: ROLE, action: "kms:Decrypt", resource: key, resourceAccount: A1, resourcePolicy: keyPolicy,
            identityPolicies: [exportCallerPolicy({ region: REGION, account: A2, kmsKeyArn: key })],
        }), "ImplicitlyDenied");
    });

    it("lets the cross-account caller role use the key once the key policy names it", async () => {
        const key = `arn:aws:kms:${REGION}:${A1}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        assert.strictEqual(await decide({
            principal: ROLE, action: "kms:GenerateDataKey", resource: key, resourceAccount: A1,
            resourcePolicy: exportKeyPolicy({ region: REGION, account: A1, callerArns: [ROLE] }),
            identityPolicies: [exportCallerPolicy({ region: REGION, account: A2, kmsKeyArn: key })],
        }), "Allowed");
    });

    it("lets the caller CreateExportTask only on its named log groups", async () => {
        const caller = exportCallerPolicy({ region: REGION, account: A1, logGroupNames: ["my-log-group"] });
        const create = (group: string) => decide({
            principal: `arn:aws:iam::${A1}:role/Exporter`, action: "logs:CreateExportTask",
            resource: `arn:aws:logs:${REGION}:${A1}:log-group:${group}`, resourceAccount: A1, identityPolicies: [caller],
        });
        assert.strictEqual(await create("my-log-group"), "Allowed");
        assert.strictEqual(await create("other-group"), "ImplicitlyDenied");
    });

    it("allows an organization's accounts with aws:SourceOrgID and no others", async () => {
        const org = exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceOrgId: "o-abcdef1234" });
        const ctx = (orgId: string) => ({ ...acl, "aws:SourceOrgID": orgId, "aws:SourceAccount": "444444444444",
            "aws:SourceArn": `arn:aws:logs:${REGION}:444444444444:log-group:g` });
        const req = (orgId: string) => decide({ principal: logs, action: "s3:PutObject", resource: `arn:aws:s3:::${BUCKET}/x.gz`,
            resourceAccount: A1, resourcePolicy: org, context: ctx(orgId) });
        assert.strictEqual(await req("o-abcdef1234"), "Allowed");
        assert.strictEqual(await req("o-zzzzzzzzzz"), "ImplicitlyDenied");
    });
});

describe("export policies: bad input (exact messages)", () => {
    const base = { bucket: BUCKET, region: REGION, sourceAccounts: [A1] };
    const cases: [string, () => unknown, string][] = [
        ["an account ID that is not 12 digits", () => exportBucketPolicy({ ...base, sourceAccounts: ["12345"] }),
            '[sourceAccounts] "12345" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".'],
        ["an empty account list with no organization", () => exportBucketPolicy({ ...base, sourceAccounts: [] }),
            "[sourceAccounts] at least one source account is required (CloudWatch Logs User Guide, S3ExportTasks.html: the bucket policy lists the accounts allowed to export): " +
            "give the 12-digit IDs of the accounts whose log groups export here, or [sourceOrgId]."],
        ["an organization ID that is not o-...", () => exportBucketPolicy({ ...base, sourceAccounts: undefined, sourceOrgId: "org-123" }),
            '[sourceOrgId] "org-123" is not an AWS Organizations ID: use the ID shown by `aws organizations describe-organization`, ' +
            '"o-" followed by 10 to 32 lowercase letters or digits.'],
        ["an invalid bucket name", () => exportBucketPolicy({ ...base, bucket: "My_Bucket" }),
            '[bucket] "My_Bucket" is not a valid S3 bucket name: use only lowercase letters, digits, dots (.) and hyphens (-).'],
        ["a prefix starting with /", () => exportBucketPolicy({ ...base, prefixes: ["/logs"] }),
            '[prefixes] "/logs" starts with "/": S3 keys have no leading slash, so write "logs".'],
        ["a prefix containing //", () => exportBucketPolicy({ ...base, prefixes: ["a//b"] }),
            '[prefixes] "a//b" contains "//", which makes an empty path segment: write "a/b".'],
        ["an unknown region", () => exportBucketPolicy({ ...base, region: "us-east-7" }),
            '[region] "us-east-7" is not a known AWS region: use a region code such as "us-east-1" (did you mean "us-east-1", "us-east-2", "us-west-1", "us-west-2"?).'],
        ["a region of another partition", () => exportBucketPolicy({ ...base, partition: "aws-cn" }),
            '[region] region "us-west-1" is in partition "aws", not "aws-cn": give a region of that partition or change the partition.'],
        ["a caller that is not an IAM ARN", () => exportBucketPolicy({ ...base, callerArns: ["ExportCaller"] }),
            '[callerArns] "ExportCaller" is not an IAM user or role ARN: use the form "arn:aws:iam::111122223333:role/ExportCaller" ' +
            'or "arn:aws:iam::111122223333:user/CWLExportUser".'],
        ["an AWS managed key for the caller", () => exportCallerPolicy({ region: REGION, account: A1, kmsKeyArn: `arn:aws:kms:${REGION}:${A1}:alias/aws/s3` }),
            `[kmsKeyArn] "arn:aws:kms:${REGION}:${A1}:alias/aws/s3" is an AWS managed key: its key policy cannot grant CloudWatch Logs ` +
            "kms:GenerateDataKey (CloudWatch Logs User Guide, S3ExportTasks.html), so exports to it fail. Use a customer managed key (leave [kmsKeyArn] out and the component creates one), or SSE-S3."],
    ];
    for (const [what, fn, message] of cases) {
        it(`refuses ${what}`, () => {
            assert.throws(fn, (e: Error) => {
                assert.strictEqual(e.message, message);
                return true;
            });
        });
    }
});
