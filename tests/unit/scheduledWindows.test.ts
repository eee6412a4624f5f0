import * as assert from "assert";
import { coverNames, isEmptySelection, listingPrefixes, matchesName, MAX_LISTINGS, pathCover } from "../../handlers/scheduledExport/selection";
import { MAX_ITEM_BYTES, settingsItem, settingsItemBytes, settingsSizeProblem } from "../../handlers/scheduledExport/settings";
import { expectedDurationOf, nextWindow, Progress, shortPollMs } from "../../handlers/scheduledExport/tick";
import {
    DAY_MS, destinationPrefixOf, dueCount, dueUntil, dueWindows, firstWindowStart, HOUR_MS, lagProblem, taskNameOf, tickHoursOf, windowProblem,
    windowStartOf,
} from "../../handlers/scheduledExport/windows";

const T = Date.UTC(2026, 0, 10, 0, 0); // 2026-01-10T00:00Z
const daily = { windowMs: DAY_MS, lagMs: 12 * HOUR_MS };

describe("scheduled export windows (pure)", () => {
    it("accepts windows that divide a day or are whole days, refuses the others", () => {
        for (const h of [1, 2, 3, 4, 6, 8, 12, 24, 48, 168]) {
            assert.strictEqual(windowProblem(h * HOUR_MS), undefined, `${h} h`);
        }
        assert.strictEqual(windowProblem(30 * 60_000), undefined);
        for (const h of [5, 7, 9, 36]) {
            assert.match(windowProblem(h * HOUR_MS) ?? "", /must divide a day/, `${h} h`);
        }
        assert.match(windowProblem(0) ?? "", /whole number of minutes/);
        assert.match(windowProblem(90_000) ?? "", /whole number of minutes/);
    });

    it("refuses a negative lag or one over 7 days", () => {
        assert.strictEqual(lagProblem(0), undefined);
        assert.strictEqual(lagProblem(7 * DAY_MS), undefined);
        assert.strictEqual(lagProblem(-1), "the lag cannot be negative");
        assert.strictEqual(lagProblem(7 * DAY_MS + 1), "the lag is at most 7 days");
    });

    it("aligns windows to UTC midnight", () => {
        assert.strictEqual(windowStartOf(T + 5 * HOUR_MS + 17, DAY_MS), T);
        assert.strictEqual(windowStartOf(T + 5 * HOUR_MS + 17, 6 * HOUR_MS), T + 0);
        assert.strictEqual(windowStartOf(T + 7 * HOUR_MS, 6 * HOUR_MS), T + 6 * HOUR_MS);
    });

    it("a day becomes due only 12 h after it ends (data takes up to 12 h to be exportable)", () => {
        // 2026-01-10 ends at 01-11T00:00; due from 01-11T12:00.
        assert.deepStrictEqual(dueWindows(T, T + DAY_MS + 12 * HOUR_MS - 1, daily), []);
        assert.deepStrictEqual(dueWindows(T, T + DAY_MS + 12 * HOUR_MS, daily), [{ start: T, end: T + DAY_MS }]);
        assert.strictEqual(dueUntil(T + DAY_MS + 12 * HOUR_MS, daily), T + DAY_MS);
    });

    it("lists consecutive half-open windows from the first not done, up to a limit", () => {
        const now = T + 10 * DAY_MS + 13 * HOUR_MS;
        const all = dueWindows(T, now, daily);
        assert.strictEqual(all.length, 10);
        assert.strictEqual(dueCount(T, now, daily), 10);
        for (let i = 1; i < all.length; i++) {
            assert.strictEqual(all[i].start, all[i - 1].end, "no gap, no overlap");
        }
        assert.deepStrictEqual(dueWindows(T, now, daily, 2).map(w => w.start), [T, T + DAY_MS]);
        assert.strictEqual(dueCount(T + 20 * DAY_MS, now, daily), 0);
    });

    it("starts a group created long after the schedule's start 14 days before its creation (PutLogEvents' oldest event)", () => {
        assert.strictEqual(firstWindowStart(T, undefined, DAY_MS), T);
        assert.strictEqual(firstWindowStart(T, T - 5 * DAY_MS, DAY_MS), T);
        assert.strictEqual(firstWindowStart(T, T + 3 * DAY_MS, DAY_MS), T, "events up to 14 days old can be put into a new group");
        assert.strictEqual(firstWindowStart(T, T + 30 * DAY_MS + 5 * HOUR_MS, DAY_MS), T + 16 * DAY_MS);
    });

    it("derives a stable, distinct task name per group and window", () => {
        const w = { start: T, end: T + DAY_MS };
        assert.strictEqual(taskNameOf("/aws/lambda/api", w), taskNameOf("/aws/lambda/api", w));
        assert.match(taskNameOf("/aws/lambda/api", w), /^cwlogs-scheduled-aws-lambda-api-[0-9a-f]{12}-20260110T0000Z-1440m$/);
        assert.notStrictEqual(taskNameOf("/aws/lambda/api", w), taskNameOf("/aws/lambda/api", { start: T + DAY_MS, end: T + 2 * DAY_MS }));
        assert.notStrictEqual(taskNameOf("a/b", w), taskNameOf("a-b", w));
        assert.ok(taskNameOf("x".repeat(512), w).length <= 512);
    });

    it("lays out <prefix>/<log group>/<yyyy>/<mm>/<dd>, or dt=yyyy-mm-dd with the Hive layout", () => {
        const w = { start: Date.UTC(2026, 1, 3, 6), end: Date.UTC(2026, 1, 3, 12) };
        assert.strictEqual(destinationPrefixOf("exports", "/aws/lambda/api", w), "exports/aws/lambda/api/2026/02/03");
        assert.strictEqual(destinationPrefixOf("exports/", "app", w, "hive"), "exports/app/dt=2026-02-03");
        assert.strictEqual(destinationPrefixOf("", "app", w), "app/2026/02/03");
    });

    it("selects by exact name, prefix or tag alone, and lists each prefix once", () => {
        const s = { logGroupNames: ["/exact"], logGroupNamePrefixes: ["/app/", "/app/web"] };
        assert.ok(matchesName("/exact", s));
        assert.ok(!matchesName("/exact2", s));
        assert.ok(matchesName("/app/web/1", s));
        assert.ok(!matchesName("/other", s));
        assert.deepStrictEqual(listingPrefixes(s), ["/app/", "/exact"]);
        assert.deepStrictEqual(listingPrefixes({ tag: { key: "ExportToS3", value: "true" } }), [undefined]);
        assert.ok(matchesName("/anything", { tag: { key: "k", value: "v" } }));
        assert.ok(isEmptySelection({ logGroupNames: [], logGroupNamePrefixes: [] }));
        assert.ok(!isEmptySelection({ tag: { key: "k", value: "v" } }));
    });

    it("covers names by path prefixes of fewer and fewer slashes, names without that many slashes standing for themselves", () => {
        const names = ["/aws/lambda/a", "/aws/lambda/b", "/app/web", "plain"];
        assert.deepStrictEqual(pathCover(names, 3), { names: ["/app/web", "plain"], prefixes: ["/aws/lambda/"] });
        assert.deepStrictEqual(pathCover(names, 2), { names: ["plain"], prefixes: ["/app/", "/aws/"] });
        assert.deepStrictEqual(coverNames(names, c => c.names.length + c.prefixes.length <= 10), { names, prefixes: [] }, "exact when it fits");
        assert.deepStrictEqual(coverNames(names, c => c.names.length + c.prefixes.length <= 3), { names: ["/app/web", "plain"], prefixes: ["/aws/lambda/"] });
        assert.strictEqual(coverNames(names, () => false), undefined);
    });

    it("lists thousands of exact names by their shared path prefixes, at most 25 listings", () => {
        const names = Array.from({ length: 2000 }, (_, i) => `/big/team${i % 20}/app-${i}`);
        const listed = listingPrefixes({ logGroupNames: names });
        assert.strictEqual(listed.length, 20);
        assert.ok(listed.length <= MAX_LISTINGS);
        assert.ok(names.every(n => listed.some(p => p !== undefined && n.startsWith(p))));
        assert.deepStrictEqual(listingPrefixes({ logGroupNames: Array.from({ length: 30 }, (_, i) => `flat-${i}`) }), [undefined], "no shared path: list all");
    });

    it("counts the settings item as DynamoDB does (UTF-8 names and values) and refuses over 400 KB", () => {
        assert.strictEqual(settingsItemBytes("{}"), "pk".length + "settings".length + "settings".length + 2);
        assert.strictEqual(settingsItemBytes('"é"'), 18 + 4, "é is 2 bytes");
        assert.deepStrictEqual(settingsItem("{}"), { pk: { S: "settings" }, settings: { S: "{}" } });
        assert.strictEqual(settingsSizeProblem("x".repeat(MAX_ITEM_BYTES - 18)), undefined);
        assert.match(settingsSizeProblem("x".repeat(MAX_ITEM_BYTES - 17)) ?? "", /^the schedule's settings take 409601 bytes, over DynamoDB's 409600-byte/);
    });

    it("picks the most lagging group's oldest due window, skipping groups in backoff, as if one group had advanced", () => {
        const progress = new Map<string, Progress>([
            ["/a", { next: T - 3 * DAY_MS, failures: 0 }],
            ["/b", { next: T - 3 * DAY_MS, failures: 0 }],
            ["/c", { next: T - 5 * DAY_MS, failures: 1, retryAfter: T + 13 * HOUR_MS }],
        ]);
        const now = T + 12 * HOUR_MS;
        assert.deepStrictEqual(nextWindow(progress, new Set(), now, daily)?.w, { start: T - 3 * DAY_MS, end: T - 2 * DAY_MS });
        assert.strictEqual(nextWindow(progress, new Set(), now, daily)?.name, "/a");
        assert.strictEqual(nextWindow(progress, new Set(), now, daily, { name: "/a", next: T - 2 * DAY_MS })?.name, "/b");
        assert.strictEqual(nextWindow(progress, new Set(["/a", "/b"]), now, daily), undefined, "c waits out its backoff");
    });

    it("expects the median run time seen, and polls a tenth of it (25-250 ms) after the expected end", () => {
        assert.strictEqual(expectedDurationOf([]), undefined);
        assert.strictEqual(expectedDurationOf([200, 5000, 210]), 210);
        assert.strictEqual(shortPollMs(undefined), 250);
        assert.strictEqual(shortPollMs(200), 25);
        assert.strictEqual(shortPollMs(1500), 150);
        assert.strictEqual(shortPollMs(600_000), 250);
    });

    it("reads the hours between ticks from the schedule expression", () => {
        assert.strictEqual(tickHoursOf("rate(1 hour)"), 1);
        assert.strictEqual(tickHoursOf("rate(15 minutes)"), 1);
        assert.strictEqual(tickHoursOf("rate(6 hours)"), 6);
        assert.strictEqual(tickHoursOf("rate(2 days)"), 48);
        assert.strictEqual(tickHoursOf("cron(0 * * * ? *)"), 24);
    });
});
