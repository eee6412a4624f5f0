#!/usr/bin/env node
/**
 * The `cwlogs-export` command line.
 */
import { Command, CommanderError, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { ValidationError } from "../policies/validate";
import { registerCancelCommand } from "./cancel";
import { registerDoctorCommand } from "./doctor";
import { registerExportCommand } from "./export/command";
import { CliIo, EXIT, processIo } from "./io";
import { forCommandLine, missingProfileMessage } from "./messages";
import { shortenSdkNodeNotice } from "./nodeNotice";
import { registerExportPolicyKinds } from "./policy";
import { registerDeliveryPolicyKinds } from "./policy-delivery";
import { registerScheduleCommand } from "./schedule";
import { registerStatusCommand } from "./status";
import { registerVerifyCommand } from "./verify";

function packageVersion(): string {
    // Works from cli/ (ts-node) and dist/cli/ (built).
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "cwlogs-export") {
                return pkg.version ?? "0.0.0";
            }
        }
    }
    return "0.0.0";
}

/** Builds the command tree, writing to `io`. */
export function buildProgram(io: CliIo): Command {
    const program = new Command("cwlogs-export")
        .description("CloudWatch Logs export to S3 and V2 vended-log delivery: policies, exports and checks")
        .version(packageVersion())
        .showHelpAfterError("(add --help for usage)")
        // Every command's help lists --debug (and --help) under "Global Options".
        .configureHelp({ showGlobalOptions: true })
        // main() takes --debug out of argv before parsing, wherever it is: declared here for the help.
        .addOption(new Option("--debug", "on an unexpected error, also print its stack trace"))
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();

    const policy = program.command("policy")
        .description("print one policy document as JSON on stdout")
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    registerExportPolicyKinds(policy, io);
    registerDeliveryPolicyKinds(policy, io);
    for (const sub of policy.commands) {
        // Policies are always JSON; `--json` is accepted so a script can pass it to every command.
        sub.addOption(new Option("--json", "no effect: the document is always JSON"))
            .configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride();
    }
    registerExportCommand(program, io);
    registerStatusCommand(program, io);
    registerCancelCommand(program, io);
    registerDoctorCommand(program, io);
    registerVerifyCommand(program, io);
    registerScheduleCommand(program, io);
    return program;
}

/**
 * Runs the command line on `argv` (without `node` and the script) and returns the exit code
 * (see {@link EXIT}). Errors are one line on stderr with the fix; `--debug` adds the stack.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
    const debug = argv.includes("--debug");
    const args = argv.filter(a => a !== "--debug");
    try {
        await buildProgram(io).parseAsync(args, { from: "user" });
        return EXIT.ok;
    } catch (e) {
        if (e instanceof CommanderError) {
            // Commander has already printed its message (or the help / version text).
            return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
        }
        const credentialsOrRegion = e instanceof ValidationError ? e.argument === "--region"
            : e instanceof Error && /no AWS credentials found|Could not load credentials|profile/i.test(e.message);
        const profileFault = credentialsOrRegion ? missingProfileMessage(args) : undefined;
        if (profileFault !== undefined) {
            // The SDK reports a profile it cannot find as missing credentials or region: name the real cause.
            io.stderr(`cwlogs-export: [--profile] ${profileFault}\n`);
            return EXIT.usage;
        }
        if (e instanceof ValidationError) {
            io.stderr(`cwlogs-export: ${forCommandLine(e.message)}\n`);
            return EXIT.usage;
        }
        const err = e instanceof Error ? e : new Error(String(e));
        io.stderr(`cwlogs-export: ${forCommandLine(err.message)}\n`);
        if (debug && err.stack !== undefined) {
            io.stderr(`${err.stack}\n`);
        }
        const code = (err as { exitCode?: unknown }).exitCode;
        return typeof code === "number" ? code : EXIT.failed;
    }
}

if (require.main === module) {
    shortenSdkNodeNotice();
    main(process.argv.slice(2)).then(code => { process.exitCode = code; }, () => { process.exitCode = EXIT.failed; });
}
