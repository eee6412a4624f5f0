/**
 * A small, conservative structural evaluator of resource policies (bucket and key policies) for the
 * few requests an export makes. Pure: no SDK. It is not a general IAM engine: whatever it does not
 * understand (an unknown condition operator or key, `NotPrincipal` on an Allow) makes the answer
 * "unknown" instead of a guess, and `doctor` reports that as a warning.
 *
 * Semantics follow the IAM policy evaluation logic: an explicit Deny wins, then an Allow, else the
 * request is implicitly denied. Within a statement, condition operators and keys are ANDed and the
 * values of one key are ORed.
 */
import { OneOrMany, PolicyDocument, PolicyStatement, Principal } from "../../policies/types";

/** Who makes the request. */
export type RequestPrincipal =
    | { kind: "service"; service: string }
    | { kind: "aws"; arn: string; account: string };

/**
 * Request context. A key mapped to `null` is known to be absent from the request; a key missing from
 * the map is unknown to the caller, so a condition on it cannot be decided.
 */
export type RequestContext = Readonly<Record<string, string | null>>;

/** One request to evaluate. */
export interface EvalRequest {
    principal: RequestPrincipal;
    /** e.g. `s3:PutObject`. */
    action: string;
    /**
     * The resource ARN. A `*` in it stands for "any value here": a policy pattern covers it only if
     * it also matches the literal `*` (so `bucket/*` covers `bucket/*`, `bucket/logs/*` does not).
     */
    resource: string;
    context: RequestContext;
}

/** The evaluator's answer. */
export type Verdict = "allow" | "explicit-deny" | "implicit-deny" | "unknown";

/** A verdict and the statements that decided it. */
export interface Evaluation {
    verdict: Verdict;
    /** Allow statements that apply to the request. */
    allowedBy: PolicyStatement[];
    /** Deny statements that apply to the request. */
    deniedBy: PolicyStatement[];
    /** Why the answer is (or might be) unknown, one reason per undecidable statement. */
    unknowns: string[];
}

type Tri = true | false | "unknown";

function list<T>(v: OneOrMany<T> | undefined): T[] {
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
    const re = pattern.split("").map(c => c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join("");
    return new RegExp(`^${re}$`, ignoreCase ? "is" : "s").test(value);
}

function principalMatches(p: Principal, who: RequestPrincipal): boolean {
    if (p === "*") {
        return true;
    }
    const aws = list(p.AWS);
    if (aws.includes("*")) {
        return true;
    }
    if (who.kind === "service") {
        return list(p.Service).some(s => s.toLowerCase() === who.service.toLowerCase());
    }
    const root = who.arn.replace(/^(arn:[^:]+):(?:iam|sts)::(\d{12}):.*$/, "$1:iam::$2:root");
    return aws.some(a => a === who.arn || a === who.account || a === root);
}

function actionMatches(patterns: string[], action: string): boolean {
    return patterns.some(p => globMatch(p, action, true));
}

function resourceMatches(patterns: string[], resource: string): boolean {
    return patterns.some(p => globMatch(p, resource));
}

/** Condition operators this evaluator decides, by base name (without `IfExists`). */
const OPERATORS: Readonly<Record<string, (policyValue: string, requestValue: string) => boolean>> = {
    StringEquals: (p, v) => p === v,
    StringNotEquals: (p, v) => p === v,
    StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
    StringNotEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
    StringLike: (p, v) => globMatch(p, v),
    StringNotLike: (p, v) => globMatch(p, v),
    ArnEquals: (p, v) => globMatch(p, v),
    ArnLike: (p, v) => globMatch(p, v),
    ArnNotEquals: (p, v) => globMatch(p, v),
    ArnNotLike: (p, v) => globMatch(p, v),
    Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
};

function conditionHolds(operator: string, key: string, values: string[], context: RequestContext): Tri {
    const ifExists = operator.endsWith("IfExists");
    const base = ifExists ? operator.slice(0, -"IfExists".length) : operator;
    const match = OPERATORS[base];
    if (match === undefined) {
        return "unknown";
    }
    const lookup = Object.keys(context).find(k => k.toLowerCase() === key.toLowerCase());
    if (lookup === undefined) {
        return "unknown";
    }
    const negated = base.includes("Not");
    const value = context[lookup];
    if (value === null) {
        return negated || ifExists;
    }
    const matched = values.some(p => match(p, value));
    return negated ? !matched : matched;
}

function and(a: Tri, b: Tri): Tri {
    if (a === false || b === false) {
        return false;
    }
    return a === "unknown" || b === "unknown" ? "unknown" : true;
}

function statementLabel(s: PolicyStatement, index: number): string {
    return s.Sid !== undefined && s.Sid !== "" ? `"${s.Sid}"` : `#${index + 1}`;
}

/** Whether one statement applies to the request, and why not when it cannot tell. */
export function statementApplies(s: PolicyStatement, r: EvalRequest, index = 0): { applies: Tri; reason?: string } {
    const label = statementLabel(s, index);
    if (s.Principal !== undefined && !principalMatches(s.Principal, r.principal)) {
        return { applies: false };
    }
    if (s.NotPrincipal !== undefined) {
        if (s.Effect === "Allow") {
            return { applies: "unknown", reason: `statement ${label} uses NotPrincipal on an Allow, which this check does not evaluate` };
        }
        if (principalMatches(s.NotPrincipal, r.principal)) {
            return { applies: false };
        }
    }
    if (s.Principal === undefined && s.NotPrincipal === undefined) {
        return { applies: false }; // not a resource-policy statement; it grants nobody
    }
    if (s.Action !== undefined && !actionMatches(list(s.Action), r.action)) {
        return { applies: false };
    }
    if (s.NotAction !== undefined && actionMatches(list(s.NotAction), r.action)) {
        return { applies: false };
    }
    if (s.Resource !== undefined && !resourceMatches(list(s.Resource), r.resource)) {
        return { applies: false };
    }
    if (s.NotResource !== undefined && resourceMatches(list(s.NotResource), r.resource)) {
        return { applies: false };
    }
    let applies: Tri = true;
    const unknownKeys: string[] = [];
    for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
        for (const [key, values] of Object.entries(keys)) {
            const held = conditionHolds(operator, key, list(values), r.context);
            if (held === "unknown") {
                unknownKeys.push(`${operator} ${key}`);
            }
            applies = and(applies, held);
        }
    }
    if (applies === "unknown") {
        return { applies, reason: `statement ${label} has a condition this check cannot decide (${unknownKeys.join(", ")})` };
    }
    return { applies };
}

/** Evaluates `request` against a resource policy (an absent policy allows nothing). */
export function evaluate(policy: PolicyDocument | undefined, request: EvalRequest): Evaluation {
    const allowedBy: PolicyStatement[] = [];
    const deniedBy: PolicyStatement[] = [];
    const unknownAllow: string[] = [];
    const unknownDeny: string[] = [];
    (policy?.Statement ?? []).forEach((s, i) => {
        const { applies, reason } = statementApplies(s, request, i);
        if (applies === true) {
            (s.Effect === "Deny" ? deniedBy : allowedBy).push(s);
        } else if (applies === "unknown" && reason !== undefined) {
            (s.Effect === "Deny" ? unknownDeny : unknownAllow).push(reason);
        }
    });
    if (deniedBy.length > 0) {
        return { verdict: "explicit-deny", allowedBy, deniedBy, unknowns: [] };
    }
    if (allowedBy.length > 0) {
        return { verdict: unknownDeny.length > 0 ? "unknown" : "allow", allowedBy, deniedBy, unknowns: unknownDeny };
    }
    if (unknownAllow.length > 0) {
        return { verdict: "unknown", allowedBy, deniedBy, unknowns: [...unknownAllow, ...unknownDeny] };
    }
    return { verdict: "implicit-deny", allowedBy, deniedBy, unknowns: [] };
}

/**
 * Parses a policy document as AWS returns it (GetBucketPolicy, GetKeyPolicy): JSON text whose
 * `Statement` may be a single object. Throws an Error naming `what` when it is not a policy.
 */
export function parsePolicy(text: string, what: string): PolicyDocument {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch {
        throw new Error(`the ${what} is not valid JSON.`);
    }
    const doc = raw as { Version?: string; Statement?: PolicyStatement | PolicyStatement[] };
    if (typeof raw !== "object" || raw === null || doc.Statement === undefined) {
        throw new Error(`the ${what} has no Statement.`);
    }
    return { Version: "2012-10-17", Statement: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement] };
}
