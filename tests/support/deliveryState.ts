/**
 * What the delivery resources' provider computes on create, for the mocks tier: names and ARNs of
 * delivery destinations, sources, deliveries and log groups (in the resource's `region`, else
 * `region`), the way @pulumi/aws returns them.
 */
import * as assert from "assert";

type Registered = { type: string; name: string; inputs: Record<string, unknown> };

export function deliveryState(account: string, region = "us-east-1"): (r: Registered) => Record<string, unknown> | undefined {
    return r => {
        const name = (r.inputs.name as string | undefined) ?? `${r.name}-x1`;
        const inRegion = (r.inputs.region as string | undefined) ?? region;
        switch (r.type) {
            case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
                return { name, arn: `arn:aws:logs:${inRegion}:${account}:delivery-destination:${name}` };
            case "aws:cloudwatch/logDeliverySource:LogDeliverySource":
                return { name, arn: `arn:aws:logs:${inRegion}:${account}:delivery-source:${name}` };
            case "aws:cloudwatch/logDelivery:LogDelivery":
                return { arn: `arn:aws:logs:${inRegion}:${account}:delivery:${r.name}` };
            case "aws:cloudwatch/logGroup:LogGroup":
                return { arn: `arn:aws:logs:${inRegion}:${account}:log-group:${name}` };
            default:
                return undefined;
        }
    };
}

/** Asserts that `fn` throws an error with exactly `message`. */
export function throwsExactly(fn: () => unknown, message: string): void {
    assert.throws(fn, (e: Error) => {
        assert.strictEqual(e.message, message);
        return true;
    });
}
