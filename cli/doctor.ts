/**
 * `cwlogs-export doctor --bucket B [--log-group G] [--prefix P] [--caller-arn ARN]`: reads the
 * bucket's region, encryption, policy and key policy, and says line by line whether CloudWatch Logs
 * from this account and region can export there, printing the statement that fixes each failure.
 * Exit 0 when the export would work (warnings included), 1 otherwise.
 */
import { Command, Option } from "commander";
import { validateBucketName, validateLogGroupName, validatePrefix, validatePrincipalArn } from "../policies/validate";
import { accountClients, AccountFlags, addAccountOptions } from "./accounts";
import { addAwsOptions, AwsFlags } from "./aws";
import { CheckResult, runChecks } from "./doctor/checks";
import { DoctorFacts } from "./doctor/facts";
import { readFacts } from "./doctor/read";
import { CliIo } from "./io";
import { required } from "./policy";

interface DoctorFlags extends AwsFlags, AccountFlags {
    bucket?: string;
    logGroup?: string;
    prefix?: string;
    callerArn?: string;
    json?: boolean;
}

/** The error `doctor` throws when a check fails, so the command line exits 1 after the report. */
export class DoctorFailed extends Error {
    constructor(failures: number, bucket: string, json = false) {
        super(`doctor: ${failures} check${failures === 1 ? "" : "s"} failed: exports to "${bucket}" would fail; ` +
            `apply the fixes ${json ? "in the failed checks' \"fix\" fields" : "above"}.`);
        this.name = "DoctorFailed";
    }
}

const MARK: Readonly<Record<CheckResult["status"], string>> = { ok: "ok  ", warn: "warn", fail: "FAIL" };

function indent(text: string, by: string): string {
    return text.split("\n").map(l => `${by}${l}`).join("\n");
}

/** The report as plain text (no colour), one line per check, details and fixes indented below it. */
export function formatReport(facts: DoctorFacts, results: readonly CheckResult[]): string {
    const lines = [`Checking s3://${facts.bucket} as an export destination for CloudWatch Logs of account ${facts.sourceAccount} in ${facts.logsRegion}:`];
    for (const r of results) {
        lines.push(`${MARK[r.status]}  ${r.title}`);
        for (const d of r.detail) {
            lines.push(`      ${d}`);
        }
        if (r.fix !== undefined) {
            lines.push(`      fix: ${r.fix.text}${r.fix.statements !== undefined ? ":" : ""}`);
            for (const s of r.fix.statements ?? []) {
                lines.push(indent(JSON.stringify(s, null, 2), "      "));
            }
        }
    }
    const fails = results.filter(r => r.status === "fail").length;
    const warns = results.filter(r => r.status === "warn").length;
    const w = warns === 0 ? "" : ` (${warns} warning${warns === 1 ? "" : "s"})`;
    lines.push(fails === 0 ? `Result: export would work${w}.` : `Result: export would FAIL: ${fails} problem${fails === 1 ? "" : "s"}${w}.`);
    return `${lines.join("\n")}\n`;
}

/**
 * `doctor --json`: the whole report as one JSON document (the README documents it). `ok` is the
 * verdict the exit code gives (true: exit 0); each check carries the statements that fix it.
 */
export interface DoctorJson {
    bucket: string;
    bucketRegion: string;
    logsRegion: string;
    sourceAccount: string;
    logGroupName: string | null;
    prefix: string | null;
    callerArn: string | null;
    ok: boolean;
    failures: number;
    warnings: number;
    checks: CheckResult[];
}

/** The report as {@link DoctorJson}. */
export function reportJson(facts: DoctorFacts, results: readonly CheckResult[]): DoctorJson {
    const failures = results.filter(r => r.status === "fail").length;
    return {
        bucket: facts.bucket, bucketRegion: facts.bucketRegion, logsRegion: facts.logsRegion, sourceAccount: facts.sourceAccount,
        logGroupName: facts.logGroupName ?? null, prefix: facts.prefix ?? null, callerArn: facts.callerArn ?? null,
        ok: failures === 0, failures, warnings: results.filter(r => r.status === "warn").length,
        checks: results.map(r => ({ status: r.status, title: r.title, detail: r.detail, ...(r.fix === undefined ? {} : { fix: r.fix }) })),
    };
}

/** `doctor --json` with account options (--role-arn, --accounts-file, --org-role-name): one report per account. */
export interface DoctorAccountsJson {
    /** True when no check failed in any account. */
    ok: boolean;
    /** Failed checks summed over the accounts. */
    failures: number;
    /** One report per account, in the order the accounts were selected; `sourceAccount` names each. */
    reports: DoctorJson[];
}

/** Runs `doctor`: prints the report; throws {@link DoctorFailed} when a check fails. */
export async function runDoctor(io: CliIo, flags: DoctorFlags): Promise<void> {
    const bucket = required(flags.bucket, "--bucket", "name the destination bucket to check");
    // Existing buckets may have legacy names (uppercase, underscores): only refuse what S3 never accepts.
    if (!/^[A-Za-z0-9._-]{3,255}$/.test(bucket)) {
        validateBucketName(bucket, "--bucket");
    }
    const query = {
        bucket,
        logGroupName: flags.logGroup === undefined ? undefined : validateLogGroupName(flags.logGroup, "--log-group"),
        prefix: flags.prefix === undefined ? undefined : validatePrefix(flags.prefix, "--prefix"),
        callerArn: flags.callerArn === undefined ? undefined : validatePrincipalArn(flags.callerArn, "--caller-arn"),
    };
    let failures = 0;
    const reports: DoctorJson[] = [];
    // One report per account (--role-arn, --accounts-file, --org-role-name), each as that account's CloudWatch Logs.
    const accounts = await accountClients(flags);
    for (const a of accounts) {
        const facts = await readFacts(a.clients, query);
        const results = runChecks(facts);
        if (flags.json === true) {
            reports.push(reportJson(facts, results));
        } else {
            io.stdout(formatReport(facts, results));
        }
        failures += results.filter(r => r.status === "fail").length;
    }
    if (flags.json === true) {
        // Without account options: one report. With them: every account's report in one document.
        const single = accounts.length === 1 && accounts[0].account === undefined;
        const doc: DoctorJson | DoctorAccountsJson = single ? reports[0] : { ok: failures === 0, failures, reports };
        io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    }
    if (failures > 0) {
        throw new DoctorFailed(failures, bucket, flags.json === true);
    }
}

/** Registers `doctor` on `program`. */
export function registerDoctorCommand(program: Command, io: CliIo): void {
    const cmd = program.command("doctor")
        .description("check that CloudWatch Logs of this account and region can export into a bucket, and print the fixes")
        .addOption(new Option("--bucket <name>", "destination S3 bucket (required)"))
        .addOption(new Option("--log-group <name>", "log group that will export (checks it exists and the policy's aws:SourceArn)"))
        .addOption(new Option("--prefix <prefix>", "destination prefix exports write under (default: check any key)"))
        .addOption(new Option("--caller-arn <arn>", "cross-account CreateExportTask caller (IAM role or user ARN) to check"))
        .addOption(new Option("--json", "print the report as one JSON document (see the README) instead of text"))
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(addAccountOptions(cmd)).action(async (_opts: DoctorFlags, command: Command) => {
        await runDoctor(io, command.optsWithGlobals<DoctorFlags>());
    });
}
