/**
 * Policy evaluation for tests with @cloud-copilot/iam-simulate (AGPL: a devDependency, used only
 * here). Answers what AWS would decide for one request, so tests prove what a policy allows and
 * denies rather than only what its JSON looks like.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument } from "../../policies/types";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface Request {
    /** A principal ARN, or a service principal such as `logs.us-east-1.amazonaws.com`. */
    principal: string;
    action: string;
    resource: string;
    /** The account that owns the resource. */
    resourceAccount: string;
    /** Request context keys, e.g. `aws:SourceAccount`, `s3:x-amz-acl`, `aws:SecureTransport`. */
    context?: Record<string, string | string[]>;
    /** The resource's policy (bucket policy, key policy, ...). */
    resourcePolicy?: PolicyDocument;
    /** Identity policies attached to the principal. */
    identityPolicies?: PolicyDocument[];
}

/** Evaluates one request; throws if the simulator refuses the input (a malformed policy or request). */
export async function decide(r: Request): Promise<Decision> {
    const result = await runSimulation({
        request: {
            principal: r.principal,
            action: r.action,
            resource: { resource: r.resource, accountId: r.resourceAccount },
            contextVariables: { "aws:SecureTransport": "true", ...(r.context ?? {}) },
        },
        identityPolicies: (r.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: r.resourcePolicy,
    }, {});
    if (result.resultType === "error") {
        throw new Error(`simulation refused: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult as Decision;
}
