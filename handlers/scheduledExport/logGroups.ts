/** Lists the log groups a schedule selects (DescribeLogGroups, and ListTagsForResource for a tag). */
import { listingPrefixes, matchesName, Selection } from "./selection";

export interface LogGroupInfo {
    readonly logGroupName: string;
    readonly creationTime?: number;
}

/** The selected log groups of this account and region, sorted by name. */
export async function listSelectedGroups(selection: Selection, region?: string): Promise<LogGroupInfo[]> {
    const logs = await import("@aws-sdk/client-cloudwatch-logs");
    const client = new logs.CloudWatchLogsClient({ region });
    const found = new Map<string, LogGroupInfo & { arn?: string }>();
    for (const prefix of listingPrefixes(selection)) {
        let nextToken: string | undefined;
        do {
            const out = await client.send(new logs.DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken, limit: 50 }));
            for (const g of out.logGroups ?? []) {
                if (g.logGroupName !== undefined && matchesName(g.logGroupName, selection)) {
                    found.set(g.logGroupName, {
                        logGroupName: g.logGroupName, creationTime: g.creationTime, arn: g.logGroupArn ?? g.arn?.replace(/:\*$/, ""),
                    });
                }
            }
            nextToken = out.nextToken;
        } while (nextToken !== undefined);
    }
    let groups = [...found.values()];
    const tag = selection.tag;
    if (tag !== undefined) {
        const tagged: typeof groups = [];
        for (const g of groups) {
            if (g.arn === undefined) {
                continue;
            }
            const out = await client.send(new logs.ListTagsForResourceCommand({ resourceArn: g.arn }));
            if (out.tags?.[tag.key] === tag.value) {
                tagged.push(g);
            }
        }
        groups = tagged;
    }
    return groups.map(g => ({ logGroupName: g.logGroupName, creationTime: g.creationTime })).sort((a, b) => a.logGroupName.localeCompare(b.logGroupName));
}
