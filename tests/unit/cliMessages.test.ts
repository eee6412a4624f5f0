/**
 * The command line speaks to a shell user: help without internal references ("seed NNN") or Pulumi,
 * `--debug` listed, component advice in shared policy messages replaced by the CLI's, a missing
 * profile named as such, and after Ctrl-C the active task's status read again before saying it runs.
 */
import * as assert from "assert";
import { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeInterruptedTask, interruptedTaskSentence } from "../../cli/export/interrupt";
import { buildProgram } from "../../cli/main";
import { forCommandLine, missingProfileMessage, profileNames, requestedProfile } from "../../cli/messages";
import { runCli } from "../support/cli";

function allCommands(c: Command): Command[] {
    return [c, ...c.commands.flatMap(allCommands)];
}

describe("command-line messages", () => {
    it("no help text mentions a seed or Pulumi, and every command's help lists --debug", () => {
        let out = "";
        const program = buildProgram({ stdout: t => { out += t; }, stderr: t => { out += t; } });
        const commands = allCommands(program);
        assert.ok(commands.length >= 15, `${commands.length} commands`);
        for (const c of commands) {
            const help = c.helpInformation();
            const name = c.name();
            assert.doesNotMatch(help, /seeds? ?\d{3}/i, name);
            assert.doesNotMatch(help, /pulumi|component|stack output/i, name);
            assert.match(help, /--debug\s+on an unexpected error, also print its\s+stack\s+trace/, name);
        }
        assert.strictEqual(out, "");
    });

    it("replaces component advice of shared policy messages with the command line's", async () => {
        const r = await runCli("policy", "export-caller", "--region", "us-east-1", "--account", "111111111111",
            "--kms-key-arn", "arn:aws:kms:us-east-1:111111111111:alias/aws/s3");
        assert.strictEqual(r.code, 2);
        assert.doesNotMatch(r.stderr, /component|stack/);
        assert.match(r.stderr, /Use a customer managed key \(create one with `aws kms create-key`, with the key policy `cwlogs-export policy export-key` prints\), or SSE-S3\.\n$/);
        const d = await runCli("policy", "delivery-destination", "--destination-arn", "arn:aws:s3:::bucket-x", "--source-account", "111111111111");
        assert.strictEqual(d.code, 2);
        assert.match(d.stderr, /\(`aws logs describe-delivery-destinations` lists them\)/);
        assert.doesNotMatch(d.stderr, /stack/);
        assert.strictEqual(forCommandLine('Deploy the source side to "eu-west-1" (its provider\'s region or [region]), or'), 'Deploy the source side to "eu-west-1" (--region), or');
        assert.strictEqual(forCommandLine('set [region] to "eu-west-1" (or use a provider for eu-west-1); its'), 'set [region] to "eu-west-1" (--region eu-west-1); its');
    });

    it("reads profile names from the shared files' sections", () => {
        assert.deepStrictEqual(profileNames("[default]\nregion=x\n[profile dev]\n[ prod ]\n[sso-session corp]\n[services s3local]\n"), ["default", "dev", "prod"]);
        assert.deepStrictEqual(requestedProfile(["status", "--profile", "a", "--profile=b"], {}), { name: "b", from: "--profile" });
        assert.deepStrictEqual(requestedProfile(["status"], { AWS_PROFILE: "c" }), { name: "c", from: "AWS_PROFILE" });
        assert.strictEqual(requestedProfile(["status"], {}), undefined);
    });

    it("names a profile that exists in neither file, with where it looked", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-msg-"));
        try {
            fs.writeFileSync(path.join(dir, "config"), "[profile dev]\nregion = us-east-1\n");
            fs.writeFileSync(path.join(dir, "credentials"), "[ci]\naws_access_key_id = a\n");
            const env = { AWS_CONFIG_FILE: path.join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"), HOME: dir };
            assert.strictEqual(missingProfileMessage(["status", "--profile", "dev"], env), undefined);
            assert.strictEqual(missingProfileMessage(["status", "--profile", "ci"], env), undefined);
            assert.strictEqual(missingProfileMessage(["status", "--profile", "nope"], env),
                `profile "nope" not found in ~/config or ~/credentials: check --profile (\`aws configure list-profiles\` lists the profiles; \`aws configure --profile NAME\` creates one).`);
            assert.match(missingProfileMessage(["status"], { ...env, AWS_PROFILE: "gone" }) ?? "", /^profile "gone" not found .*: check AWS_PROFILE /);
            assert.strictEqual(missingProfileMessage(["status"], env), undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("after Ctrl-C, says what the task's status is now, not what it was at the last poll", async () => {
        const api = (statusCode: string | Error, statusMessage?: string) => ({
            calls: 0,
            async describeExportTasks(q: { taskId?: string }) {
                this.calls++;
                if (statusCode instanceof Error) {
                    throw statusCode;
                }
                return { tasks: [{ taskId: q.taskId as string, statusCode, statusMessage }] };
            },
        });
        const running = api("RUNNING");
        assert.strictEqual(await describeInterruptedTask(running, "t-1"), "task t-1 is still RUNNING and finishes on its own; `cwlogs-export cancel t-1` cancels it.");
        assert.strictEqual(running.calls, 1);
        assert.strictEqual(await describeInterruptedTask(api("COMPLETED"), "t-1"), "task t-1 has COMPLETED meanwhile; the rerun records it.");
        assert.strictEqual(await describeInterruptedTask(api("FAILED", "boom"), "t-1"), "task t-1 ended FAILED (boom); the rerun exports that chunk again.");
        const denied = Object.assign(new Error("not allowed"), { name: "AccessDeniedException" });
        assert.strictEqual(await describeInterruptedTask(api(denied), "t-1"),
            "task t-1 was running at the last check, and its status cannot be read now (AccessDeniedException: not allowed); `cwlogs-export cancel t-1` cancels it if it still runs.");
        const hung = { describeExportTasks: () => new Promise<never>(() => undefined) };
        assert.match(await describeInterruptedTask(hung, "t-1", 50), /its status cannot be read now \(no answer in 0\.05 s\)/);
        assert.match(interruptedTaskSentence("t-1", {}), /DescribeExportTasks does not list it/);
    });
});
