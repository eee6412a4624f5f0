/**
 * IAM policy document types. Structurally compatible with `aws.iam.PolicyDocument` from
 * @pulumi/aws, so a document built here can be passed wherever Pulumi takes one, but defined here
 * so policies/ stays free of Pulumi and SDK imports.
 */

/** A value or a list of values, as IAM allows in `Action`, `Resource` and condition values. */
export type OneOrMany<T> = T | T[];

/** `Principal`: `"*"`, or a map of principal type to value(s). */
export type Principal = "*" | {
    AWS?: OneOrMany<string>;
    Service?: OneOrMany<string>;
    Federated?: OneOrMany<string>;
    CanonicalUser?: OneOrMany<string>;
};

/** `Condition`: operator -> condition key -> value(s). */
export type Conditions = Record<string, Record<string, OneOrMany<string>>>;

/** One policy statement. Every statement this library builds has a `Sid`. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Principal;
    NotPrincipal?: Principal;
    Action?: OneOrMany<string>;
    NotAction?: OneOrMany<string>;
    Resource?: OneOrMany<string>;
    NotResource?: OneOrMany<string>;
    Condition?: Conditions;
}

/** A policy document, `Version` 2012-10-17. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Id?: string;
    Statement: PolicyStatement[];
}

/** Wraps statements in a 2012-10-17 document. */
export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Merges statements into a document, refusing two statements with the same `Sid` (IAM rejects a
 * policy whose Sids are not unique, and silently keeping one would drop a permission).
 */
export function mergeStatements(doc: PolicyDocument, extra: readonly PolicyStatement[]): PolicyDocument {
    const seen = new Set(doc.Statement.map(s => s.Sid).filter((s): s is string => s !== undefined));
    for (const s of extra) {
        if (s.Sid !== undefined) {
            if (seen.has(s.Sid)) {
                throw new Error(`duplicate statement Sid "${s.Sid}": each statement of a policy needs its own Sid; rename one of them.`);
            }
            seen.add(s.Sid);
        }
    }
    return { ...doc, Statement: [...doc.Statement, ...extra] };
}
