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
}

/** The error `doctor` throws when a check fails, so the command line exits 1 after the report. */
export class DoctorFailed extends Error {
    constructor(failures: number, bucket: string) {
        super(`doctor: ${failures} check${failures === 1 ? "" : "s"} failed: exports to "${bucket}" would fail; apply the fixes above.`);
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
    // One report per account (--role-arn, --accounts-file, --org-role-name), each as that account's CloudWatch Logs.
    for (const a of await accountClients(flags)) {
        const facts = await readFacts(a.clients, query);
        const results = runChecks(facts);
        io.stdout(formatReport(facts, results));
        failures += results.filter(r => r.status === "fail").length;
    }
    if (failures > 0) {
        throw new DoctorFailed(failures, bucket);
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
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(addAccountOptions(cmd)).action(async (_opts: DoctorFlags, command: Command) => {
        await runDoctor(io, command.optsWithGlobals<DoctorFlags>());
    });
}
