/**
 * `cwlogs-export verify --manifest FILE [--json]`: checks that every completed chunk of an export
 * manifest (written by `export` beside its checkpoint) still has its objects in S3: ListObjectsV2
 * under the task's `<prefix>/<taskId>/` (where AWS writes them, CloudWatch Logs User Guide,
 * S3ExportTasks.html), compared with the count the manifest recorded. Exit 0 when all are there,
 * 1 when objects are missing or a folder cannot be listed.
 */
import { Command, Option } from "commander";
import { ValidationError } from "../policies/validate";
import { addAwsOptions, awsClients, AwsFlags } from "./aws";
import { listTaskObjects, Manifest, ManifestChunk, readManifest, TaskListing } from "./export/manifest";
import { CliIo } from "./io";
import { required } from "./policy";

interface VerifyFlags extends AwsFlags {
    manifest?: string;
    json?: boolean;
}

/**
 * A completed chunk's verdict. `ok`: at least as many objects as recorded. `missing`: fewer (none,
 * when the manifest has no count). `unknown`: the manifest has no count and the folder is empty
 * (a range without events exports no object). `error`: the folder could not be listed.
 */
export type ChunkVerdict = "ok" | "missing" | "unknown" | "error";

export interface VerifiedChunk {
    logGroupName: string;
    from: number;
    to: number;
    range: string;
    taskId: string;
    location: string;
    verdict: ChunkVerdict;
    /** What the manifest recorded; null when it has no count. */
    expected: { objects: number; bytes: number } | null;
    /** What is there now; null when it could not be listed. */
    found: { objects: number; bytes: number } | null;
    /** Why the folder could not be listed. */
    error?: string;
}

/** `verify --json`: the whole result (the README documents it). `ok` is true exactly when the exit code is 0. */
export interface VerifyJson {
    manifest: string;
    bucket: string;
    prefix: string;
    region: string;
    ok: boolean;
    checked: number;
    missing: number;
    errors: number;
    unknown: number;
    chunks: VerifiedChunk[];
}

/** The verdict of one completed chunk, from what the manifest recorded and what listing found. Pure. */
export function verdictOf(c: ManifestChunk, listed: TaskListing): Pick<VerifiedChunk, "verdict" | "expected" | "found" | "error"> {
    const expected = typeof c.objects === "number" ? { objects: c.objects, bytes: c.bytes ?? 0 } : null;
    if ("error" in listed) {
        return { verdict: "error", expected, found: null, error: listed.error };
    }
    const found = { objects: listed.objects, bytes: listed.bytes };
    const verdict: ChunkVerdict = expected === null
        ? (found.objects > 0 ? "ok" : "unknown")
        : (found.objects >= expected.objects ? "ok" : "missing");
    return { verdict, expected, found };
}

/** Checks every completed chunk of `m`, listing with `list` (a few at a time). */
export async function verifyManifest(m: Manifest, file: string, list: (taskId: string) => Promise<TaskListing>, concurrency = 4): Promise<VerifyJson> {
    const done = m.chunks.filter(c => c.status === "completed" && c.taskId !== undefined);
    const out: VerifiedChunk[] = new Array<VerifiedChunk>(done.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, done.length) }, async () => {
        while (next < done.length) {
            const i = next++;
            const c = done[i];
            const taskId = c.taskId as string;
            out[i] = {
                logGroupName: c.logGroupName, from: c.from, to: c.to, range: c.range, taskId,
                location: c.location ?? `s3://${m.bucket}/${m.prefix}/${taskId}/`,
                ...verdictOf(c, await list(taskId)),
            };
        }
    }));
    const count = (v: ChunkVerdict): number => out.filter(c => c.verdict === v).length;
    return {
        manifest: file, bucket: m.bucket, prefix: m.prefix, region: m.region,
        ok: count("missing") === 0 && count("error") === 0,
        checked: out.length, missing: count("missing"), errors: count("error"), unknown: count("unknown"), chunks: out,
    };
}

function objects(n: number): string {
    return `${n} object${n === 1 ? "" : "s"}`;
}

const MARK: Readonly<Record<ChunkVerdict, string>> = { ok: "ok     ", missing: "MISSING", unknown: "?      ", error: "ERROR  " };

/** The result as text, one line per completed chunk. */
export function formatVerify(r: VerifyJson): string {
    const lines = [`Verifying ${r.checked} completed chunk${r.checked === 1 ? "" : "s"} of ${r.manifest} in s3://${r.bucket}/${r.prefix}/:`];
    for (const c of r.chunks) {
        const what = c.verdict === "error"
            ? `cannot list ${c.location} (${c.error ?? "?"})`
            : c.verdict === "missing"
                ? `${c.found?.objects ?? 0} of ${objects(c.expected?.objects ?? 0)} left under ${c.location}`
                : c.verdict === "unknown"
                    ? `no object under ${c.location}, and the manifest has no count to compare with (a range without events exports none)`
                    : `${objects(c.found?.objects ?? 0)}, ${c.found?.bytes ?? 0} bytes`;
        lines.push(`${MARK[c.verdict]}  ${c.logGroupName} ${c.range} task ${c.taskId}: ${what}`);
    }
    const bad = r.missing + r.errors;
    lines.push(bad === 0
        ? `Result: every completed chunk has its objects${r.unknown > 0 ? ` (${r.unknown} not provable)` : ""}.`
        : `Result: ${r.missing} chunk${r.missing === 1 ? "" : "s"} missing objects, ${r.errors} not listable.`);
    return `${lines.join("\n")}\n`;
}

/** The error `verify` throws after its report when something is missing, so the command line exits 1. */
export class VerifyFailed extends Error {
    constructor(r: VerifyJson) {
        const missing = r.chunks.filter(c => c.verdict === "missing");
        const parts = [];
        if (missing.length > 0) {
            const first = missing[0];
            parts.push(`${missing.length} chunk${missing.length === 1 ? " is" : "s are"} missing exported objects (first: ${first.logGroupName} ${first.range}, task ${first.taskId}); ` +
                "export those ranges again to another --prefix (a rerun into the same prefix adopts the completed task instead)");
        }
        if (r.errors > 0) {
            parts.push(`${r.errors} task folder${r.errors === 1 ? "" : "s"} could not be listed: the caller needs s3:ListBucket on ${r.bucket} (check --profile)`);
        }
        super(`verify: ${parts.join("; ")}.`);
        this.name = "VerifyFailed";
    }
}

/** Runs `verify`: prints the report (or JSON); throws {@link VerifyFailed} when objects are missing. */
export async function runVerify(io: CliIo, flags: VerifyFlags): Promise<void> {
    const file = required(flags.manifest, "--manifest", "name the manifest an export wrote beside its checkpoint (<state>.manifest.json)");
    let m: Manifest;
    try {
        m = readManifest(file);
    } catch (e) {
        throw new ValidationError("--manifest", `${(e as Error).message}: pass the manifest an export wrote beside its checkpoint (<state>.manifest.json).`);
    }
    const clients = awsClients(flags);
    // The bucket is in the exported log groups' region (S3ExportTasks.html): the manifest's, unless --region says otherwise.
    const s3 = clients.s3(flags.region ?? m.region);
    const result = await verifyManifest(m, file, taskId => listTaskObjects(s3, m.bucket, m.prefix, taskId));
    io.stdout(flags.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatVerify(result));
    if (!result.ok) {
        throw new VerifyFailed(result);
    }
}

/** Registers `verify` on `program`. */
export function registerVerifyCommand(program: Command, io: CliIo): void {
    const cmd = program.command("verify")
        .description("check that every completed chunk of an export manifest still has its objects in S3")
        .addOption(new Option("--manifest <file>", "the manifest an export wrote beside its checkpoint: <state>.manifest.json (required)"))
        .addOption(new Option("--json", "print the result as one JSON document (see the README) instead of text"))
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(cmd).action(async (_opts: VerifyFlags, command: Command) => {
        await runVerify(io, command.optsWithGlobals<VerifyFlags>());
    });
}
