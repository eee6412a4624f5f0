/**
 * Another stack's outputs as the contract between accounts: the destination stack in account B
 * exports names and ARNs, the source stack in account A reads them through a `pulumi.StackReference`.
 * A missing or malformed output then fails with the stack and the output named, before anything
 * that uses it is created, instead of as an AWS error about an empty bucket name.
 */
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../policies/validate";
import { inputError } from "./inputs";

/**
 * Checks the value of one stack output and returns what to use. `argument` is the output's name.
 * The validators of `cwlogs-export/policies` fit: `validateBucketName`, `validateKmsKeyArn`,
 * `validateRoleArn`, `validateAccountId`, `validatePrefix`.
 */
export type StackOutputCheck<T> = (value: string, argument: string) => T;

function shapeOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return value.length === 0 ? "an empty list" : "a list";
    }
    if (value === "") {
        return "an empty string";
    }
    return typeof value === "object" ? "an object" : `a ${typeof value} (${JSON.stringify(value)})`;
}

/** The body of an error a check threw, without a ValidationError's `[argument] ` prefix. */
function reasonOf(e: unknown): string {
    if (e instanceof ValidationError) {
        return e.message.slice(e.argument.length + 3);
    }
    return e instanceof Error ? e.message : String(e);
}

function present(stack: string, output: string, outputs: Readonly<Record<string, unknown>> | undefined): unknown {
    const all = outputs ?? {};
    const value = all[output];
    if (value === undefined) {
        const names = Object.keys(all).filter(k => all[k] !== undefined).sort();
        throw new Error(`Stack "${stack}" has no output "${output}" (${names.length === 0 ? "it has no outputs" : `its outputs: ${names.join(", ")}`}): ` +
            `run \`pulumi up\` in that stack first, or check the stack name and that its program exports "${output}".`);
    }
    return value;
}

function checked<T>(stack: string, output: string, value: string, check: StackOutputCheck<T> | undefined, item = ""): T {
    if (check === undefined) {
        return value as T;
    }
    try {
        return check(value, output);
    } catch (e) {
        throw new Error(`Output "${output}" of stack "${stack}" is not usable${item}: ${reasonOf(e)}`);
    }
}

/**
 * Reads output `output` of stack `stack` from its outputs (plain values), as
 * {@link requireStackOutput} does once they resolve. Throws an Error naming the stack and the
 * output when it is missing, is not a non-empty string, or fails `check`.
 */
export function checkStackOutput<T = string>(
    stack: string, output: string, outputs: Readonly<Record<string, unknown>> | undefined, check?: StackOutputCheck<T>,
): T {
    const value = present(stack, output, outputs);
    if (typeof value !== "string" || value === "") {
        throw new Error(`Output "${output}" of stack "${stack}" is ${shapeOf(value)}, not a non-empty string: ` +
            `export it as a string from that stack's program.`);
    }
    return checked(stack, output, value, check);
}

/**
 * The list form of {@link checkStackOutput}: the output must be a non-empty list of non-empty
 * strings, each passing `check`.
 */
export function checkStackOutputList<T = string>(
    stack: string, output: string, outputs: Readonly<Record<string, unknown>> | undefined, check?: StackOutputCheck<T>,
): T[] {
    const value = present(stack, output, outputs);
    if (!Array.isArray(value) || value.length === 0 || value.some(v => typeof v !== "string" || v === "")) {
        throw new Error(`Output "${output}" of stack "${stack}" is ${Array.isArray(value) && value.length > 0 ? "a list with an item that is not a non-empty string" : shapeOf(value)}, ` +
            `not a non-empty list of strings: export it as a list of strings from that stack's program.`);
    }
    return (value as string[]).map((v, i) => checked(stack, output, v, check, ` (item ${i})`));
}

/** What one read sees: the stack's name, its outputs' names (never secret) with the one output, and whether that output is secret. */
interface Read {
    stack: string;
    outputs: Record<string, unknown>;
    secret: boolean;
}

/** The one output and the other outputs' names, so a secret elsewhere in the stack does not mark this one secret. */
function read(ref: pulumi.StackReference, output: string): pulumi.Output<Read> {
    const value = ref.getOutput(output);
    const names = pulumi.unsecret(ref.outputs.apply(o => Object.keys(o ?? {})));
    return pulumi.all([ref.name, names, value, pulumi.isSecret(value)]).apply(([stack, keys, v, secret]) => ({
        stack, secret, outputs: { ...Object.fromEntries(keys.map(k => [k, null])), [output]: v as unknown },
    }));
}

/** Runs `check` on a read; a failure becomes a ResourceError on the reference, with a secret value redacted. */
function onReference<T>(ref: pulumi.StackReference, output: string, r: Read, check: (r: Read) => T): T {
    try {
        return check(r);
    } catch (e) {
        let message = (e as Error).message;
        if (r.secret) {
            const v = r.outputs[output];
            const values = (Array.isArray(v) ? v : [v]).flatMap(x => typeof x === "string" && x !== "" ? [x, JSON.stringify(x)] : [JSON.stringify(x)]);
            for (const x of values.sort((a, b) => b.length - a.length)) {
                message = message.split(x).join("[secret]");
            }
        }
        throw inputError(message, ref);
    }
}

/**
 * One string output of another stack, checked: the way a source stack reads what the destination
 * stack exports. Fails the deployment with a `pulumi.ResourceError` on the StackReference that names
 * the stack and the output when the output is missing (the other stack was not deployed yet, or
 * exports it under another name), is not a non-empty string, or fails `check`. A secret output
 * stays secret, and its value is redacted from the error.
 *
 * ```ts
 * const archive = new pulumi.StackReference(config.require("archiveStack"));
 * const bucket = requireStackOutput(archive, "bucketName", validateBucketName);
 * const key = requireStackOutput(archive, "kmsKeyArn", validateKmsKeyArn);
 * ```
 *
 * @param ref The stack to read.
 * @param output Name of the output.
 * @param check Validates the value (its `argument` is `output`) and returns what to use. Defaults to any non-empty string.
 */
export function requireStackOutput(ref: pulumi.StackReference, output: string): pulumi.Output<string>;
export function requireStackOutput<T>(ref: pulumi.StackReference, output: string, check: StackOutputCheck<T>): pulumi.Output<T>;
export function requireStackOutput<T>(ref: pulumi.StackReference, output: string, check?: StackOutputCheck<T>): pulumi.Output<T | string> {
    return read(ref, output).apply(r => onReference(ref, output, r, () => checkStackOutput<T | string>(r.stack, output, r.outputs, check)));
}

/**
 * A list-of-strings output of another stack, each item checked: {@link requireStackOutput} for
 * outputs such as `callerRoleArns`. The error names the stack, the output and the item.
 */
export function requireStackOutputList(ref: pulumi.StackReference, output: string): pulumi.Output<string[]>;
export function requireStackOutputList<T>(ref: pulumi.StackReference, output: string, check: StackOutputCheck<T>): pulumi.Output<T[]>;
export function requireStackOutputList<T>(ref: pulumi.StackReference, output: string, check?: StackOutputCheck<T>): pulumi.Output<(T | string)[]> {
    return read(ref, output).apply(r => onReference(ref, output, r, () => checkStackOutputList<T | string>(r.stack, output, r.outputs, check)));
}
