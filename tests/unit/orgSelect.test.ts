/**
 * The pure parts of issue 13's accounts and selection: account flags and the accounts file, the
 * organization's accounts filtered, the bounded pool, globs, the empty-group rules (from the
 * PutLogEvents and DescribeLogStreams API references), `--since-last` starts, and the JSON summary.
 */
import * as assert from "assert";
import { mapBounded, parseAccountFlags, parseAccountsFile, selectAccounts } from "../../cli/accounts";
import { accountStatePath } from "../../cli/export/account";
import { lastCompletedEnds } from "../../cli/export/open";
import { planJobChunks } from "../../cli/export/plan";
import { emptyByCreation, eventBounds, globRegExp, listingPrefixes, parseSelector, SETTLED_AFTER_MS, streamsVerdict } from "../../cli/export/select";
import { BackfillState, newState } from "../../cli/export/state";
import { cliMessage, summaryJson } from "../../cli/export/summary";

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 10, 22, 10, 30);

function message(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("did not throw");
}

describe("account flags", () => {
    const noFile = (): string => { throw new Error("no file"); };

    it("reads repeated --role-arn, one account each, and refuses one account named by two roles", () => {
        const s = parseAccountFlags({ roleArn: ["arn:aws:iam::111111111111:role/A", "arn:aws:iam::222222222222:role/A"] }, "aws", noFile);
        assert.deepStrictEqual(s.source, { kind: "roles", flag: "--role-arn", roles: [
            { account: "111111111111", roleArn: "arn:aws:iam::111111111111:role/A" }, { account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/A" }] });
        assert.strictEqual(s.maxAccounts, 10);
        assert.match(message(() => parseAccountFlags({ roleArn: ["arn:aws:iam::111111111111:role/A", "arn:aws:iam::111111111111:role/B"] }, "aws", noFile)),
            /^\[--role-arn\] account 111111111111 is named twice, as arn:aws:iam::111111111111:role\/A and arn:aws:iam::111111111111:role\/B/);
    });

    it("reads an accounts file: comments, role ARNs, and IDs with --org-role-name in the region's partition", () => {
        const text = "# team A\narn:aws-cn:iam::111111111111:role/X\n\n222222222222  # by ID\n";
        assert.deepStrictEqual(parseAccountsFile(text, "a.txt", "Exporter", "aws-cn"), [
            { account: "111111111111", roleArn: "arn:aws-cn:iam::111111111111:role/X" },
            { account: "222222222222", roleArn: "arn:aws-cn:iam::222222222222:role/Exporter" },
        ]);
        assert.strictEqual(message(() => parseAccountsFile("not-an-arn\n", "a.txt", undefined, "aws")),
            "[--accounts-file] a.txt line 1: \"not-an-arn\" is neither a role ARN nor a 12-digit account ID: write one per line, " +
            "e.g. arn:aws:iam::111122223333:role/ExportCaller or 111122223333 (with --org-role-name).");
        assert.match(message(() => parseAccountsFile("# only comments\n", "a.txt", undefined, "aws")), /^\[--accounts-file\] a\.txt lists no account/);
    });

    it("validates --max-accounts, --accounts and --exclude-accounts, naming the flag", () => {
        const org = { orgRoleName: "R" };
        assert.strictEqual(parseAccountFlags({ ...org, maxAccounts: "3" }, "aws", noFile).maxAccounts, 3);
        for (const bad of ["0", "101", "2.5", "ten"]) {
            assert.match(message(() => parseAccountFlags({ ...org, maxAccounts: bad }, "aws", noFile)), /^\[--max-accounts\] .* give a whole number from 1 to 100\.$/);
        }
        assert.deepStrictEqual([...parseAccountFlags({ ...org, accounts: ["111111111111,222222222222", "111111111111"] }, "aws", noFile).include ?? []],
            ["111111111111", "222222222222"]);
        assert.match(message(() => parseAccountFlags({ ...org, excludeAccounts: ["12"] }, "aws", noFile)), /^\[--exclude-accounts\] "12" is not an AWS account ID/);
        assert.match(message(() => parseAccountFlags({ excludeAccounts: ["111111111111"] }, "aws", noFile)), /^\[--exclude-accounts\] filters the accounts of/);
    });

    it("selects the organization's ACTIVE accounts, the caller's own without a role, then the filters", () => {
        const sel = parseAccountFlags({ orgRoleName: "OrganizationAccountAccessRole", excludeAccounts: ["333333333333"] }, "aws", noFile);
        const r = selectAccounts(sel, [
            { id: "333333333333", status: "ACTIVE" }, { id: "222222222222", status: "ACTIVE" }, { id: "111111111111", status: "ACTIVE" },
            { id: "444444444444", status: "SUSPENDED" },
        ], "111111111111", "aws");
        assert.deepStrictEqual(r.targets, [{ account: "111111111111" }, { account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole" }]);
        assert.deepStrictEqual(r.skipped, [{ account: "444444444444", why: "SUSPENDED in Organizations" }, { account: "333333333333", why: "--exclude-accounts" }]);
        const only = parseAccountFlags({ orgRoleName: "R", accounts: ["555555555555"] }, "aws", noFile);
        assert.strictEqual(message(() => selectAccounts(only, [{ id: "111111111111", status: "ACTIVE" }], undefined, "aws")),
            "[--accounts] account 555555555555 is not among the organization's accounts (ListAccounts): check the ID.");
    });

    it("runs at most N at a time, keeps the order, and one rejection does not stop the others", async () => {
        let running = 0;
        let peak = 0;
        const r = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async n => {
            running++;
            peak = Math.max(peak, running);
            await new Promise(res => setTimeout(res, 5 * (8 - n)));
            running--;
            if (n === 4) {
                throw new Error("four");
            }
            return n * 10;
        });
        assert.strictEqual(peak, 3);
        assert.deepStrictEqual(r.map(x => (x.status === "fulfilled" ? x.value : (x.reason as Error).message)), [10, 20, 30, "four", 50, 60, 70]);
    });

    it("puts each account's checkpoint beside --state", () => {
        assert.strictEqual(accountStatePath("/s/exports.json", "111111111111"), "/s/exports.111111111111.json");
        assert.strictEqual(accountStatePath("/s/exports", "111111111111"), "/s/exports.111111111111.json");
    });
});

describe("log group selection", () => {
    it("matches globs: * within a path segment, ** across, ? one character", () => {
        assert.ok(globRegExp("/aws/lambda/*-prod").test("/aws/lambda/api-prod"));
        assert.ok(!globRegExp("/aws/lambda/*-prod").test("/aws/lambda/team/api-prod"));
        assert.ok(globRegExp("/aws/**-prod").test("/aws/lambda/team/api-prod"));
        assert.ok(globRegExp("/app/v?").test("/app/v2") && !globRegExp("/app/v?").test("/app/v10"));
        assert.ok(globRegExp("/a.b").test("/a.b") && !globRegExp("/a.b").test("/aXb"), "a dot is literal");
    });

    it("lists each prefix once, the literal start of patterns included", () => {
        assert.deepStrictEqual(listingPrefixes(parseSelector([], ["/aws/lambda/", "/aws/lambda/api"], ["/aws/lambda/*-prod", "/svc/?x"])), ["/aws/lambda/", "/svc/"]);
        assert.deepStrictEqual(listingPrefixes(parseSelector([], [], ["*"])), [""]);
        assert.match(message(() => parseSelector([], [], [])), /^\[--log-group\] is required: .* or select them with --log-group-prefix or --log-group-pattern\.$/);
        assert.match(message(() => parseSelector([], ["/a b"], [])), /^\[--log-group-prefix\] "\/a b" is not a log group name prefix/);
    });

    it("a group created more than 14 days after the range ends holds no event of it (PutLogEvents: events at most 14 days old)", () => {
        assert.strictEqual(emptyByCreation({ creationTime: NOW }, NOW - 14 * D), `created ${new Date(NOW).toISOString()}, more than 14 days after the range ends ` +
            "(PutLogEvents accepts events at most 14 days old)");
        assert.strictEqual(emptyByCreation({ creationTime: NOW }, NOW - 14 * D + 1), undefined);
    });

    it("trusts lastEventTimestamp only once the last ingestion is a day old; before that, ingestion + 2 h bounds it", () => {
        const created = NOW - 30 * D;
        assert.strictEqual(eventBounds({ creationTime: created }, NOW), undefined, "never received an event");
        assert.deepStrictEqual(eventBounds({ creationTime: created, lastEventTimestamp: NOW - 10 * D, lastIngestionTime: NOW - SETTLED_AFTER_MS - 1 }, NOW),
            { first: created - 14 * D, last: NOW - 10 * D });
        assert.deepStrictEqual(eventBounds({ creationTime: created, lastEventTimestamp: NOW - 10 * D, lastIngestionTime: NOW - H }, NOW),
            { first: created - 14 * D, last: NOW + H }, "recently written: the reported last event may lag");
    });

    it("decides from streams sorted by last event, stopping once they ended a day before the range", () => {
        const range = { from: NOW - 5 * D, to: NOW - 4 * D };
        const old = { creationTime: NOW - 60 * D, lastEventTimestamp: NOW - 7 * D, lastIngestionTime: NOW - 7 * D };
        const inRange = { creationTime: NOW - 60 * D, lastEventTimestamp: NOW - 4.5 * D, lastIngestionTime: NOW - 4.5 * D };
        const future = { creationTime: NOW - 2 * D, lastEventTimestamp: NOW - D, lastIngestionTime: NOW - D };
        assert.strictEqual(streamsVerdict([future, inRange, old], range.from, range.to, true, NOW), true);
        assert.strictEqual(streamsVerdict([old, inRange], range.from, range.to, true, NOW), false, "sorted: nothing after an old stream can be in range");
        assert.strictEqual(streamsVerdict([old], range.from, range.to, false, NOW), undefined, "unsorted: more pages may hold one");
        assert.strictEqual(streamsVerdict([{ creationTime: NOW - D }], range.from, range.to, true, NOW), undefined, "a stream without events says nothing");
    });
});

describe("--since-last and the JSON summary", () => {
    const job = {
        logGroupNames: ["/a", "/b"], fromArg: "2026-11-01", toArg: "2026-11-03", from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 3),
        chunk: "1d", chunkMs: D, bucket: "b", prefix: "p", region: "us-east-1",
    };

    it("continues each group from the end of its last completed chunk; a gap is exported again", () => {
        const state: BackfillState = newState("k", job, planJobChunks(job));
        state.chunks[0].status = "completed"; // /a day 1
        state.chunks[1].status = "completed"; // /a day 2
        state.chunks[3].status = "completed"; // /b day 2, day 1 not done
        assert.deepStrictEqual(lastCompletedEnds(state), { "/a": job.to });
        const next = planJobChunks({ ...job, to: job.to + D, groupFrom: lastCompletedEnds(state) });
        assert.deepStrictEqual(next.map(c => [c.logGroupName, new Date(c.from).toISOString().slice(0, 10)]),
            [["/a", "2026-11-03"], ["/b", "2026-11-01"], ["/b", "2026-11-02"], ["/b", "2026-11-03"]]);
    });

    it("says the engine's deadline message for the command line, not the resource's [timeoutMinutes]", () => {
        assert.strictEqual(cliMessage("deadline reached while waiting for task t-1: raise [timeoutMinutes]."),
            "deadline reached while waiting for task t-1: the chunk's deadline (7 days) passed; rerun the same command to wait for the task again (it adopts it).");
    });

    it("has one shape for a run: accounts, their tasks created and adopted, totals", () => {
        const state: BackfillState = newState("k", job, planJobChunks(job));
        state.chunks.forEach(c => { c.status = "completed"; c.taskId = `t-${c.from}`; });
        const out = summaryJson({
            job, multi: false, maxAccounts: 1, mode: "export", elapsedMs: 5, interrupted: false, skippedAccounts: [], cancelFlags: "",
            outcomes: [{ account: "111111111111", groups: ["/a", "/b"], skippedGroups: [{ logGroupName: "/c", why: "no events" }], state, stateFile: "/s.json",
                result: { created: 3, adopted: 1, alreadyDone: 0, failed: [], interrupted: false } }],
        }) as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(out), ["mode", "region", "bucket", "prefix", "from", "to", "chunk", "accounts", "skippedAccounts", "totals", "objects", "elapsedMs", "interrupted"]);
        const a = (out.accounts as Record<string, unknown>[])[0];
        assert.deepStrictEqual([a.status, a.tasks, a.chunks], ["completed", { created: 3, adopted: 1 },
            { total: 4, pending: 0, running: 0, completed: 4, failed: 0, cancelled: 0, completedBefore: 0 }]);
        assert.deepStrictEqual((out.totals as Record<string, number>).logGroupsSkipped, 1);
    });
});
