/**
 * `cwlogs-export export`'s plan: times as typed, chunk sizes, chunk boundaries and the checkpoint's
 * identity. Chunk ends are exclusive (`[a, b)`, `[b, c)`), the contract of ExportRequest.to; the
 * engine's awsTo turns them into CreateExportTask's inclusive `to` (tests/unit/engineDecisions).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkToAgainstServer, openState, parseExportFlags } from "../../cli/export/command";
import { chunkCount, chunkTaskName, isoTime, parseChunk, parseTime, planChunks } from "../../cli/export/plan";
import { jobKey, JobSpec, loadState, newState, saveState } from "../../cli/export/state";

const NOW = Date.parse("2026-11-22T10:30:00Z");
const H = 3_600_000;
const D = 24 * H;

function throwsNaming(fn: () => unknown, flag: string, text?: RegExp): void {
    assert.throws(fn, (e: Error) => {
        assert.ok(e.message.startsWith(`[${flag}]`), e.message);
        if (text !== undefined) {
            assert.match(e.message, text);
        }
        return true;
    });
}

describe("export plan: times", () => {
    it("reads ISO-8601 with a zone, dates as midnight UTC, ms epoch, now and relative times", () => {
        assert.strictEqual(parseTime("2026-11-01T06:00:00Z", "--from", NOW), Date.parse("2026-11-01T06:00:00Z"));
        assert.strictEqual(parseTime("2026-11-01T08:00:00+02:00", "--from", NOW), Date.parse("2026-11-01T06:00:00Z"));
        assert.strictEqual(parseTime("2026-11-01", "--from", NOW), Date.parse("2026-11-01T00:00:00Z"));
        assert.strictEqual(parseTime("1441490400000", "--from", NOW), 1441490400000, "seed 003's --from");
        assert.strictEqual(parseTime("now", "--to", NOW), NOW);
        assert.strictEqual(parseTime("-7d", "--from", NOW), NOW - 7 * D);
        assert.strictEqual(parseTime("-12h", "--from", NOW), NOW - 12 * H);
        assert.strictEqual(parseTime("-90m", "--from", NOW), NOW - 90 * 60_000);
        assert.strictEqual(parseTime("-2w", "--from", NOW), NOW - 14 * D);
    });

    it("refuses what it cannot read, naming the flag and the fix", () => {
        throwsNaming(() => parseTime("yesterday", "--from", NOW), "--from", /ISO-8601/);
        throwsNaming(() => parseTime("-7x", "--from", NOW), "--from", /-7d/);
        throwsNaming(() => parseTime("2026-11-01T00:00:00", "--to", NOW), "--to", /add a zone: 2026-11-01T00:00:00Z/);
        throwsNaming(() => parseTime("1441490400", "--from", NOW), "--from", /epoch seconds.*1441490400000/);
        throwsNaming(() => parseTime("2026-13-01", "--from", NOW), "--from");
    });
});

describe("export plan: impossible and out-of-range times (issue 10 item 8)", () => {
    const message = (fn: () => unknown): string => {
        try {
            fn();
        } catch (e) {
            return (e as Error).message;
        }
        return "(no error)";
    };
    const USE = "use ISO-8601 with a zone (2026-11-01T00:00:00Z), a date (2026-11-01, midnight UTC), milliseconds since the epoch, now, or a relative time like -7d.";

    for (const bad of ["2024-02-30", "2024-13-01", "2024-05-01T25:00Z", "2023-02-29T00:00:00Z", "2024-04-31", "2024-05-01T10:60:00Z", "2024-05-01T10:00:00+24:00"]) {
        it(`refuses ${bad}, which Date.parse would roll over or accept`, () => {
            assert.strictEqual(message(() => parseTime(bad, "--from", NOW)),
                `[--from] "${bad}" is not a time (no such calendar date or time: check the month, the day and the hour): ${USE}`);
        });
    }

    it("reads 2024-02-29 (a leap day) and an offset exactly", () => {
        assert.strictEqual(parseTime("2024-02-29", "--from", NOW), Date.UTC(2024, 1, 29));
        assert.strictEqual(parseTime("2024-02-29T23:59:59.5-0130", "--from", NOW), Date.UTC(2024, 2, 1, 1, 29, 59, 500));
    });

    it("refuses times before 10^11 ms (1973), negative ones and ones after the year 9999, naming the flag", () => {
        const before = "is before 1973-03-03T09:46:40Z (10^11 ms since the epoch): give milliseconds since the epoch (13 digits today), " +
            "an ISO-8601 time, or a relative time like -7d.";
        assert.strictEqual(message(() => parseTime("000000000001", "--from", NOW)), `[--from] "000000000001" ${before}`);
        assert.strictEqual(message(() => parseTime("1970-01-02", "--from", NOW)), `[--from] "1970-01-02" ${before}`);
        assert.strictEqual(message(() => parseTime("-3000w", "--from", NOW)), `[--from] "-3000w" ${before}`);
        assert.strictEqual(message(() => parseTime("99999999999999999", "--to", NOW)),
            "[--to] \"99999999999999999\" is after the year 9999: give milliseconds since the epoch (13 digits today), an ISO-8601 time, or now.");
    });

    it("a far-future --to is refused naming --to, not with `Invalid time value`", () => {
        const flags = { logGroup: ["/a"], from: "2026-11-01", to: "99999999999999999", bucket: "my-exports" };
        assert.strictEqual(message(() => parseExportFlags(flags, NOW)),
            "[--to] \"99999999999999999\" is after the year 9999: give milliseconds since the epoch (13 digits today), an ISO-8601 time, or now.");
        assert.strictEqual(message(() => parseExportFlags({ ...flags, to: "9999999999999" }, NOW)),
            "[--to] 2286-11-20T17:46:39.999Z is in the future: events that do not exist yet cannot be exported; use now or an earlier time.");
    });
});

describe("export plan: --to against AWS's clock (issue 10 item 8)", () => {
    it("refuses a --to in the future of AWS's clock, saying how far the local clock is ahead", () => {
        const server = NOW - 2 * H;
        assert.throws(() => checkToAgainstServer(NOW, server, NOW), (e: Error) => {
            assert.strictEqual(e.message, "[--to] 2026-11-22T10:30:00Z is in the future of AWS's clock (the Date header of its answer says 2026-11-22T08:30:00Z): " +
                "events that do not exist yet cannot be exported; pass an earlier --to. This machine's clock is 2h00m ahead of AWS's: fix it (e.g. NTP).");
            return true;
        });
    });

    it("warns when --to is within the last 12 hours (S3Export page), and not before", () => {
        assert.deepStrictEqual(checkToAgainstServer(NOW - 13 * H, NOW, NOW), {});
        assert.strictEqual(checkToAgainstServer(NOW - H, NOW, NOW).warning,
            "warning: [--to] 2026-11-22T09:30:00Z is within the last 12 hours: log data can take up to 12 hours to become available for export " +
            "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/S3Export.html), so this export may miss recent events.\n");
    });
});

describe("export plan: chunks", () => {
    it("reads hour, day, week and durations, and refuses the rest naming --chunk", () => {
        assert.strictEqual(parseChunk("hour"), H);
        assert.strictEqual(parseChunk("day"), D);
        assert.strictEqual(parseChunk("Week"), 7 * D);
        assert.strictEqual(parseChunk("6h"), 6 * H);
        assert.strictEqual(parseChunk("90m"), 90 * 60_000);
        for (const bad of ["10s", "0h", "fortnight", "1.5h", ""]) {
            throwsNaming(() => parseChunk(bad), "--chunk");
        }
    });

    it("splits a range into UTC-aligned chunks, partial at the ends, each ending where the next starts", () => {
        const from = Date.parse("2026-11-01T06:00:00Z");
        const to = Date.parse("2026-11-04T12:00:00Z");
        const chunks = planChunks(["/a"], from, to, D);
        assert.deepStrictEqual(chunks.map(c => [isoTime(c.from), isoTime(c.to)]), [
            ["2026-11-01T06:00:00Z", "2026-11-02T00:00:00Z"],
            ["2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"],
            ["2026-11-03T00:00:00Z", "2026-11-04T00:00:00Z"],
            ["2026-11-04T00:00:00Z", "2026-11-04T12:00:00Z"],
        ]);
    });

    it("starts weeks on Monday 00:00 UTC", () => {
        const chunks = planChunks(["/a"], Date.parse("2026-11-04T00:00:00Z"), Date.parse("2026-11-30T00:00:00Z"), 7 * D);
        for (const c of chunks.slice(1)) {
            assert.strictEqual(new Date(c.from).getUTCDay(), 1, isoTime(c.from));
            assert.strictEqual(new Date(c.from).getUTCHours(), 0);
        }
        assert.strictEqual(isoTime(chunks[1].from), "2026-11-09T00:00:00Z");
    });

    it("covers every millisecond of [from, to) exactly once, for any range and size (property check)", () => {
        let seed = 42;
        const random = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
        const sizes = [H, 6 * H, D, 7 * D, 90 * 60_000];
        for (let i = 0; i < 500; i++) {
            const chunkMs = sizes[Math.floor(random() * sizes.length)];
            const from = Date.parse("2026-01-01T00:00:00Z") + Math.floor(random() * 300 * D);
            const to = from + 1 + Math.floor(random() * 40 * chunkMs);
            const chunks = planChunks(["/a", "/b"], from, to, chunkMs);
            for (const g of ["/a", "/b"]) {
                const mine = chunks.filter(c => c.logGroupName === g);
                assert.strictEqual(mine.length, chunkCount(from, to, chunkMs));
                assert.strictEqual(mine[0].from, from);
                assert.strictEqual(mine[mine.length - 1].to, to, "the last chunk ends at --to (exclusive)");
                for (let k = 0; k < mine.length; k++) {
                    assert.ok(mine[k].to > mine[k].from, "no empty chunk");
                    assert.ok(mine[k].to - mine[k].from <= chunkMs, "no chunk longer than --chunk");
                    if (k > 0) {
                        assert.strictEqual(mine[k].from, mine[k - 1].to, "no gap, no overlap");
                        const offset = chunkMs % (7 * D) === 0 ? 4 * D : 0;
                        assert.strictEqual((mine[k].from - offset) % chunkMs, 0, "aligned to the chunk size");
                    }
                }
            }
        }
    });

    it("refuses an empty or reversed range naming --to", () => {
        throwsNaming(() => planChunks(["/a"], NOW, NOW, H), "--to", /after --from/);
        throwsNaming(() => planChunks(["/a"], NOW, NOW - 1, H), "--to");
    });

    it("names tasks stably and distinctly", () => {
        const [a, b] = planChunks(["/aws/lambda/checkout"], Date.parse("2026-11-01T00:00:00Z"), Date.parse("2026-11-01T02:00:00Z"), H);
        assert.strictEqual(chunkTaskName(a), "cwlogs-export_aws-lambda-checkout_20261101T000000Z");
        assert.notStrictEqual(chunkTaskName(a), chunkTaskName(b));
    });
});

describe("export flags and the checkpoint", () => {
    const flags = { logGroup: ["/a", "/b"], from: "2026-11-01", to: "2026-11-03", bucket: "my-exports" };

    it("validates every flag before any call, naming it", () => {
        throwsNaming(() => parseExportFlags({ ...flags, logGroup: [] }, NOW), "--log-group");
        throwsNaming(() => parseExportFlags({ ...flags, logGroup: ["bad name"] }, NOW), "--log-group");
        throwsNaming(() => parseExportFlags({ ...flags, bucket: undefined }, NOW), "--bucket");
        throwsNaming(() => parseExportFlags({ ...flags, prefix: "/logs" }, NOW), "--prefix", /leading slash/);
        throwsNaming(() => parseExportFlags({ ...flags, roleArn: "arn:aws:iam::1234:role/x" }, NOW), "--role-arn");
        throwsNaming(() => parseExportFlags({ ...flags, to: "2027-01-01" }, NOW), "--to", /future/);
        throwsNaming(() => parseExportFlags({ ...flags, from: "2026-11-05" }, NOW), "--to", /after --from/);
        throwsNaming(() => parseExportFlags({ ...flags, from: "2000-01-01", chunk: "1m" }, NOW), "--chunk", /more than 10000/);
        throwsNaming(() => parseExportFlags({ ...flags, streamPrefix: "a:b" }, NOW), "--stream-prefix");
        const ok = parseExportFlags({ ...flags, logGroup: ["/a", "/b", "/a"] }, NOW);
        assert.deepStrictEqual(ok.job.logGroupNames, ["/a", "/b"]);
        assert.strictEqual(ok.job.prefix, "exportedlogs", "AWS's default destinationPrefix");
        assert.strictEqual(ok.job.chunk, "1d");
    });

    function spec(over: Partial<JobSpec> = {}): JobSpec {
        return {
            logGroupNames: ["/a"], fromArg: "-2d", toArg: "now", from: NOW - 2 * D, to: NOW, chunk: "day", chunkMs: D,
            bucket: "b-1", prefix: "p", region: "us-east-1", ...over,
        };
    }

    it("keys a backfill by what decides its tasks, with times as typed", () => {
        assert.strictEqual(jobKey(spec()), jobKey(spec({ from: 1, to: 2 })), "relative times resolve differently on each run");
        assert.notStrictEqual(jobKey(spec()), jobKey(spec({ prefix: "q" })));
        assert.notStrictEqual(jobKey(spec()), jobKey(spec({ region: "eu-west-1" })));
        assert.notStrictEqual(jobKey(spec()), jobKey(spec({ logGroupNames: ["/a", "/b"] })));
    });

    it("resumes the same backfill, refuses another one's --state file, and restarts a finished relative one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-plan-"));
        try {
            const first = openState(spec(), undefined, dir);
            assert.strictEqual(first.resumed, false);
            assert.ok(first.file.startsWith(path.join(dir, ".cwlogs-export", "b-1-")), first.file);
            first.state.chunks[0].status = "completed";
            first.state.chunks[0].taskId = "task-0";
            saveState(first.file, first.state);
            const again = openState(spec({ from: NOW, to: NOW + D }), undefined, dir);
            assert.strictEqual(again.resumed, true);
            assert.strictEqual(again.state.job.from, NOW - 2 * D, "the times the first run resolved");
            assert.strictEqual(again.state.chunks[0].status, "completed");

            throwsNaming(() => openState(spec({ prefix: "other" }), first.file, dir), "--state", /another backfill/);

            for (const c of again.state.chunks) {
                c.status = "completed";
                c.taskId = `task-${c.from}`;
            }
            saveState(first.file, again.state);
            const fresh = openState(spec({ from: NOW - D, to: NOW + 1 }), undefined, dir);
            assert.strictEqual(fresh.resumed, false, "-2d..now means another range now");
            assert.ok(fresh.state.chunks.every(c => c.status === "pending"));

            fs.writeFileSync(path.join(dir, "junk.json"), "{not json");
            throwsNaming(() => loadState(path.join(dir, "junk.json")), "--state", /not JSON/);
            assert.strictEqual(newState("k", spec(), []).chunks.length, 0);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the checkpoint is checked against the plan (issue 10 item 7)", () => {
    const job: JobSpec = {
        logGroupNames: ["/a", "/b"], fromArg: "2026-11-01", toArg: "2026-11-04", from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 4),
        chunk: "day", chunkMs: D, bucket: "b-1", prefix: "p", region: "us-east-1",
    };
    let dir: string;
    let file: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-check-"));
        file = path.join(dir, "state.json");
        const { state } = openState(job, file);
        state.chunks[0].status = "completed";
        state.chunks[0].taskId = "t-0";
        saveState(file, state);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Edits the saved checkpoint as JSON and returns openState's error message. */
    function refusal(edit: (s: { chunks: unknown[]; job: Record<string, unknown> }) => void): string {
        const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { chunks: unknown[]; job: Record<string, unknown> };
        edit(saved);
        fs.writeFileSync(file, JSON.stringify(saved));
        try {
            openState(job, file);
        } catch (e) {
            return (e as Error).message;
        }
        return "(trusted)";
    }
    const damaged = (why: string): string => `[--state] ${file} does not match the backfill this command plans: ${why}. It was edited or damaged and is not used: ` +
        "delete it (or pass another --state file) and rerun the same command: tasks already created are found in AWS's task list by name, range and destination " +
        "and adopted, not exported again.";

    it("trusts an intact checkpoint", () => {
        assert.strictEqual(refusal(() => undefined), "(trusted)");
    });

    it("refuses chunks removed", () => {
        assert.strictEqual(refusal(s => { s.chunks.splice(2, 2); }), damaged("it lists 4 chunks where the plan has 6"));
    });

    it("refuses a null chunk (never a TypeError)", () => {
        assert.strictEqual(refusal(s => { s.chunks[1] = null; }), damaged("chunk 2 of 6 (/a 2026-11-02T00:00:00Z..2026-11-03T00:00:00Z) is null"));
    });

    it("refuses a pending chunk marked completed without a task", () => {
        assert.strictEqual(refusal(s => { (s.chunks[1] as { status: string }).status = "completed"; }),
            damaged("chunk 2 of 6 (/a 2026-11-02T00:00:00Z..2026-11-03T00:00:00Z) is completed without a task id"));
    });

    it("refuses a shifted range", () => {
        assert.strictEqual(refusal(s => { const c = s.chunks[2] as { from: number; to: number }; c.from += H; c.to += H; }),
            damaged("chunk 3 of 6 (/a 2026-11-03T00:00:00Z..2026-11-04T00:00:00Z) is recorded as /a 2026-11-03T01:00:00Z..2026-11-04T01:00:00Z"));
        assert.strictEqual(refusal(s => { s.job.from = Date.UTC(2026, 9, 31); }), damaged("its range starts at 2026-10-31T00:00:00Z, not at --from 2026-11-01T00:00:00Z"));
    });

    it("refuses an unknown status", () => {
        assert.strictEqual(refusal(s => { (s.chunks[3] as { status: string }).status = "done"; }),
            damaged("chunk 4 of 6 (/b 2026-11-01T00:00:00Z..2026-11-02T00:00:00Z) has status \"done\""));
    });

    it("converts a version 1 checkpoint (inclusive ends) to exclusive ends and says so", () => {
        const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { version: number; chunks: { to: number }[] };
        saved.version = 1;
        for (const c of saved.chunks) {
            c.to -= 1;
        }
        fs.writeFileSync(file, JSON.stringify(saved));
        const r = openState(job, file);
        assert.strictEqual(r.converted, 1);
        assert.strictEqual(r.state.version, 2);
        assert.deepStrictEqual(r.state.chunks.map(c => c.to), planChunks(["/a", "/b"], job.from, job.to, D).map(c => c.to));
        assert.strictEqual(r.state.chunks[0].status, "completed");
    });
});
