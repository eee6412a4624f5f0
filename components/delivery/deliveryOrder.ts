import * as pulumi from "@pulumi/pulumi";

/*
 * CloudWatch Logs answers CreateDelivery (and DeleteDelivery) with "ConflictException: Requested
 * resource is currently being updated. Please try again later." when another operation on the same
 * delivery source or the same delivery destination is under way (terraform-provider-aws #42194,
 * #42947: deliveries created side by side from one source or to one destination). The Pulumi engine
 * runs every resource whose dependencies are done at once, so deliveries that share a destination
 * are chained here, in the order the program creates them: each waits for the previous delivery to
 * the same destination, and `destroy` deletes them one by one in the reverse order. Deliveries of one
 * source are chained by DeliverySource itself.
 *
 * A destination is recognised by the value a delivery is given: the same `destinationArn` object
 * (one DeliveryDestination's `destinationArn`, or one StackReference output kept in a variable) or
 * the same ARN string. The chain follows program order, so it is the same on every `pulumi up`.
 */

/** The last delivery created to a destination, by the identity of its `destinationArn` input. */
let lastByInput = new WeakMap<object, pulumi.Resource>();
/**
 * The same, for destination ARNs given as plain strings, per program: keyed by the engine connection
 * (`pulumi.runtime.getMonitor()`), so programs run one after the other in one process (unit tests
 * with `setMocks`) do not chain to each other's deliveries.
 */
let lastByArn = new WeakMap<object, Map<string, pulumi.Resource>>();
const NO_MONITOR = {};
/** The DeliveryDestination component whose `destinationArn` output is the key. */
let destinationByOutput = new WeakMap<object, pulumi.Resource>();

function keyOf(destinationArn: pulumi.Input<string>): { object?: object; arn?: string } {
    return typeof destinationArn === "string" ? { arn: destinationArn } : { object: destinationArn as object };
}

function arnsOfThisProgram(): Map<string, pulumi.Resource> {
    const program = (pulumi.runtime.getMonitor() as object | undefined) ?? NO_MONITOR;
    let arns = lastByArn.get(program);
    if (arns === undefined) {
        arns = new Map();
        lastByArn.set(program, arns);
    }
    return arns;
}

/** Records `destination` as the component that owns `destinationArn` (its permissions and policy). */
export function registerDestination(destinationArn: pulumi.Output<string>, destination: pulumi.Resource): void {
    destinationByOutput.set(destinationArn, destination);
}

/**
 * What a new delivery to `destinationArn` must wait for: the previous delivery to the same destination,
 * and the DeliveryDestination component that owns the ARN (so the delivery waits for its permissions
 * and destination policy even when the caller did not list it in `dependsOn`).
 */
export function sharedDestinationDependencies(destinationArn: pulumi.Input<string>): pulumi.Resource[] {
    const k = keyOf(destinationArn);
    const previous = k.object !== undefined ? lastByInput.get(k.object) : arnsOfThisProgram().get(k.arn!);
    const owner = k.object !== undefined ? destinationByOutput.get(k.object) : undefined;
    return [...(owner !== undefined ? [owner] : []), ...(previous !== undefined ? [previous] : [])];
}

/** Records `delivery` as the latest delivery to `destinationArn`. */
export function recordDelivery(destinationArn: pulumi.Input<string>, delivery: pulumi.Resource): void {
    const k = keyOf(destinationArn);
    if (k.object !== undefined) {
        lastByInput.set(k.object, delivery);
    } else {
        arnsOfThisProgram().set(k.arn!, delivery);
    }
}

/** Forgets every recorded delivery and destination (tests that run several programs in one process). */
export function resetDeliveryOrder(): void {
    lastByInput = new WeakMap();
    lastByArn = new WeakMap();
    destinationByOutput = new WeakMap();
}
