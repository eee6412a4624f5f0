import * as pulumi from "@pulumi/pulumi";

/**
 * A component's own `dependsOn` plus `extra`, for a child: the SDK does not pass a component's
 * `dependsOn` on to its children. Plain lists stay plain (readable in transformations and tests).
 */
export function withDependencies(
    upstream: pulumi.ResourceOptions["dependsOn"], extra: pulumi.Resource[],
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    if (upstream === undefined) {
        return extra;
    }
    if (Array.isArray(upstream)) {
        return [...upstream, ...extra];
    }
    if (pulumi.Resource.isInstance(upstream)) {
        return [upstream, ...extra];
    }
    if (pulumi.Output.isInstance(upstream)) {
        const out = upstream as pulumi.Output<pulumi.Resource | pulumi.Resource[]>;
        return out.apply(u => [...(Array.isArray(u) ? u : [u]), ...extra]) as unknown as pulumi.Output<pulumi.Resource[]>;
    }
    const pending = upstream as PromiseLike<pulumi.Resource | pulumi.Input<pulumi.Resource>[]>;
    return Promise.resolve(pending).then(u => [...(Array.isArray(u) ? u : [u]), ...extra]);
}
