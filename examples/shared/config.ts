/**
 * Config of the cross-account examples. Lists are set with `pulumi config set --path`, which stores
 * a value made of digits as a number: an account ID then loses a leading zero. Numbers of 12
 * digits are taken as they are; shorter ones are refused with the command that stores a string.
 */
import * as pulumi from "@pulumi/pulumi";
import { validateAccountId, validateAccountIds, ValidationError } from "../../index";

/** An account ID from config: a 12-digit string, or a number that still has 12 digits. */
export function accountIdOf(value: unknown, argument: string): string {
    if (typeof value === "number") {
        if (Number.isInteger(value) && value >= 1e11 && value < 1e12) {
            return String(value);
        }
        throw new ValidationError(argument,
            `${value} was stored as a number, which drops an account ID's leading zeros: set it as a string, ` +
            `\`pulumi config set --path '${argument}' <12-digit ID> --type string\`.`);
    }
    return validateAccountId(value as string, argument);
}

/** A required, non-empty list of strings. */
export function requireStringList(config: pulumi.Config, key: string): string[] {
    const value = config.requireObject<unknown>(key);
    if (!Array.isArray(value) || value.length === 0 || value.some(v => typeof v !== "string" || v === "")) {
        throw new ValidationError(key,
            `${JSON.stringify(value)} is not a non-empty list of strings: set it with \`pulumi config set --path '${key}[0]' <value>\`.`);
    }
    return value as string[];
}

/** A required, non-empty list of account IDs, without duplicates. */
export function requireAccountIds(config: pulumi.Config, key: string): string[] {
    const value = config.requireObject<unknown>(key);
    if (!Array.isArray(value) || value.length === 0) {
        throw new ValidationError(key,
            `${JSON.stringify(value)} is not a non-empty list of account IDs: set it with \`pulumi config set --path '${key}[0]' <12-digit ID> --type string\`.`);
    }
    return validateAccountIds(value.map((v, i) => accountIdOf(v, `${key}[${i}]`)), key);
}
