/**
 * moto writes an export task's objects under `<prefix>/<random uuid>/<stream>/000000.gz`; AWS writes
 * them under `<prefix>/<taskId>/<stream>/000000.gz` (CloudWatch Logs User Guide, S3ExportTasks.html),
 * which is what the manifest and `verify` rely on. This pass-through proxy in front of moto moves
 * each task's new objects to AWS's layout right after CreateExportTask answers. It relies on
 * creates being serial (one active task per account, as the export engine runs them).
 */
import { CopyObjectCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import * as http from "http";
import * as net from "net";

export interface LayoutProxy {
    readonly endpoint: string;
    /** Task IDs whose objects were moved, with the keys they now have. */
    readonly moved: Map<string, string[]>;
    stop(): Promise<void>;
}

async function keysUnder(s3: S3Client, bucket: string, prefix: string): Promise<Set<string>> {
    const keys = new Set<string>();
    let token: string | undefined;
    do {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        (out.Contents ?? []).forEach(o => keys.add(o.Key ?? ""));
        token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
}

export async function startLayoutProxy(motoEndpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, region = "us-east-1"): Promise<LayoutProxy> {
    const target = new URL(motoEndpoint);
    const s3 = new S3Client({ endpoint: motoEndpoint, region, credentials, forcePathStyle: true });
    const moved = new Map<string, string[]>();
    let serial: Promise<unknown> = Promise.resolve();

    const forward = (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
        new Promise((resolve, reject) => {
            const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, res => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
            });
            out.on("error", reject);
            out.end(body);
        });

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const isCreate = String(req.headers["x-amz-target"] ?? "").endsWith(".CreateExportTask");
            const handle = async (): Promise<void> => {
                if (!isCreate) {
                    const r = await forward(req, body);
                    res.writeHead(r.status, r.headers);
                    res.end(r.body);
                    return;
                }
                const input = JSON.parse(body.toString()) as { destination: string; destinationPrefix?: string };
                const prefix = `${input.destinationPrefix ?? "exportedlogs"}/`;
                const before = await keysUnder(s3, input.destination, prefix);
                const r = await forward(req, body);
                if (r.status === 200) {
                    const taskId = (JSON.parse(r.body.toString()) as { taskId: string }).taskId;
                    const fresh = [...await keysUnder(s3, input.destination, prefix)].filter(k => !before.has(k) && !k.endsWith("aws-logs-write-test"));
                    const keys: string[] = [];
                    for (const key of fresh) {
                        // <prefix>/<uuid>/<stream>/000000.gz -> <prefix>/<taskId>/<stream>/000000.gz
                        const rest = key.slice(prefix.length).split("/").slice(1).join("/");
                        const to = `${prefix}${taskId}/${rest}`;
                        await s3.send(new CopyObjectCommand({ Bucket: input.destination, Key: to, CopySource: `${input.destination}/${key}` }));
                        await s3.send(new DeleteObjectCommand({ Bucket: input.destination, Key: key }));
                        keys.push(to);
                    }
                    moved.set(taskId, keys);
                }
                res.writeHead(r.status, r.headers);
                res.end(r.body);
            };
            const run = isCreate ? (serial = serial.then(handle, handle)) : handle();
            run.catch(e => { res.writeHead(500); res.end(String(e)); });
        });
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
        moved,
        stop: () => new Promise<void>(resolve => server.close(() => resolve())),
    };
}
