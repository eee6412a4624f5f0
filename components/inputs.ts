/**
 * Helpers for validating component inputs before anything is created.
 *
 * A component validates every argument it can see as a plain value in its constructor, so bad
 * input fails `pulumi preview` before any resource is registered. Values that arrive as outputs
 * (a StackReference, another resource) are validated again when they resolve, inside the apply that
 * builds the policy that uses them.
 */
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../policies/validate";

/** Marker for an input whose value is not known at construction time. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

function isPending(v: unknown): boolean {
    return pulumi.Output.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as PromiseLike<unknown>).then === "function");
}

/** The plain value of an input, `undefined` when absent, or {@link UNKNOWN} when it is an output or promise. */
export function plain<T>(v: pulumi.Input<T> | undefined): T | undefined | Unknown {
    if (v === undefined) {
        return undefined;
    }
    return isPending(v) ? UNKNOWN : v as T;
}

/** The plain value of a list input whose elements may be inputs; {@link UNKNOWN} if any part is pending. */
export function plainList<T>(v: pulumi.Input<pulumi.Input<T>[]> | undefined): T[] | undefined | Unknown {
    const list = plain(v);
    if (list === undefined || list === UNKNOWN) {
        return list;
    }
    if (!Array.isArray(list)) {
        return list as unknown as T[];
    }
    return list.some(isPending) ? UNKNOWN : list as T[];
}

/** True when `v` is a plain, present value. */
export function known<T>(v: T | undefined | Unknown): v is T {
    return v !== undefined && v !== UNKNOWN;
}

/** Runs `fn`, turning a {@link ValidationError} into a `pulumi.ResourceError` on `resource`. */
export function asResourceError<T>(resource: pulumi.Resource, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof ValidationError) {
            throw new pulumi.ResourceError(e.message, resource);
        }
        throw e;
    }
}

export { withArgumentNames } from "../policies/validate";
