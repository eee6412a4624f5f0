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

function describeValue(v: unknown): string {
    if (typeof v === "string") {
        return `the string ${JSON.stringify(v)}`;
    }
    if (Array.isArray(v)) {
        return `the list ${JSON.stringify(v)}`;
    }
    if (v === null || typeof v !== "object") {
        return `the ${v === null ? "value" : typeof v} ${String(v)}`;
    }
    return `an object`;
}

/**
 * Throws unless a list argument is absent, not known yet, or a list. A string is the usual mistake:
 * `pulumi config set sourceAccounts 111122223333` stores a string, and `config.get` returns it as is.
 */
export function checkList(value: unknown, argument: string, example: string): void {
    const v = plain(value as pulumi.Input<unknown>);
    if (v === undefined || v === UNKNOWN || Array.isArray(v)) {
        return;
    }
    const fromString = typeof v === "string" ? `[${JSON.stringify(v)}]` : example;
    throw new ValidationError(argument,
        `expected a list, got ${describeValue(v)}: write ${argument}: ${fromString}. From stack config, store a list ` +
        `(\`pulumi config set --path '${argument}[0]' ...\`) and read it with \`config.requireObject<string[]>("${argument}")\`.`);
}

/** Throws unless a required list argument is given (as a list, or an output that will resolve to one). */
export function requireList(value: unknown, argument: string, example: string, why: string): void {
    if (value === undefined || value === null) {
        throw new ValidationError(argument, `is required: ${why}, e.g. ${argument}: ${example}.`);
    }
    checkList(value, argument, example);
}

/** Throws unless a flag is absent or `true`/`false` (`"true"` or `1` from config are the usual mistakes). */
export function checkBoolean(value: unknown, argument: string): void {
    if (value === undefined || typeof value === "boolean") {
        return;
    }
    throw new ValidationError(argument,
        `expected true or false, got ${describeValue(value)}: write ${argument}: true or ${argument}: false. ` +
        `From stack config, read it with \`config.requireBoolean("${argument}")\`.`);
}

/** Throws unless a number argument is absent or a number (`"30"` from config is the usual mistake). */
export function checkNumber(value: unknown, argument: string): void {
    if (value === undefined || typeof value === "number") {
        return;
    }
    throw new ValidationError(argument,
        `expected a number, got ${describeValue(value)}: write ${argument}: 30, say. From stack config, read it with \`config.requireNumber("${argument}")\`.`);
}

/**
 * Throws unless an invoke answered a value the component needs. Against AWS it always does; a
 * unit-test mock whose `call` returns its inputs (Pulumi's documented mock) answers nothing.
 * `argument` is the component argument that would stand in for it, if any.
 */
export function providerAnswered(value: unknown, what: string, token: string, argument?: string): string {
    if (typeof value === "string" && value !== "") {
        return value;
    }
    throw new ValidationError(argument ?? "provider",
        `the AWS provider reported no ${what} (${token} answered without one): ${argument !== undefined ? `give [${argument}], or, ` : ""}` +
        `in a unit test, answer ${token} in the mock's call (README, "In your own unit tests").`);
}

/**
 * A `pulumi.ResourceError` for bad input: the message alone, no stack. Besides being all the user
 * needs, this keeps `pulumi up` from hanging: an error thrown inside an `apply` has stack frames in
 * `node_modules/@pulumi/output.ts` (source-mapped), and Node 20's `util.inspect(err, { colors: true })`,
 * which Pulumi's program runner calls on every uncaught error, spins on such a line until it runs
 * out of memory (measured: 28 s and "Invalid string length" for one error on Node 20.20; the runner
 * formats each error several times).
 */
export function inputError(message: string, resource: pulumi.Resource): pulumi.ResourceError {
    const e = new pulumi.ResourceError(message, resource, true);
    e.stack = `${e.name}: ${message}`;
    return e;
}

/** Runs `fn`, turning a {@link ValidationError} into a `pulumi.ResourceError` on `resource` (see {@link inputError}). */
export function asResourceError<T>(resource: pulumi.Resource, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof ValidationError) {
            throw inputError(e.message, resource);
        }
        throw e;
    }
}

export { withArgumentNames } from "../policies/validate";
