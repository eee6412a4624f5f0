/**
 * The delivery components over their whole lifecycle (issue 12, "nothing delivered is lost"), under
 * pulumi.runtime.setMocks: what `pulumi destroy` and a replacement do to the log group, the bucket
 * and its key, and the replace order of named sources and destinations. The resource options are
 * read from the registrations the engine receives (tests/support/mocks.ts records them).
 *
 * AWS and provider behaviour cited:
 * - @pulumi/aws 7.48 `aws.cloudwatch.LogGroup`: `skipDestroy` ("do not wish the log group (and any
 *   logs it may contain) to be deleted at destroy time"), `deletionProtectionEnabled`, `logGroupClass`.
 * - PutDeliverySource / PutDeliveryDestination (CloudWatch Logs API reference): "Creates or updates";
 *   a second Put with the same name overwrites, so create-before-delete would delete the new one.
 * - terraform-provider-aws `aws_cloudwatch_log_delivery` (the resource @pulumi/aws wraps): only
 *   `delivery_source_name` and `delivery_destination_arn` require replacement; `record_fields`,
 *   `field_delimiter` and `s3_delivery_configuration` are updated in place (UpdateDeliveryConfiguration).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { deliveryState, throwsExactly } from "../support/deliveryState";
import { InstalledMocks, installMocks, Recorded, valueOf } from "../support/mocks";
import type * as Delivery from "../../components/delivery";
import type * as ExportBucketModule from "../../components/exportBucket";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const KB = `arn:aws:bedrock:${REGION}:${ACCOUNT}:knowledge-base/KB12345678`;

const state = deliveryState(ACCOUNT, REGION);


describe("delivery lifecycle: destroy and replace keep what was delivered (mocks)", function () {
    let m: InstalledMocks;
    let D: typeof Delivery;
    let E: typeof ExportBucketModule;
    const opts = (r: Recorded) => r.options!;

    before(() => {
        m = installMocks({ accountId: ACCOUNT, region: REGION, state });
        D = require("../../components/delivery") as typeof Delivery;
        E = require("../../components/exportBucket") as typeof ExportBucketModule;
    });
    beforeEach(() => m.clear());

    async function settle(...outputs: pulumi.Output<unknown>[]): Promise<void> {
        for (const o of outputs) {
            await valueOf(o);
        }
        await m.settled();
    }

    it("a created log group is kept on destroy by default (skipDestroy), with deletion protection, class and retention as given", async () => {
        const kept = new D.DeliveryDestination("kept", {
            cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kept", retentionInDays: 365, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k1", deletionProtectionEnabled: true, logGroupClass: "INFREQUENT_ACCESS" },
        });
        const dropped = new D.DeliveryDestination("dropped", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/dropped", retainOnDestroy: false } });
        await settle(kept.destinationArn, dropped.destinationArn);
        const k = m.named("kept-log-group").inputs;
        assert.strictEqual(k.skipDestroy, true);
        assert.strictEqual(k.deletionProtectionEnabled, true);
        assert.strictEqual(k.logGroupClass, "INFREQUENT_ACCESS");
        assert.strictEqual(k.retentionInDays, 365);
        assert.strictEqual(k.kmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/k1");
        // The named opt-out deletes the log group with the stack.
        assert.strictEqual(m.named("dropped-log-group").inputs.skipDestroy, false);
    });

    it("the S3 destination's bucket keeps forceDestroy false and waits for its key, so destroy cannot schedule the key's deletion while objects remain", async () => {
        const d = new D.DeliveryDestination("arch", { s3: {} });
        await settle(d.destinationArn);
        const bucket = m.named("arch-bucket-bucket");
        assert.strictEqual(bucket.inputs.forceDestroy, false);
        // The engine deletes dependents first: the key is only deleted after the bucket delete
        // succeeded, which S3 refuses for a bucket that still holds objects (forceDestroy false).
        assert.ok(bucket.dependencies.includes(m.named("arch-bucket-key").urn), "bucket depends on its key");
    });

    it("the same for ExportBucket on its own", async () => {
        const b = new E.ExportBucket("exp", {});
        await settle(b.bucketName);
        const bucket = m.named("exp-bucket");
        assert.strictEqual(bucket.inputs.forceDestroy, false);
        assert.ok(bucket.dependencies.includes(m.named("exp-key").urn));
    });

    it("named destinations and every delivery source are replaced delete-first; auto-named destinations create-first", async () => {
        const named = new D.DeliveryDestination("named", { s3: {}, destinationName: "central" });
        const auto = new D.DeliveryDestination("auto", { s3: {} });
        const src = new D.DeliverySource("src", {
            resourceArn: KB, logType: "APPLICATION_LOGS",
            deliveries: { central: { destinationArn: named.destinationArn }, other: { destinationArn: auto.destinationArn } },
        });
        await settle(src.deliveryArns);
        assert.strictEqual(opts(m.named("named-destination")).deleteBeforeReplace, true);
        assert.strictEqual(opts(m.named("auto-destination")).deleteBeforeReplace, false);
        assert.strictEqual(opts(m.named("src-source")).deleteBeforeReplace, true);
    });

    it("record fields, delimiter and S3 suffix path stay plain inputs of the delivery (no replaceOnChanges): the provider updates them in place", async () => {
        const dest = new D.DeliveryDestination("upd", { s3: {}, outputFormat: "plain" });
        const src = new D.DeliverySource("upd-src", {
            resourceArn: KB, logType: "APPLICATION_LOGS",
            deliveries: { a: { destinationArn: dest.destinationArn, recordFields: ["event_timestamp"], fieldDelimiter: ",", suffixPath: "kb/{yyyy}" } },
        }, { dependsOn: [dest] });
        await settle(src.deliveryArns);
        const delivery = m.named("upd-src-delivery-a");
        assert.deepStrictEqual(opts(delivery).replaceOnChanges, []);
        // Replaced (new source or destination) delete-first: one delivery per source and destination type.
        assert.strictEqual(opts(delivery).deleteBeforeReplace, true);
        assert.deepStrictEqual(delivery.inputs.recordFields, ["event_timestamp"]);
        assert.deepStrictEqual(delivery.inputs.s3DeliveryConfigurations, [{ suffixPath: "kb/{yyyy}", enableHiveCompatiblePath: false }]);
    });

    it("deliveries of one source are created one after the other (no concurrent CreateDelivery on one source: ConflictException)", async () => {
        const a = new D.DeliveryDestination("ord-a", { s3: {} });
        const b = new D.DeliveryDestination("ord-b", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/ord" } });
        const src = new D.DeliverySource("ord", {
            resourceArn: KB, logType: "APPLICATION_LOGS",
            deliveries: { a: { destinationArn: a.destinationArn }, b: { destinationArn: b.destinationArn } },
        });
        await settle(src.deliveryArns);
        assert.ok(m.named("ord-delivery-b").dependencies.includes(m.named("ord-delivery-a").urn));
    });

    describe("bad input (exact messages, before anything is created)", () => {
        it("a retention with the DELIVERY class; an unknown class; lifecycle options for an existing log group", () => {
            throwsExactly(() => new D.DeliveryDestination("cls", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/c", logGroupClass: "DELIVERY", retentionInDays: 7 } }),
                `[cloudWatchLogs.retentionInDays] Only one of [cloudWatchLogs.retentionInDays] and [cloudWatchLogs.logGroupClass: "DELIVERY"] can be given: ` +
                `AWS fixes the retention of DELIVERY log groups at 2 days; leave [retentionInDays] out or use "STANDARD".`);
            throwsExactly(() => new D.DeliveryDestination("cls2", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/c", logGroupClass: "COLD" as "STANDARD" } }),
                `[cloudWatchLogs.logGroupClass] "COLD" is not a log group class: use "STANDARD", "INFREQUENT_ACCESS", "DELIVERY" (CreateLogGroup logGroupClass).`);
            throwsExactly(() => new D.DeliveryDestination("ex", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/c", createLogGroup: false, retainOnDestroy: false } }),
                `[cloudWatchLogs.retainOnDestroy] Only one of [cloudWatchLogs.retainOnDestroy] and [cloudWatchLogs.createLogGroup: false] can be given: an existing log group keeps its settings.`);
            assert.deepStrictEqual(m.resources.filter(r => r.custom), []);
        });
    });
});
