/**
 * Starts a moto_server (a local AWS API emulator) on a free loopback port for one test suite.
 *
 * Usage in a mocha suite:
 *   let moto: Moto;
 *   before(async () => { moto = await startMoto(); });
 *   after(async () => { await moto.stop(); });
 *   // SDK clients: { endpoint: moto.endpoint, region: "us-east-1", credentials: moto.credentials, forcePathStyle: true }
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as http from "http";
import * as net from "net";

export interface Moto {
    /** `http://127.0.0.1:<port>` */
    readonly endpoint: string;
    readonly port: number;
    /** Dummy static credentials moto accepts (account 123456789012). */
    readonly credentials: { accessKeyId: string; secretAccessKey: string };
    /** Environment variables that point an AWS SDK (or a child process) at this moto. */
    env(region?: string): Record<string, string>;
    /** Drops all state (POST /moto-api/reset). */
    reset(): Promise<void>;
    stop(): Promise<void>;
}

/** The account moto acts in for the default credentials. */
export const MOTO_ACCOUNT = "123456789012";

/** True when `moto_server` is on PATH. */
export function motoAvailable(): boolean {
    const r = spawnSync("moto_server", ["--help"], { stdio: "ignore" });
    return r.status === 0;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const addr = srv.address() as net.AddressInfo;
            srv.close(() => resolve(addr.port));
        });
    });
}

function request(port: number, method: string, path: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, method, path, timeout: 2000 }, res => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.end();
    });
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
    if (!motoAvailable()) {
        throw new Error('moto_server is not installed: run `pip install "moto[server]"`.');
    }
    const port = await freePort();
    const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true" },
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    let exited = false;
    child.on("exit", () => { exited = true; });

    const deadline = Date.now() + 30_000;
    for (;;) {
        if (exited) {
            throw new Error(`moto_server exited before it answered:\n${stderr}`);
        }
        try {
            const code = await request(port, "GET", "/moto-api/");
            if (code > 0) {
                break;
            }
        } catch {
            // not listening yet
        }
        if (Date.now() > deadline) {
            child.kill("SIGKILL");
            throw new Error(`moto_server did not answer on port ${port} within 30 s:\n${stderr}`);
        }
        await new Promise(r => setTimeout(r, 100));
    }

    const endpoint = `http://127.0.0.1:${port}`;
    const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
    return {
        endpoint,
        port,
        credentials,
        env(region = "us-east-1") {
            return {
                AWS_ENDPOINT_URL: endpoint,
                AWS_ACCESS_KEY_ID: credentials.accessKeyId,
                AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
                AWS_REGION: region,
                AWS_DEFAULT_REGION: region,
            };
        },
        async reset() {
            await request(port, "POST", "/moto-api/reset");
        },
        stop() {
            return new Promise<void>(resolve => {
                if (exited) {
                    resolve();
                    return;
                }
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
                setTimeout(() => { if (!exited) { child.kill("SIGKILL"); } }, 3000).unref();
            });
        },
    };
}
