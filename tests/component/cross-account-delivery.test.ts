/**
 * examples/cross-account-delivery under mocks, both halves in one test: the archive program (account
 * B: S3 delivery destination and its destination policy) runs first; its stack outputs are what the
 * workload program's StackReference reads as account A (delivery source and delivery).
 *
 * Seed 004, "Logging that requires additional permissions [V2]": "If you are delivering logs
 * cross-account, you must use PutDeliveryDestinationPolicy in the destination account", the S3
 * bucket policy for `delivery.logs.amazonaws.com` and "Allow Logs Delivery to use the key", each
 * with `aws:SourceAccount` of the source accounts.
 */
import * as assert from "assert";
import { InstalledMocks, installMocks, Recorded } from "../support/mocks";
import { loadProgram, runProgram, settled } from "../support/programs";
import { decide } from "../support/simulate";
import type { PolicyDocument, PolicyStatement } from "../../policies";

const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const REGION = "us-east-1";
const KB = `arn:aws:bedrock:${REGION}:${A}:knowledge-base/KB12345678`;
const ARCHIVE = "cwlogs-delivery-archive";
const WORKLOAD = "cwlogs-delivery-workload";
const ARCHIVE_STACK = `acme/${ARCHIVE}/dev`;

/** Names and ARNs the real provider would give the delivery resources, in the mocks' account. */
function state(account: string) {
    return (r: { type: string; name: string; inputs: Record<string, unknown> }): Record<string, unknown> | undefined => {
        const name = (r.inputs.name as string | undefined) ?? `${r.name}-x1`;
        switch (r.type) {
            case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
                return { name, arn: `arn:aws:logs:${REGION}:${account}:delivery-destination:${name}` };
            case "aws:cloudwatch/logDeliverySource:LogDeliverySource":
                return { name, arn: `arn:aws:logs:${REGION}:${account}:delivery-source:${name}` };
            case "aws:cloudwatch/logDelivery:LogDelivery":
                return { arn: `arn:aws:logs:${REGION}:${account}:delivery:${r.name}` };
            default:
                return undefined;
        }
    };
}

function mocks(account: string, project: string, stackOutputs: Record<string, Record<string, unknown>> = {}): InstalledMocks {
    return installMocks({ accountId: account, region: REGION, project, stack: "dev", state: state(account), stackOutputs });
}

const workloadConfig = { archiveStack: ARCHIVE_STACK, resourceArn: KB, logType: "APPLICATION_LOGS" };

function policyOf(r: Recorded, input: string): PolicyDocument {
    return JSON.parse(r.inputs[input] as string) as PolicyDocument;
}

function sid(doc: PolicyDocument, id: string): PolicyStatement {
    const s = doc.Statement.find(x => x.Sid === id);
    assert.ok(s, `no statement ${id} in ${JSON.stringify(doc)}`);
    return s;
}

describe("examples/cross-account-delivery: destination (B) and source (A) through a stack reference (mocks)", function () {
    this.timeout(60_000);
    let archive: Record<string, unknown>;
    let workload: Record<string, unknown>;
    let b: InstalledMocks;
    let a: InstalledMocks;

    before(async () => {
        b = mocks(B, ARCHIVE);
        archive = await runProgram(b, "cross-account-delivery/archive", ARCHIVE, { workloadAccountIds: [A], outputFormat: "json" });
        a = mocks(A, WORKLOAD, { [ARCHIVE_STACK]: archive });
        workload = await runProgram(a, "cross-account-delivery/workload", WORKLOAD, workloadConfig);
    });

    it("the archive exports the destination's ARN, type, format, region and account", () => {
        assert.match(archive.destinationArn as string, new RegExp(`^arn:aws:logs:${REGION}:${B}:delivery-destination:`));
        assert.strictEqual(archive.destinationType, "S3");
        assert.strictEqual(archive.outputFormat, "json");
        assert.strictEqual(archive.region, REGION);
        assert.strictEqual(archive.accountId, B);
        assert.match(archive.kmsKeyArn as string, new RegExp(`^arn:aws:kms:${REGION}:${B}:key/`));
    });

    it("the workload reads the archive stack and its delivery targets B's destination ARN from A's source", () => {
        assert.deepStrictEqual(a.resources.filter(r => r.type === "pulumi:pulumi:StackReference").map(r => r.name), [ARCHIVE_STACK]);
        const delivery = a.named("app-logs-delivery-archive");
        assert.strictEqual(delivery.type, "aws:cloudwatch/logDelivery:LogDelivery");
        assert.strictEqual(delivery.inputs.deliveryDestinationArn, archive.destinationArn);
        assert.strictEqual(a.named("app-logs-source").inputs.resourceArn, KB);
        assert.strictEqual(a.named("app-logs-source").inputs.logType, "APPLICATION_LOGS");
        assert.ok(delivery.dependencies.includes(a.named("app-logs-source").urn));
        assert.match(workload.deliverySourceArn as string, new RegExp(`^arn:aws:logs:${REGION}:${A}:delivery-source:`));
        assert.deepStrictEqual(Object.keys(workload.deliveryArns as Record<string, string>), ["archive"]);
    });

    it("B's destination policy lets A's account create deliveries to that destination, and B's bucket and key policies name A", () => {
        const dp = policyOf(b.named("central-destination-policy"), "deliveryDestinationPolicy");
        assert.deepStrictEqual(dp.Statement, [{
            Sid: "AllowCreateDeliveryFromSourceAccounts", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` },
            Action: "logs:CreateDelivery", Resource: archive.destinationArn,
        }]);
        const bucketPolicy = policyOf(b.named("central-bucket-policy"), "policy");
        const write = sid(bucketPolicy, "AWSLogDeliveryWrite");
        assert.deepStrictEqual(write.Resource, [`arn:aws:s3:::${archive.bucketName}/AWSLogs/${A}/*`, `arn:aws:s3:::${archive.bucketName}/AWSLogs/aws-account-id=${A}/*`]);
        assert.deepStrictEqual(write.Condition?.StringEquals?.["aws:SourceAccount"], [A]);
        assert.deepStrictEqual(write.Condition?.ArnLike?.["aws:SourceArn"], [`arn:aws:logs:${REGION}:${A}:delivery-source:*`]);
        const key = sid(policyOf(b.named("central-bucket-key"), "policy"), "Allow Logs Delivery to use the key");
        assert.deepStrictEqual(key.Condition?.StringEquals?.["aws:SourceAccount"], [A]);
    });

    it("by evaluation: a principal of A may CreateDelivery to B's destination, one of a third account C may not", async () => {
        const anyDelivery: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:CreateDelivery", Resource: "*" }] };
        const dp = policyOf(b.named("central-destination-policy"), "deliveryDestinationPolicy");
        const create = (principal: string) => decide({
            principal, action: "logs:CreateDelivery", resource: archive.destinationArn as string, resourceAccount: B,
            resourcePolicy: dp, identityPolicies: [anyDelivery],
        });
        assert.strictEqual(await create(`arn:aws:iam::${A}:role/deployer`), "Allowed");
        assert.strictEqual(await create(`arn:aws:iam::${C}:role/deployer`), "ImplicitlyDenied");
    });

    it("by evaluation: delivery.logs.amazonaws.com may write A's logs into B's bucket, not C's", async () => {
        const bucketPolicy = policyOf(b.named("central-bucket-policy"), "policy");
        const write = (account: string) => decide({
            principal: "delivery.logs.amazonaws.com", action: "s3:PutObject",
            resource: `arn:aws:s3:::${archive.bucketName}/AWSLogs/${account}/bedrock/x.json.gz`, resourceAccount: B, resourcePolicy: bucketPolicy,
            context: {
                "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account,
                "aws:SourceArn": `arn:aws:logs:${REGION}:${account}:delivery-source:kb`,
            },
        });
        assert.strictEqual(await write(A), "Allowed");
        assert.strictEqual(await write(C), "ImplicitlyDenied");
    });

    it("a destination ARN output that is not a delivery destination: the error names the stack and the output", async () => {
        const m = mocks(A, WORKLOAD, { [ARCHIVE_STACK]: { ...archive, destinationArn: `arn:aws:s3:::${archive.bucketName as string}` } });
        const program = loadProgram("cross-account-delivery/workload", WORKLOAD, workloadConfig);
        await assert.rejects(settled(program.deliveryDestinationArn as never), {
            message: `Output "destinationArn" of stack "${ARCHIVE_STACK}" is not usable: "arn:aws:s3:::${archive.bucketName as string}" is an ARN of service "s3": ` +
                "give the ARN of a CloudWatch Logs delivery destination, \"arn:aws:logs:<region>:<account>:delivery-destination:<name>\" " +
                "(the destination stack's destinationArn output), not the bucket, log group or stream itself.",
        });
        await m.settled();
        assert.deepStrictEqual(m.ofType("aws:cloudwatch/logDelivery:LogDelivery"), [], "no delivery created");
    });

    it("a malformed workload account ID in the archive's config fails before anything is created", () => {
        const m = mocks(B, ARCHIVE);
        assert.throws(() => loadProgram("cross-account-delivery/archive", ARCHIVE, { workloadAccountIds: ["11111111111x"] }),
            { message: '[workloadAccountIds[0]] "11111111111x" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".' });
        assert.deepStrictEqual(m.resources, []);
    });
});
