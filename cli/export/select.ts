/**
 * Which log groups an export covers: exact names (`--log-group`), prefixes (`--log-group-prefix`)
 * and glob patterns (`--log-group-pattern`, e.g. `/aws/lambda/*-prod`), resolved per account with
 * DescribeLogGroups; and which of them hold no events in the range, from the timestamps AWS reports
 * (see {@link eventBounds}), so that no export task is spent on them.
 *
 * The decisions are pure; {@link resolveGroups} is the thin AWS layer.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeLogStreamsCommand, LogGroup, LogStream } from "@aws-sdk/client-cloudwatch-logs";
import { ValidationError, validateLogGroupName } from "../../policies/validate";
import { mapBounded } from "../accounts";

/** What the user selected. */
export interface GroupSelector {
    readonly names: readonly string[];
    readonly prefixes: readonly string[];
    readonly patterns: readonly string[];
}

/** A log group name's characters (CreateLogGroup: a-z A-Z 0-9 _ - / . #), plus the glob's `*` and `?`. */
const PATTERN = /^[\w\-/.#*?]{1,512}$/;
const PREFIX = /^[\w\-/.#]{1,512}$/;

/** Validates the selection flags; throws a ValidationError naming the flag. */
export function parseSelector(names: readonly string[] | undefined, prefixes: readonly string[] | undefined,
    patterns: readonly string[] | undefined): GroupSelector {
    const n = [...new Set((names ?? []).map(g => validateLogGroupName(g, "--log-group")))];
    const p = [...new Set(prefixes ?? [])];
    for (const x of p) {
        if (!PREFIX.test(x)) {
            throw new ValidationError("--log-group-prefix", `${JSON.stringify(x)} is not a log group name prefix: use 1 to 512 characters from ` +
                "a-z, A-Z, 0-9, \"_\", \"-\", \"/\", \".\" and \"#\" (for wildcards use --log-group-pattern).");
        }
    }
    const g = [...new Set(patterns ?? [])];
    for (const x of g) {
        if (!PATTERN.test(x)) {
            throw new ValidationError("--log-group-pattern", `${JSON.stringify(x)} is not a log group pattern: use log group name characters ` +
                "(a-z, A-Z, 0-9, \"_\", \"-\", \"/\", \".\", \"#\") with * (any characters but /), ** (any characters) and ? (one character), e.g. \"/aws/lambda/*-prod\".");
        }
    }
    if (n.length + p.length + g.length === 0) {
        throw new ValidationError("--log-group", "is required: name at least one log group to export (repeat the flag or list several), " +
            "or select them with --log-group-prefix or --log-group-pattern.");
    }
    return { names: n, prefixes: p, patterns: g };
}

/**
 * The selection as a list, for the default checkpoint path: stable while the groups a prefix or
 * pattern matches (or the empty ones skipped) change from run to run. Exact names alone give the
 * names, so such a run keeps the path it always had.
 */
export function selectorIdentity(s: GroupSelector): string[] {
    return [...s.names, ...s.prefixes.map(p => `prefix:${p}`), ...s.patterns.map(p => `pattern:${p}`)];
}

/** True when the selection is only exact names (no listing needed). */
export function namesOnly(s: GroupSelector): boolean {
    return s.prefixes.length === 0 && s.patterns.length === 0;
}

/** The glob as a regular expression: `**` any characters, `*` any but `/`, `?` one character. */
export function globRegExp(pattern: string): RegExp {
    let re = "";
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === "*" && pattern[i + 1] === "*") {
            re += ".*";
            i++;
        } else if (c === "*") {
            re += "[^/]*";
        } else if (c === "?") {
            re += "[^/]";
        } else {
            re += c.replace(/[.\\^$+{}()|[\]]/g, "\\$&");
        }
    }
    return new RegExp(`^${re}$`);
}

/** The literal start of a pattern, for DescribeLogGroups' `logGroupNamePrefix`. */
export function literalPrefix(pattern: string): string {
    const i = pattern.search(/[*?]/);
    return i < 0 ? pattern : pattern.slice(0, i);
}

/** The prefixes to list with DescribeLogGroups (`""`: every group), without one that another covers. */
export function listingPrefixes(s: GroupSelector): string[] {
    const all = [...s.prefixes, ...s.patterns.map(literalPrefix)];
    return [...new Set(all)].filter(p => !all.some(q => q !== p && p.startsWith(q))).sort();
}

/** True when `name` is selected by a prefix or pattern of `s` (exact names are checked by preflight). */
export function matches(s: GroupSelector, name: string): boolean {
    return s.prefixes.some(p => name.startsWith(p)) || s.patterns.some(p => globRegExp(p).test(name));
}

/**
 * PutLogEvents refuses events more than 14 days older than their ingestion (PutLogEvents API
 * reference), so a group holds no event older than its creation time minus 14 days.
 */
export const MAX_EVENT_AGE_MS = 14 * 86_400_000;
/** PutLogEvents refuses events more than 2 hours in the future of their ingestion (same page). */
export const MAX_EVENT_LEAD_MS = 2 * 3_600_000;

/** Why a group holds no events in the range, or `undefined` when it may hold some. */
export type EmptyReason = string | undefined;

/**
 * Whether a log group can hold events in `[from, to)`, from its `creationTime` alone: not when the
 * range ends before the creation time minus 14 days. `creationTime` is set once by CreateLogGroup
 * and exact, so this never skips a group with data.
 */
export function emptyByCreation(group: Pick<LogGroup, "creationTime">, to: number): EmptyReason {
    if (group.creationTime !== undefined && to <= group.creationTime - MAX_EVENT_AGE_MS) {
        return `created ${new Date(group.creationTime).toISOString()}, more than 14 days after the range ends (PutLogEvents accepts events at most 14 days old)`;
    }
    return undefined;
}

/**
 * `lastEventTimestamp` "updates on an eventual consistency basis. It typically updates in less than
 * an hour from ingestion, but in rare situations might take longer" (DescribeLogStreams API
 * reference): it is trusted once the stream's last ingestion is a day old.
 */
export const SETTLED_AFTER_MS = 86_400_000;

/**
 * The bounds of a stream's event timestamps as AWS's fields prove them, or `undefined` for a stream
 * that never received an event (no `lastIngestionTime`).
 * - lower: the stream's `creationTime` minus 14 days (no event can be older at its ingestion, and
 *   none is ingested before the stream exists). `firstEventTimestamp` is not used: PutLogEvents can
 *   add older events later, and the reference does not say that the field follows them.
 * - upper: `lastEventTimestamp` once settled (see {@link SETTLED_AFTER_MS}); before that, the last
 *   ingestion plus 2 hours (the newest timestamp PutLogEvents accepted then).
 * `storedBytes` is not used: it is updated late and is 0 for a group whose data is only hours old.
 */
export function eventBounds(s: Pick<LogStream, "lastEventTimestamp" | "lastIngestionTime" | "creationTime">, now: number):
    { first: number; last: number } | undefined {
    if (s.lastIngestionTime === undefined) {
        return undefined;
    }
    const settled = s.lastEventTimestamp !== undefined && s.lastIngestionTime <= now - SETTLED_AFTER_MS;
    const last = settled ? s.lastEventTimestamp as number : Math.max(s.lastEventTimestamp ?? 0, s.lastIngestionTime + MAX_EVENT_LEAD_MS);
    const first = s.creationTime === undefined ? -Infinity : s.creationTime - MAX_EVENT_AGE_MS;
    return { first, last };
}

/** How stale the LastEventTime order of DescribeLogStreams may be: a stream sorted after one that ended before this cannot be in range. */
const SORT_LAG_MARGIN_MS = SETTLED_AFTER_MS;

/** Verdict on streams read newest-last-event first: `true` has events, `false` none, `undefined` undecided yet. */
export function streamsVerdict(streams: readonly LogStream[], from: number, to: number, sortedByLastEvent: boolean, now: number): boolean | undefined {
    for (const s of streams) {
        const b = eventBounds(s, now);
        if (b === undefined) {
            continue;
        }
        if (b.first < to && b.last >= from) {
            return true;
        }
        // Sorted by last event, newest first: every later stream's last event is older still; the
        // sort key may lag (eventual consistency), hence the margin.
        if (sortedByLastEvent && s.lastEventTimestamp !== undefined && s.lastEventTimestamp + SORT_LAG_MARGIN_MS < from) {
            return false;
        }
    }
    return undefined;
}

/** The outcome of {@link resolveGroups} in one account. */
export interface ResolvedGroups {
    /** Groups to export, sorted (exact names first, in the order given). */
    readonly groups: string[];
    /** Groups selected but holding no events in the range, with why. */
    readonly skipped: { readonly logGroupName: string; readonly why: string }[];
    /** Groups DescribeLogGroups did not list (named with --log-group): the preflight names them. */
    readonly unlisted: string[];
}

/** Why `g` holds no events in `[from, to)`, or `undefined` when it may hold some (or does not exist: the preflight says so). */
async function groupVerdict(logs: CloudWatchLogsClient, g: LogGroup, from: number, to: number,
    options: { streamPrefix?: string; now?: number }): Promise<string | undefined> {
    if (g.arn === undefined && g.creationTime === undefined) {
        return undefined;
    }
    const byCreation = emptyByCreation(g, to);
    if (byCreation !== undefined) {
        return byCreation;
    }
    let verdict: boolean | undefined;
    let nextToken: string | undefined;
    const sorted = options.streamPrefix === undefined;
    for (let page = 0; page < STREAM_PAGES && verdict === undefined; page++) {
        const out = await logs.send(new DescribeLogStreamsCommand({
            logGroupName: g.logGroupName, nextToken,
            ...(sorted ? { orderBy: "LastEventTime", descending: true } : { logStreamNamePrefix: options.streamPrefix }),
        }));
        verdict = streamsVerdict(out.logStreams ?? [], from, to, sorted, options.now ?? Date.now());
        nextToken = out.nextToken !== undefined && out.nextToken !== "" && out.nextToken !== nextToken ? out.nextToken : undefined;
        if (verdict === undefined && nextToken === undefined) {
            verdict = false;
        }
    }
    return verdict === false ? `no log stream${sorted ? "" : " under --stream-prefix"} has events in the range (DescribeLogStreams timestamps)` : undefined;
}

/** Lookups of one account run at most this many at a time. */
export const LOOKUPS_AT_ONCE = 4;

/** Stream pages read per group before giving up and exporting it anyway. */
const STREAM_PAGES = 4;

/**
 * Lists the selected groups in one account and leaves out those without events in `[from, to)`.
 * Exact names are kept even when they do not exist (the preflight names them); `skipEmpty: false`
 * keeps every group.
 */
export async function resolveGroups(logs: CloudWatchLogsClient, s: GroupSelector, from: number, to: number,
    options: { skipEmpty: boolean; streamPrefix?: string; now?: number }): Promise<ResolvedGroups> {
    const found = new Map<string, LogGroup>();
    for (const prefix of listingPrefixes(s)) {
        let nextToken: string | undefined;
        do {
            const out = await logs.send(new DescribeLogGroupsCommand({ ...(prefix === "" ? {} : { logGroupNamePrefix: prefix }), nextToken }));
            for (const g of out.logGroups ?? []) {
                if (g.logGroupName !== undefined && matches(s, g.logGroupName)) {
                    found.set(g.logGroupName, g);
                }
            }
            nextToken = out.nextToken !== undefined && out.nextToken !== "" && out.nextToken !== nextToken ? out.nextToken : undefined;
        } while (nextToken !== undefined);
    }
    // A few lookups side by side: DescribeLogStreams has a low request quota (Service Quotas,
    // CloudWatch Logs). A named group's streams are read as soon as its own lookup answers.
    const verdictOf = new Map<string, string | undefined>();
    const named = await mapBounded(s.names.filter(name => !found.has(name)), LOOKUPS_AT_ONCE, async name => {
        const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 50 }));
        const g = (out.logGroups ?? []).find(x => x.logGroupName === name) ?? { logGroupName: name };
        if (options.skipEmpty) {
            verdictOf.set(name, await groupVerdict(logs, g, from, to, options));
        }
        return g;
    });
    for (const r of named) {
        if (r.status === "rejected") {
            throw r.reason;
        }
        found.set(r.value.logGroupName as string, r.value);
    }
    const ordered = [...s.names, ...[...found.keys()].filter(n => !s.names.includes(n)).sort()];
    const unlisted = ordered.filter(n => found.get(n)?.arn === undefined && found.get(n)?.creationTime === undefined);
    if (!options.skipEmpty) {
        return { groups: ordered, skipped: [], unlisted };
    }
    const settled = await mapBounded(ordered.filter(name => !verdictOf.has(name)), LOOKUPS_AT_ONCE, async name => {
        verdictOf.set(name, await groupVerdict(logs, found.get(name) as LogGroup, from, to, options));
    });
    for (const r of settled) {
        if (r.status === "rejected") {
            throw r.reason;
        }
    }
    const verdicts = ordered.map(name => verdictOf.get(name));
    const groups: string[] = [];
    const skipped: { logGroupName: string; why: string }[] = [];
    ordered.forEach((name, i) => {
        const why = verdicts[i];
        if (why === undefined) {
            groups.push(name);
        } else {
            skipped.push({ logGroupName: name, why });
        }
    });
    return { groups, skipped, unlisted };
}
