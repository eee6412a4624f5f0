/** Runs the command line in-process through cli/main.ts's `main`, capturing what it writes. */
import { main } from "../../cli/main";

export interface CliRun { code: number; stdout: string; stderr: string }

export async function runCli(...argv: string[]): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
    return { code, stdout, stderr };
}
