/**
 * Runs a command under a pseudo-terminal of a given size (python3's pty module, preinstalled with
 * moto) and returns everything it wrote to the terminal, escape sequences included. The size is set
 * on the terminal before the command starts, so its first look at `rows`/`columns` sees it.
 */
import { spawn } from "child_process";

const RUNNER = `
import fcntl, os, pty, struct, sys, termios
rows, cols = int(sys.argv[1]), int(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execvp(sys.argv[3], sys.argv[3:])
out = sys.stdout.buffer
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out.write(data)
    out.flush()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
`;

export interface PtyRun {
    code: number | null;
    /** What the terminal received (stdout and stderr of the command, interleaved as written). */
    output: string;
}

export function runInPty(rows: number, cols: number, argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<PtyRun> {
    return new Promise((resolve, reject) => {
        const child = spawn("python3", ["-c", RUNNER, String(rows), String(cols), ...argv], {
            cwd: opts.cwd, env: { ...(opts.env ?? process.env), TERM: "xterm-256color" }, stdio: ["ignore", "pipe", "inherit"],
        });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (d: Buffer) => chunks.push(d));
        const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`${argv.join(" ")} did not finish in ${opts.timeoutMs ?? 60_000} ms`)); }, opts.timeoutMs ?? 60_000);
        child.on("error", e => { clearTimeout(timer); reject(e); });
        child.on("exit", code => { clearTimeout(timer); resolve({ code, output: Buffer.concat(chunks).toString("utf8") }); });
    });
}
