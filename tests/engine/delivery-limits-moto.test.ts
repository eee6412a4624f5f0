/**
 * The eleventh CloudWatch Logs destination (issue 12). AWS allows 10 account-level resource policies
 * per region (PutResourcePolicy, "Policy limits": "a maximum of 10 policies without resourceARN");
 * moto enforces the same limit (moto/logs/models.py MAX_RESOURCE_POLICIES_PER_REGION = 10,
 * LimitExceededException). Twelve destinations are built under mocks and every LogResourcePolicy
 * they register is sent to moto as the provider would send it:
 * - one policy per destination (the default without a shared policy): the eleventh is refused;
 * - with a DeliveryLogGroupsPolicy (the AWS-logs-and-resource-policy page's `/aws/vendedlogs/*` prefix): one policy for all twelve,
 *   and moto accepts all twelve delivery destinations.
 */
import * as assert from "assert";
import { CloudWatchLogsClient, PutDeliveryDestinationCommand, PutResourcePolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import type * as Delivery from "../../components/delivery";
import type { PolicyDocument } from "../../policies/types";
import { deliveryState } from "../support/deliveryState";
import { InstalledMocks, installMocks, Recorded, valueOf } from "../support/mocks";
import { Moto, MOTO_ACCOUNT, startMoto } from "../support/moto";

const PER_DESTINATION_REGION = "us-east-1";
const SHARED_REGION = "us-west-2";
const RP = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy";

const state = deliveryState(MOTO_ACCOUNT, PER_DESTINATION_REGION);

describe("twelve CloudWatch Logs destinations in one account and region (mocks + moto)", function () {
    this.timeout(120_000);
    let moto: Moto;
    let m: InstalledMocks;
    const clients: Record<string, CloudWatchLogsClient> = {};
    const policiesIn = (region: string) => m.ofType(RP).filter(r => ((r.inputs.region as string | undefined) ?? PER_DESTINATION_REGION) === region);
    const put = (r: Recorded, region: string) => clients[region].send(new PutResourcePolicyCommand({
        policyName: r.inputs.policyName as string, policyDocument: r.inputs.policyDocument as string,
    }));

    before(async () => {
        moto = await startMoto();
        for (const region of [PER_DESTINATION_REGION, SHARED_REGION]) {
            clients[region] = new CloudWatchLogsClient({ endpoint: moto.endpoint, region, credentials: moto.credentials });
        }
        m = installMocks({ accountId: MOTO_ACCOUNT, region: PER_DESTINATION_REGION, state });
        const D = require("../../components/delivery") as typeof Delivery;
        const waits = [];
        for (let i = 1; i <= 12; i++) {
            waits.push(new D.DeliveryDestination(`own${i}`, { cloudWatchLogs: { logGroupName: `/aws/vendedlogs/own/${i}` } }).destinationArn);
        }
        const shared = new D.DeliveryLogGroupsPolicy("vendedlogs", { region: SHARED_REGION });
        for (let i = 1; i <= 12; i++) {
            waits.push(new D.DeliveryDestination(`app${i}`, {
                cloudWatchLogs: { logGroupName: `/aws/vendedlogs/app/${i}`, sharedResourcePolicy: shared }, region: SHARED_REGION,
            }).destinationArn);
        }
        for (const w of waits) {
            await valueOf(w);
        }
        await valueOf(shared.policyJson);
        await m.settled();
    });
    after(async () => { await moto?.stop(); });

    it("one policy per destination: 12 registrations, and AWS's limit refuses the eleventh", async () => {
        const own = policiesIn(PER_DESTINATION_REGION);
        assert.strictEqual(own.length, 12);
        for (const r of own.slice(0, 10)) {
            await put(r, PER_DESTINATION_REGION);
        }
        await assert.rejects(put(own[10], PER_DESTINATION_REGION), (e: Error) => e.name === "LimitExceededException");
    });

    it("with a DeliveryLogGroupsPolicy: one registration for twelve destinations; moto accepts it and all twelve destinations", async () => {
        const shared = policiesIn(SHARED_REGION);
        assert.deepStrictEqual(shared.map(r => r.name), ["vendedlogs-policy"]);
        const doc = JSON.parse(shared[0].inputs.policyDocument as string) as PolicyDocument;
        assert.deepStrictEqual(doc.Statement[0].Resource, [`arn:aws:logs:${SHARED_REGION}:${MOTO_ACCOUNT}:log-group:/aws/vendedlogs/*`]);
        await put(shared[0], SHARED_REGION);
        for (let i = 1; i <= 12; i++) {
            const d = m.named(`app${i}-destination`).inputs;
            const cfg = d.deliveryDestinationConfiguration as { destinationResourceArn: string };
            await clients[SHARED_REGION].send(new PutDeliveryDestinationCommand({
                name: `app${i}`, deliveryDestinationConfiguration: { destinationResourceArn: cfg.destinationResourceArn },
            }));
            // Each destination resource waits for the shared policy, so deliveries to it wait too.
            assert.ok(m.named(`app${i}-destination`).dependencies.includes(shared[0].urn), `app${i}-destination waits for the shared policy`);
        }
    });
});
