/**
 * The continuous-export function's identity policy: seed 003's caller statements for the selected
 * log groups (exact names through `exportCallerStatements`; name prefixes as ARN wildcards, since
 * groups created later must match too), plus its state table, its own log group, and the tag
 * lookup when a tag selects groups. Pure: no Pulumi, no SDK.
 */
import { exportCallerStatements } from "../policies/exportCaller";
import { Partition } from "../policies/partition";
import { policyDocument, PolicyDocument, PolicyStatement } from "../policies/types";
import { ValidationError } from "../policies/validate";
import { Cover, coverNames } from "../handlers/scheduledExport/selection";

export interface ScheduledExportPolicyOptions {
    readonly region: string;
    readonly account: string;
    readonly partition: Partition;
    readonly logGroupNames: readonly string[];
    readonly logGroupNamePrefixes: readonly string[];
    /** A tag selects groups: ListTagsForResource on every group of the account and region. */
    readonly tagged: boolean;
    readonly bucket: string;
    readonly prefix: string;
    readonly kmsKeyArn?: string;
    readonly tableArn: string;
    readonly functionLogGroupArn: string;
}

export const SCHEDULED_EXPORT_SIDS = {
    prefixedLogGroups: "CloudWatchLogsExportPrefixedLogGroups",
    state: "ScheduleStateTable",
    ownLogs: "FunctionOwnLogs",
    tags: "SelectLogGroupsByTag",
} as const;

/** IAM's limit on a role's inline policies, all together, in characters without whitespace (IAM and AWS STS quotas). */
export const ROLE_POLICY_MAX_CHARS = 10_240;

/**
 * The policy; when the exact names make it longer than a role's inline policies may be, the export
 * permission goes to the names' shared path prefixes instead (`log-group:/app/team1/*`, as few
 * slashes dropped as needed). The function still exports only the named groups.
 */
export function scheduledExportPolicy(o: ScheduledExportPolicyOptions): PolicyDocument {
    let doc: PolicyDocument | undefined;
    const fits = (c: Cover): boolean => {
        doc = exactPolicy({ ...o, logGroupNames: c.names, logGroupNamePrefixes: [...new Set([...o.logGroupNamePrefixes, ...c.prefixes])] });
        return JSON.stringify(doc).length <= ROLE_POLICY_MAX_CHARS;
    };
    if (coverNames(o.logGroupNames, fits) === undefined) {
        throw new ValidationError("logGroupNames",
            `${o.logGroupNames.length} names make the function role's policy ${JSON.stringify(doc).length} characters even grouped by path prefix, ` +
            `over IAM's ${ROLE_POLICY_MAX_CHARS}-character limit for a role's inline policies (IAM and AWS STS quotas): select the groups with [logGroupNamePrefixes] or [tag].`);
    }
    return doc as unknown as PolicyDocument;
}

function exactPolicy(o: ScheduledExportPolicyOptions): PolicyDocument {
    const base = `arn:${o.partition}:logs:${o.region}:${o.account}:log-group:`;
    const tagOnly = o.logGroupNames.length === 0 && o.logGroupNamePrefixes.length === 0;
    const caller = exportCallerStatements({
        region: o.region, account: o.account, partition: o.partition, logGroupNames: o.logGroupNames,
        bucket: o.bucket, prefixes: o.prefix === "" ? [] : [o.prefix], kmsKeyArn: o.kmsKeyArn,
    });
    let statements: PolicyStatement[] = caller;
    if (o.logGroupNamePrefixes.length > 0) {
        // The two actions seed 003 scopes to log groups, on every group whose name starts with a prefix.
        const prefixed: PolicyStatement = {
            Sid: SCHEDULED_EXPORT_SIDS.prefixedLogGroups,
            Effect: "Allow",
            Action: ["logs:CreateExportTask", "logs:DescribeLogStreams"],
            Resource: o.logGroupNamePrefixes.map(p => `${base}${p}*`),
        };
        statements = o.logGroupNames.length > 0
            ? [caller[0], prefixed, ...caller.slice(1)]
            // No exact names: seed 003's unscoped statement keeps only the actions without resource-level permissions.
            : [prefixed, { ...caller[0], Action: ["logs:CancelExportTask", "logs:DescribeExportTasks", "logs:DescribeLogGroups"] }, ...caller.slice(1)];
    }
    statements = [...statements, {
        Sid: SCHEDULED_EXPORT_SIDS.state,
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
        Resource: o.tableArn,
    }, {
        Sid: SCHEDULED_EXPORT_SIDS.ownLogs,
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${o.functionLogGroupArn}:*`,
    }];
    if (o.tagged) {
        statements.push({
            Sid: SCHEDULED_EXPORT_SIDS.tags,
            Effect: "Allow",
            Action: "logs:ListTagsForResource",
            Resource: tagOnly ? `${base}*` : [...o.logGroupNames.map(n => `${base}${n}`), ...o.logGroupNamePrefixes.map(p => `${base}${p}*`)],
        });
    }
    return policyDocument(statements);
}
