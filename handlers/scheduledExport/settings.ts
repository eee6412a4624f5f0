/**
 * The schedule's settings as an item of its state table: the component writes it (Pulumi's
 * `aws.dynamodb.TableItem`), the function reads it at every tick. Lambda's environment variables
 * hold at most 4 KB in all (Lambda quotas), too little for long lists of log group names; a
 * DynamoDB item holds 400 KB. Pure, except {@link readSettings}.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** Partition key of the settings item (the handler's own items are `group#...`, `lease` and `config`). */
export const SETTINGS_KEY = "settings";
/** The attribute holding the settings, as JSON. */
export const SETTINGS_ATTRIBUTE = "settings";
/** DynamoDB's item size limit: 400 KB, attribute names and values counted (Amazon DynamoDB "Service, account, and table quotas"). */
export const MAX_ITEM_BYTES = 400 * 1024;

/** The settings item, in DynamoDB's attribute-value JSON (what `aws.dynamodb.TableItem`'s `item` takes). */
export function settingsItem(settingsJson: string): Record<string, { S: string }> {
    return { pk: { S: SETTINGS_KEY }, [SETTINGS_ATTRIBUTE]: { S: settingsJson } };
}

/** Size of the settings item as DynamoDB counts it: UTF-8 bytes of every attribute name and string value. */
export function settingsItemBytes(settingsJson: string): number {
    return Object.entries(settingsItem(settingsJson)).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v.S), 0);
}

/** Why the settings do not fit in one item, naming the argument to change; `undefined` when they fit. */
export function settingsSizeProblem(settingsJson: string): string | undefined {
    const bytes = settingsItemBytes(settingsJson);
    if (bytes <= MAX_ITEM_BYTES) {
        return undefined;
    }
    return `the schedule's settings take ${bytes} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte (400 KB) item size limit ` +
        `(Amazon DynamoDB "Service, account, and table quotas"): select the groups with [logGroupNamePrefixes] or [tag] instead of listing them all.`;
}

/** Reads the settings item (strongly consistent: a `pulumi up` just before the tick is seen). */
export async function readSettings(tableName: string, region?: string): Promise<unknown> {
    const ddb = await import("@aws-sdk/client-dynamodb");
    const client = new ddb.DynamoDBClient({ region });
    const out = await client.send(new ddb.GetItemCommand({ TableName: tableName, Key: { pk: { S: SETTINGS_KEY } }, ConsistentRead: true }));
    const text = (out.Item as Record<string, AttributeValue> | undefined)?.[SETTINGS_ATTRIBUTE]?.S;
    if (text === undefined) {
        throw new Error(`the schedule's settings item (pk "${SETTINGS_KEY}") is missing from table ${tableName}: the ScheduledExport component writes it; run \`pulumi up\`.`);
    }
    return JSON.parse(text);
}
