/**
 * Every AWS service that vends logs through the V2 delivery APIs, with its log types, as data, for
 * checks before PutDeliverySource is called (unknown log type for a known service, CloudFront only
 * from us-east-1, wildcard resource ARNs where AWS requires them).
 *
 * Source: the CloudWatch Logs API model, PutDeliverySource `logType` and `resourceArn` documentation,
 * as shipped in @aws-sdk/client-cloudwatch-logs 3.1169.0 (`PutDeliverySourceRequest` in
 * dist-types/models/models_0.d.ts; the same text as the API reference page
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html).
 * The ARN service and resource prefix of each row map a resource ARN to its row; rows whose ARN form
 * is not certain match on the service only (`resourcePrefix` absent), so an ARN of that service is
 * checked against the union of its rows' log types. A prefix never refuses an ARN: an ARN of a listed
 * service that matches none of its prefixes is checked against all of the service's log types.
 * To add a service, add a row.
 *
 * ARN service prefixes of the newer rows, from the Service Authorization Reference ("Actions,
 * resources, and condition keys for <service>"): `bedrock-agentcore` (Amazon Bedrock Agentcore),
 * `aidevops` (AWS DevOps Agent Service), `elemental-inference` (AWS Elemental Inference),
 * `route53globalresolver` (AWS Route53 Global Resolver), `rtbfabric` (AWS RTB Fabric). Resource
 * forms: AgentCore `memory/` (AgentCore Control API reference, HarnessAgentCoreMemoryConfiguration
 * `arn` pattern); RTB Fabric `gateway/<gateway>/link/<link>` (RTB Fabric User Guide, "Configuring RTB
 * Fabric logs with Amazon CloudWatch Logs": only links are log sources); Quick
 * `quicksight:...:account/<account>` (public delivery-source examples, not an AWS page's text). Not
 * confirmed from an AWS page: AgentCore `gateway/`, `runtime/`, `workload-identity-directory/`,
 * `payment`, `browser`, `code-interpreter`; the resource forms of DevOps Agent (its Agent Space),
 * Elemental Inference (its feed) and Route 53 Global Resolver (its global resolver), which therefore
 * match on the service only.
 */
import { ValidationError } from "./validate";

/** One V2 source service of PutDeliverySource's `logType` list. */
export interface DeliveryServiceEntry {
    /** The service as the API reference names it. */
    readonly title: string;
    /** The service part of the resource's ARN. */
    readonly arnService: string;
    /** The resource part of the ARN starts with this, when only some resources of the service are meant. */
    readonly resourcePrefix?: string;
    /** Log types the resource can vend. */
    readonly logTypes: readonly string[];
    /** The only region delivery sources of this service can be created in (CloudFront: us-east-1). */
    readonly region?: string;
    /** Resource ARNs AWS requires instead of one resource (the resource part, e.g. `hub/*`), by log type. */
    readonly wildcardResource?: Readonly<Record<string, string>>;
}

const ac = "bedrock-agentcore";

/** The V2 source services, in the order of PutDeliverySource's `logType` documentation. */
export const DELIVERY_V2_SERVICES: readonly DeliveryServiceEntry[] = [
    { title: "AWS Amplify", arnService: "amplify", logTypes: ["ACCESS_LOGS", "WAF_LOGS"] },
    { title: "Application Load Balancer", arnService: "elasticloadbalancing", resourcePrefix: "loadbalancer/app/", logTypes: ["ALB_ACCESS_LOGS", "ALB_CONNECTION_LOGS", "ALB_HEALTH_CHECK_LOGS"] },
    { title: "Amazon Bedrock AgentCore Gateway", arnService: ac, resourcePrefix: "gateway/", logTypes: ["APPLICATION_LOGS", "TRACES"] },
    { title: "Amazon Bedrock AgentCore Identity", arnService: ac, resourcePrefix: "workload-identity-directory/", logTypes: ["APPLICATION_LOGS", "TRACES"] },
    { title: "Amazon Bedrock AgentCore Memory", arnService: ac, resourcePrefix: "memory/", logTypes: ["APPLICATION_LOGS", "TRACES"] },
    { title: "Amazon Bedrock AgentCore Payments", arnService: ac, resourcePrefix: "payment", logTypes: ["APPLICATION_LOGS", "TRACES"] },
    { title: "Amazon Bedrock AgentCore Runtime", arnService: ac, resourcePrefix: "runtime/", logTypes: ["APPLICATION_LOGS", "USAGE_LOGS", "TRACES"] },
    { title: "Amazon Bedrock AgentCore Tools", arnService: ac, resourcePrefix: "browser", logTypes: ["APPLICATION_LOGS", "USAGE_LOGS", "TRACES"] },
    { title: "Amazon Bedrock AgentCore Tools", arnService: ac, resourcePrefix: "code-interpreter", logTypes: ["APPLICATION_LOGS", "USAGE_LOGS", "TRACES"] },
    { title: "Amazon Bedrock Agents", arnService: "bedrock", resourcePrefix: "agent/", logTypes: ["APPLICATION_LOGS", "EVENT_LOGS"] },
    { title: "Amazon Bedrock Knowledge Bases", arnService: "bedrock", resourcePrefix: "knowledge-base/", logTypes: ["APPLICATION_LOGS", "TRACES"] },
    { title: "CloudFront", arnService: "cloudfront", logTypes: ["ACCESS_LOGS"], region: "us-east-1" },
    { title: "CloudWatch Logs Insights query execution logs", arnService: "logs", resourcePrefix: "log-group:", logTypes: ["INSIGHTS_QUERY_LOGS"], wildcardResource: { INSIGHTS_QUERY_LOGS: "log-group:*" } },
    { title: "Amazon CodeWhisperer", arnService: "codewhisperer", logTypes: ["EVENT_LOGS"] },
    { title: "DevOps Agent", arnService: "aidevops", logTypes: ["APPLICATION_LOGS"] },
    { title: "Amazon EKS Auto Mode", arnService: "eks", resourcePrefix: "cluster/", logTypes: ["AUTO_MODE_BLOCK_STORAGE_LOGS", "AUTO_MODE_COMPUTE_LOGS", "AUTO_MODE_IPAM_LOGS", "AUTO_MODE_LOAD_BALANCING_LOGS"] },
    {
        title: "Amazon EKS Capability Logs", arnService: "eks", resourcePrefix: "capability/", logTypes: [
            "EKS_CAPABILITY_ACK_LOGS", "EKS_CAPABILITY_ARGOCD_APPLICATION_LOGS", "EKS_CAPABILITY_ARGOCD_APPLICATIONSET_LOGS",
            "EKS_CAPABILITY_ARGOCD_COMMITSERVER_LOGS", "EKS_CAPABILITY_ARGOCD_REPOSERVER_LOGS", "EKS_CAPABILITY_ARGOCD_SERVER_LOGS", "EKS_CAPABILITY_KRO_LOGS",
        ],
    },
    { title: "AWS Elemental Inference", arnService: "elemental-inference", logTypes: ["APPLICATION_LOGS"] },
    { title: "Elemental MediaPackage", arnService: "mediapackagev2", logTypes: ["EGRESS_ACCESS_LOGS", "INGRESS_ACCESS_LOGS"] },
    { title: "Elemental MediaTailor", arnService: "mediatailor", logTypes: ["AD_DECISION_SERVER_LOGS", "MANIFEST_SERVICE_LOGS", "TRANSCODE_LOGS"] },
    { title: "Amazon ECS", arnService: "ecs", logTypes: ["ACTION_LOGS"] },
    { title: "Entity Resolution", arnService: "entityresolution", logTypes: ["WORKFLOW_LOGS"] },
    { title: "Amazon EventBridge Event Bus (Custom)", arnService: "events", resourcePrefix: "event-bus/", logTypes: ["INFO_LOGS", "ERROR_LOGS"] },
    { title: "IAM Identity Center", arnService: "sso", logTypes: ["ERROR_LOGS"] },
    { title: "Network Firewall Proxy", arnService: "network-firewall", logTypes: ["ALERT_LOGS", "ALLOW_LOGS", "DENY_LOGS"] },
    { title: "Network Load Balancer", arnService: "elasticloadbalancing", resourcePrefix: "loadbalancer/net/", logTypes: ["NLB_ACCESS_LOGS"] },
    { title: "PCS", arnService: "pcs", logTypes: ["PCS_SCHEDULER_LOGS", "PCS_JOBCOMP_LOGS", "PCS_SCHEDULER_AUDIT_LOGS", "PCS_SCALING_LOGS"] },
    { title: "Amazon Q", arnService: "qbusiness", logTypes: ["EVENT_LOGS", "SYNC_JOB_LOGS"] },
    { title: "Amazon Q in Connect AI agents", arnService: "wisdom", logTypes: ["EVENT_LOGS"] },
    { title: "Quick", arnService: "quicksight", resourcePrefix: "account/", logTypes: ["AGENT_HOURS_LOGS", "AGENT_METADATA_LOGS", "CHAT_LOGS", "DLP_LOGS", "FEEDBACK_LOGS", "INDEX_USAGE_LOGS", "KB_FILE_SYNC_LOGS"] },
    { title: "Route 53 Global Resolver", arnService: "route53globalresolver", logTypes: ["GLOBAL_RESOLVER_LOGS"] },
    { title: "AWS RTB Fabric", arnService: "rtbfabric", resourcePrefix: "gateway/", logTypes: ["APPLICATION_LOGS"] },
    { title: "Amazon S3", arnService: "s3", logTypes: ["S3_SERVER_ACCESS_LOGS"] },
    { title: "AWS Security Hub", arnService: "securityhub", resourcePrefix: "hubv2/", logTypes: ["SECURITY_FINDING_LOGS"], wildcardResource: { SECURITY_FINDING_LOGS: "hubv2/*" } },
    { title: "AWS Security Hub CSPM", arnService: "securityhub", resourcePrefix: "hub/", logTypes: ["SECURITY_FINDING_LOGS"], wildcardResource: { SECURITY_FINDING_LOGS: "hub/*" } },
    { title: "Amazon SES mail manager", arnService: "ses", logTypes: ["APPLICATION_LOGS", "TRAFFIC_POLICY_DEBUG_LOGS"] },
    { title: "AWS Shield Advanced", arnService: "shield", logTypes: ["FLOW_LOGS"] },
    { title: "Amazon VPC Route Server", arnService: "ec2", resourcePrefix: "route-server/", logTypes: ["EVENT_LOGS"] },
    {
        title: "Amazon WorkMail", arnService: "workmail", logTypes: [
            "ACCESS_CONTROL_LOGS", "AUTHENTICATION_LOGS", "WORKMAIL_AVAILABILITY_PROVIDER_LOGS",
            "WORKMAIL_MAILBOX_ACCESS_LOGS", "WORKMAIL_PERSONAL_ACCESS_TOKEN_LOGS",
        ],
    },
];

/** Where the table comes from, for messages. */
export const DELIVERY_SERVICES_SOURCE = "CloudWatch Logs API reference, PutDeliverySource logType";

const ARN = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;

/** The parts of a resource ARN. */
export interface ResourceArnParts {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

/** Throws unless `arn` looks like an ARN. */
export function parseResourceArn(arn: string, argument: string): ResourceArnParts {
    const m = typeof arn === "string" ? ARN.exec(arn) : null;
    if (m === null) {
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is not an ARN: give the full ARN of the resource, e.g. "arn:aws:workmail:us-east-1:111122223333:organization/m-0123456789abcdef".`);
    }
    return { partition: m[1], service: m[2], region: m[3], account: m[4] ?? "", resource: m[5] };
}

/**
 * The rows for a resource ARN: the row whose resource prefix matches; otherwise every row of the ARN's
 * service without a prefix; otherwise, for a service whose rows all have prefixes, all of them (a
 * resource type the table does not distinguish still gets its service's log types checked).
 * `undefined` for a service the table does not list.
 */
export function deliveryServiceOf(resourceArn: string): DeliveryServiceEntry | undefined {
    const p = parseResourceArn(resourceArn, "resourceArn");
    const rows = DELIVERY_V2_SERVICES.filter(e => e.arnService === p.service);
    if (rows.length === 0) {
        return undefined;
    }
    const byPrefix = rows.filter(e => e.resourcePrefix !== undefined && p.resource.startsWith(e.resourcePrefix));
    const chosen = byPrefix.length > 0 ? byPrefix : rows.some(e => e.resourcePrefix === undefined) ? rows.filter(e => e.resourcePrefix === undefined) : rows;
    if (chosen.length === 1) {
        return chosen[0];
    }
    return {
        title: [...new Set(chosen.map(e => e.title))].join(" or "),
        arnService: p.service,
        logTypes: [...new Set(chosen.flatMap(e => e.logTypes))],
        region: chosen.every(e => e.region === chosen[0].region) ? chosen[0].region : undefined,
    };
}

/**
 * Throws when the resource belongs to a service of the table and `logType` is not one of its log
 * types, or when AWS requires a wildcard resource ARN for that log type and another is given.
 */
export function validateLogType(resourceArn: string, logType: string, argument: string): string {
    const entry = deliveryServiceOf(resourceArn);
    if (typeof logType !== "string" || logType.length === 0) {
        throw new ValidationError(argument, `a log type is required: give the log type the resource vends, e.g. "APPLICATION_LOGS".`);
    }
    if (entry === undefined) {
        return logType;
    }
    if (!entry.logTypes.includes(logType)) {
        throw new ValidationError(argument,
            `${JSON.stringify(logType)} is not a log type of ${entry.title} (${DELIVERY_SERVICES_SOURCE}): use ${entry.logTypes.map(t => `"${t}"`).join(", ")}.`);
    }
    const wildcard = entry.wildcardResource?.[logType];
    const p = parseResourceArn(resourceArn, "resourceArn");
    if (wildcard !== undefined && p.resource !== wildcard) {
        const want = `arn:${p.partition}:${p.service}:${p.region}:${p.account}:${wildcard}`;
        throw new ValidationError("resourceArn",
            `${JSON.stringify(resourceArn)} names one resource, but ${entry.title} delivers ${logType} only from the wildcard ARN ${JSON.stringify(want)} ` +
            `(${DELIVERY_SERVICES_SOURCE.replace("logType", "resourceArn")}): give that ARN as [resourceArn].`);
    }
    return logType;
}

/**
 * Throws when the service creates its delivery sources in one region only and `region` is another:
 * CloudFront delivery sources live in us-east-1 (CloudFront is global; its standard logging (v2) is
 * configured through CloudWatch Logs in US East (N. Virginia)).
 */
export function validateSourceRegion(resourceArn: string, region: string): void {
    const entry = deliveryServiceOf(resourceArn);
    if (entry?.region !== undefined && region !== entry.region) {
        throw new ValidationError("region",
            `${entry.title} delivery sources can only be created in ${entry.region}, and this source would be in "${region}": ` +
            `set [region] to "${entry.region}" (or use a provider for ${entry.region}); its destinations must be in ${entry.region} too.`);
    }
}
