/**
 * Error messages as a command-line user should read them: the policy builders in policies/ are shared
 * with the Pulumi components, and a few of their fixes speak of components and stacks; a profile the
 * AWS SDK cannot find surfaces as "no credentials" or "no region". Pure, apart from reading the
 * AWS config files {@link profileExists} is given.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Component advice in shared messages, and what a shell user does instead. */
const SHELL_FIXES: readonly [RegExp, string][] = [
    [/\(leave \[(--[\w-]+)\] out and the component creates one\)/g,
        "(create one with `aws kms create-key`, with the key policy `cwlogs-export policy export-key` prints)"],
    [/\(the destination stack's destinationArn output\)/g, "(`aws logs describe-delivery-destinations` lists them)"],
    [/ \(its provider's region or \[region\]\)/g, " (--region)"],
    [/ \(or use a provider for ([\w-]+)\)/g, " (--region $1)"],
];

/** `message` with component and stack advice replaced by the command-line equivalent. */
export function forCommandLine(message: string): string {
    return SHELL_FIXES.reduce((m, [re, to]) => m.replace(re, to), message);
}

/** The shared config and credentials files the AWS SDK reads (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE). */
export function awsConfigFiles(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
    const home = env.HOME ?? env.USERPROFILE ?? os.homedir();
    return {
        config: env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config"),
        credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials"),
    };
}

/** Profile names an INI text defines: `[name]`, `[profile name]` (sso-session and services sections are not profiles). */
export function profileNames(ini: string): string[] {
    const names: string[] = [];
    for (const line of ini.split(/\r?\n/)) {
        const m = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
        if (m === null) {
            continue;
        }
        const section = m[1];
        const profile = /^profile\s+(.+)$/.exec(section);
        if (profile !== null) {
            names.push(profile[1].trim());
        } else if (!/^(sso-session|services)\s/.test(section)) {
            names.push(section);
        }
    }
    return names;
}

/** Whether `name` is defined in either shared file. Unreadable or missing files define nothing. */
export function profileExists(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
    const files = awsConfigFiles(env);
    return [files.config, files.credentials].some(file => {
        try {
            return profileNames(fs.readFileSync(file, "utf8")).includes(name);
        } catch {
            return false;
        }
    });
}

/** The profile a command line asks for: `--profile X` / `--profile=X`, else AWS_PROFILE; with where it came from. */
export function requestedProfile(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { name: string; from: "--profile" | "AWS_PROFILE" } | undefined {
    for (let i = argv.length - 1; i >= 0; i--) {
        if (argv[i] === "--profile" && i + 1 < argv.length) {
            return { name: argv[i + 1], from: "--profile" };
        }
        if (argv[i].startsWith("--profile=")) {
            return { name: argv[i].slice("--profile=".length), from: "--profile" };
        }
    }
    return env.AWS_PROFILE !== undefined && env.AWS_PROFILE !== "" ? { name: env.AWS_PROFILE, from: "AWS_PROFILE" } : undefined;
}

/**
 * When a command failed and the profile it asked for exists in neither shared file, that is the cause
 * whatever the SDK said ("Could not load credentials", no region): the sentence to print instead.
 */
export function missingProfileMessage(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
    const p = requestedProfile(argv, env);
    if (p === undefined || p.name.trim() === "" || profileExists(p.name, env)) {
        return undefined;
    }
    const files = awsConfigFiles(env);
    const home = env.HOME ?? os.homedir();
    const show = (f: string): string => (f.startsWith(`${home}${path.sep}`) ? `~${f.slice(home.length)}` : f);
    return `profile ${JSON.stringify(p.name)} not found in ${show(files.config)} or ${show(files.credentials)}: check ${p.from} ` +
        "(`aws configure list-profiles` lists the profiles; `aws configure --profile NAME` creates one).";
}
