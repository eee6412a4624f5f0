/**
 * Deliveries that share a destination, replacements that AWS refuses in place, and the region rules
 * when the region comes from a provider (issue 12), under pulumi.runtime.setMocks. Dependencies and
 * resource options are read from the registrations the engine receives (tests/support/mocks.ts).
 *
 * AWS behaviour cited:
 * - CreateDelivery (CloudWatch Logs API reference): "You can also create multiple deliveries to
 *   configure multiple delivery sources to send logs to the same delivery destination." Concurrent
 *   operations on one delivery source or destination are answered "ConflictException: Requested
 *   resource is currently being updated. Please try again later." (terraform-provider-aws #42194,
 *   #42947, where `depends_on` chains are the workaround).
 * - PutDeliveryDestination: a new outputFormat for an existing destination is refused ("Update to
 *   existing Delivery Destination with new Output Format is not allowed. Please create a new Delivery
 *   Destination instead.", the message moto 5 reproduces; tests/engine/delivery-order-moto.test.ts).
 * - PutDeliverySource logType list: CloudFront delivery sources only in us-east-1.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deliveryState, throwsExactly } from "../support/deliveryState";
import { InstalledMocks, installMocks, Recorded, valueOf } from "../support/mocks";
import type * as Delivery from "../../components/delivery";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const kb = (id: string) => `arn:aws:bedrock:${REGION}:${ACCOUNT}:knowledge-base/${id}`;
const CF = `arn:aws:cloudfront::${ACCOUNT}:distribution/E1ABCDEF2GHIJK`;
const DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery";

/** The value or the error of an output; Output's internal promise() carries the rejection. */
function settledValue<T>(o: pulumi.Output<T>): Promise<T> {
    return (o as unknown as { promise(): Promise<T> }).promise();
}

describe("delivery order: shared destinations, delete-first replacements (mocks)", function () {
    let m: InstalledMocks;
    let D: typeof Delivery;
    const deps = (name: string) => m.named(name).dependencies;
    const urn = (name: string) => m.named(name).urn;

    before(() => {
        m = installMocks({ accountId: ACCOUNT, region: REGION, state: deliveryState(ACCOUNT, REGION) });
        D = require("../../components/delivery") as typeof Delivery;
    });
    beforeEach(() => m.clear());

    async function settle(...outputs: pulumi.Output<unknown>[]): Promise<void> {
        for (const o of outputs) {
            await valueOf(o);
        }
        await m.settled();
    }

    it("deliveries of several sources to one DeliveryDestination wait for each other in program order, and for the destination's permissions", async () => {
        const central = new D.DeliveryDestination("shared", { s3: {} });
        const other = new D.DeliveryDestination("shared-cwl", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/shared" } });
        // No dependsOn given: the order and the wait for the bucket policy come from the components.
        const sources = ["KB00000001", "KB00000002", "KB00000003"].map((id, i) => new D.DeliverySource(`s${i + 1}`, {
            resourceArn: kb(id), logType: "APPLICATION_LOGS",
            deliveries: i === 1
                ? { logs: { destinationArn: other.destinationArn }, archive: { destinationArn: central.destinationArn } }
                : { archive: { destinationArn: central.destinationArn } },
        }));
        await settle(...sources.map(s => s.deliveryArns));
        assert.deepStrictEqual(m.ofType(DELIVERY).map(d => d.name).sort(), ["s1-delivery-archive", "s2-delivery-archive", "s2-delivery-logs", "s3-delivery-archive"]);
        // The chain to the shared destination: s1 <- s2 <- s3, and s2's own source chain (logs <- archive).
        assert.ok(deps("s2-delivery-archive").includes(urn("s1-delivery-archive")));
        assert.ok(deps("s2-delivery-archive").includes(urn("s2-delivery-logs")));
        assert.ok(deps("s3-delivery-archive").includes(urn("s2-delivery-archive")));
        // Earlier deliveries never wait for later ones (no cycle), and unrelated ones are not chained.
        assert.ok(!deps("s1-delivery-archive").includes(urn("s2-delivery-archive")));
        assert.ok(!deps("s2-delivery-logs").includes(urn("s1-delivery-archive")));
        // Each waits for the destination's bucket policy and key policy (the component's children).
        for (const d of ["s1-delivery-archive", "s2-delivery-archive", "s3-delivery-archive"]) {
            assert.ok(deps(d).includes(urn("shared-bucket-policy")), `${d} does not wait for the bucket policy`);
            assert.ok(deps(d).includes(urn("shared-destination")), `${d} does not wait for the destination`);
        }
        assert.ok(deps("s2-delivery-logs").includes(urn("shared-cwl-log-group-policy")));
    });

    it("one destination ARN given as a string, or as one output of another stack held in a variable, is chained the same way", async () => {
        const arn = `arn:aws:logs:${REGION}:222222222222:delivery-destination:central-str`;
        const fromStack: pulumi.Output<string> = pulumi.output(`arn:aws:logs:${REGION}:222222222222:delivery-destination:central-ref`);
        const a = new D.DeliverySource("str-a", { resourceArn: kb("KB0000000A"), logType: "APPLICATION_LOGS", deliveries: { c: { destinationArn: arn }, r: { destinationArn: fromStack } } });
        const b = new D.DeliverySource("str-b", { resourceArn: kb("KB0000000B"), logType: "APPLICATION_LOGS", deliveries: { r: { destinationArn: fromStack }, c: { destinationArn: arn } } });
        await settle(a.deliveryArns, b.deliveryArns);
        assert.ok(deps("str-b-delivery-r").includes(urn("str-a-delivery-r")));
        assert.ok(deps("str-b-delivery-c").includes(urn("str-a-delivery-c")));
        assert.ok(!deps("str-b-delivery-r").includes(urn("str-a-delivery-c")), "a different destination is not waited for");
        // Another program in this process (new mocks, a new engine connection) does not chain to this one's deliveries.
        const before = urn("str-b-delivery-c");
        m = installMocks({ accountId: ACCOUNT, region: REGION, state: deliveryState(ACCOUNT, REGION) });
        const c = new D.DeliverySource("str-c", { resourceArn: kb("KB0000000C"), logType: "APPLICATION_LOGS", deliveries: { c: { destinationArn: arn } } });
        await settle(c.deliveryArns);
        assert.ok(!deps("str-c-delivery-c").includes(before));
        assert.ok(!deps("str-c-delivery-c").some(d => d.includes("delivery-c") && d !== urn("str-c-delivery-c")), deps("str-c-delivery-c").join(", "));
    });

    it("DeliveryChain: `destination` delivers to another chain's DeliveryDestination without creating one, after that chain's delivery", async () => {
        const first = new D.DeliveryChain("first", {
            resourceArn: kb("KB0000000F"), logType: "APPLICATION_LOGS",
            destinations: { archive: { s3: {}, outputFormat: "json" } },
        });
        const second = new D.DeliveryChain("second", {
            resourceArn: kb("KB0000000S"), logType: "APPLICATION_LOGS",
            destinations: {
                archive: { destination: first.destinations.archive, suffixPath: "second/{yyyy}/{MM}/{dd}", fieldDelimiter: undefined },
                search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/second" } },
            },
        });
        await settle(first.deliveryArns, second.deliveryArns);
        assert.strictEqual(m.ofType("aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination").filter(d => d.name.includes("archive")).length, 1);
        const d = m.named("second-source-delivery-archive");
        assert.strictEqual(d.inputs.deliveryDestinationArn, `arn:aws:logs:${REGION}:${ACCOUNT}:delivery-destination:first-archive-destination-x1`);
        assert.ok(d.dependencies.includes(urn("first-source-delivery-archive")));
        assert.ok(d.dependencies.includes(urn("first-archive-bucket-policy")));
        assert.strictEqual(second.destinations.archive, first.destinations.archive);
        assert.deepStrictEqual(Object.keys(await valueOf(second.destinationArns)).sort(), ["archive", "search"]);
    });

    it("deliveries are replaced delete-first; a destination's outputFormat is replace-on-change", async () => {
        const dest = new D.DeliveryDestination("fmt", { s3: {}, outputFormat: "json" });
        const named = new D.DeliveryDestination("fmt-named", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/fmt" }, outputFormat: "plain", destinationName: "fmt-named" });
        const src = new D.DeliverySource("fmt-src", {
            resourceArn: kb("KB0000000R"), logType: "APPLICATION_LOGS",
            deliveries: { a: { destinationArn: dest.destinationArn }, b: { destinationArn: named.destinationArn } },
        });
        await settle(src.deliveryArns);
        const opts = (r: Recorded) => r.options!;
        for (const d of ["fmt-src-delivery-a", "fmt-src-delivery-b"]) {
            assert.strictEqual(opts(m.named(d)).deleteBeforeReplace, true, d);
        }
        assert.deepStrictEqual(opts(m.named("fmt-destination")).replaceOnChanges, ["outputFormat"]);
        assert.deepStrictEqual(opts(m.named("fmt-named-destination")).replaceOnChanges, ["outputFormat"]);
        // A fixed name is deleted before its replacement is put (PutDeliveryDestination overwrites by name).
        assert.strictEqual(opts(m.named("fmt-named-destination")).deleteBeforeReplace, true);
        assert.strictEqual(opts(m.named("fmt-destination")).deleteBeforeReplace, false);
    });

    describe("bad input (exact messages, before anything is created)", () => {
        afterEach(() => assert.deepStrictEqual(m.resources.filter(r => r.custom), []));

        it("a shared `destination` with arguments that belong to that destination", async () => {
            const shared = new D.DeliveryDestination("sh-x", { s3: {} });
            await settle(shared.destinationArn);
            m.clear();
            for (const [k, extra] of [["outputFormat", { outputFormat: "json" as const }], ["s3", { s3: {} }], ["destinationName", { destinationName: "x" }]] as const) {
                throwsExactly(() => new D.DeliveryChain(`sh-${k.toLowerCase()}`, {
                    resourceArn: kb("KB0000000X"), logType: "APPLICATION_LOGS",
                    destinations: { archive: { destination: shared, ...extra } },
                }), `[destinations.archive.${k}] Only one of [destinations.archive.${k}] and [destinations.archive.destination] can be given: ` +
                    `[destination] delivers to an existing DeliveryDestination, whose own arguments set its kind, output format and name; leave [${k}] out.`);
            }
        });
        it("two destinations of one type in a chain, one of them shared", async () => {
            const shared = new D.DeliveryDestination("sh-y", { s3: {} });
            await settle(shared.destinationArn);
            m.clear();
            throwsExactly(() => new D.DeliveryChain("sh-two", {
                resourceArn: kb("KB0000000Y"), logType: "APPLICATION_LOGS",
                destinations: { archive: { destination: shared }, own: { s3: {} } },
            }), `[deliveries.own.destinationType] deliveries "archive" and "own" both go to a destination of type "S3": a delivery source has at most one delivery per destination type; use one source per destination of that type.`);
        });
    });
});

describe("the CloudFront region rule when the region comes from a provider (mocks)", function () {
    const CF_MESSAGE = (region: string) => `[region] CloudFront delivery sources can only be created in us-east-1, and this source would be in "${region}": ` +
        `set [region] to "us-east-1" (or use a provider for us-east-1); its destinations must be in us-east-1 too.`;
    let D: typeof Delivery;
    /**
     * The component's message in the error an output rejects with. The SDK prefixes an input's error
     * message, in place, with `error serializing property "<name>": ` each time it serializes it
     * (runtime/rpc.js: the source's resourceArn, the component's outputs), so the text `pulumi up`
     * reports is the message below behind those prefixes; only they are stripped.
     */
    async function errorOf(o: pulumi.Output<unknown>, m: InstalledMocks): Promise<string> {
        const e = await settledValue(o).then(() => undefined, (err: Error) => err);
        await m.settled();
        assert.ok(e !== undefined, "the output resolved");
        assert.match(e.message, /^error serializing property "resourceArn": |^(error serializing property "[^"]+": )*\[region\]/);
        return e.message.replace(/^(error serializing property "[^"]+": )+/, "");
    }
    const REPORTED = CF_MESSAGE;

    it("an explicit provider for us-west-2 in opts: refused when the provider answers its region, before the source or a delivery is registered", async () => {
        const m = installMocks({
            accountId: ACCOUNT, region: REGION, state: deliveryState(ACCOUNT, REGION),
            call: (token, _inputs, provider) => token === "aws:index/getRegion:getRegion" && provider.includes("pulumi:providers:aws")
                ? { name: "us-west-2", region: "us-west-2", id: "us-west-2", description: "us-west-2", endpoint: "ec2.us-west-2.amazonaws.com" }
                : undefined,
        });
        D = require("../../components/delivery") as typeof Delivery;
        const west = new aws.Provider("west", { region: "us-west-2" });
        const src = new D.DeliverySource("cf-west", {
            resourceArn: CF, logType: "ACCESS_LOGS",
            deliveries: { s3: { destinationArn: `arn:aws:logs:us-west-2:${ACCOUNT}:delivery-destination:d` } },
        }, { provider: west });
        assert.strictEqual(await errorOf(src.sourceArn, m), REPORTED("us-west-2"));
        assert.ok(m.calls.some(c => c.token === "aws:index/getRegion:getRegion" && c.provider.startsWith(m.named("west").urn)), "the region was asked of the provider");
        assert.deepStrictEqual(m.resources.filter(r => r.type.startsWith("aws:cloudwatch/")), []);
        // The same provider for us-east-1 is accepted.
        const m2 = installMocks({ accountId: ACCOUNT, region: REGION, state: deliveryState(ACCOUNT, REGION) });
        const east = new aws.Provider("east", { region: "us-east-1" });
        const ok = new D.DeliverySource("cf-east", {
            resourceArn: CF, logType: "ACCESS_LOGS",
            deliveries: { s3: { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:d` } },
        }, { provider: east });
        assert.strictEqual(await settledValue(ok.sourceArn), `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-source:cf-east-source-x1`);
        await m2.settled();
        assert.strictEqual(m2.named("cf-east-source").inputs.resourceArn, CF);
    });

    it("the stack's aws:region (the default provider's region) us-west-2: refused with the same message, in a DeliveryChain too", async () => {
        const m = installMocks({ accountId: ACCOUNT, region: "us-west-2", state: deliveryState(ACCOUNT, "us-west-2") });
        D = require("../../components/delivery") as typeof Delivery;
        const src = new D.DeliverySource("cf-cfg", {
            resourceArn: CF, logType: "ACCESS_LOGS",
            deliveries: { s3: { destinationArn: `arn:aws:logs:us-west-2:${ACCOUNT}:delivery-destination:d` } },
        });
        assert.strictEqual(await errorOf(src.sourceArn, m), REPORTED("us-west-2"));
        const chain = new D.DeliveryChain("cf-chain", { resourceArn: CF, logType: "ACCESS_LOGS", destinations: { logs: { s3: {} } } });
        assert.strictEqual(await errorOf(chain.sourceArn, m), REPORTED("us-west-2"));
        assert.deepStrictEqual(m.resources.filter(r => r.type === "aws:cloudwatch/logDeliverySource:LogDeliverySource" || r.type === DELIVERY), []);
    });
});
