import { clientBase, logsExportApi } from "../dynamic-providers/aws";
import { startMoto } from "../tests/support/moto";
import { startProxy } from "../tests/support/proxy";
(async () => {
    console.log("start moto"); const moto = await startMoto(); console.log("moto up");
    const proxy = await startProxy(moto.endpoint, { paging: true });
    Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
    proxy.synthesize(Array.from({ length: 120 }, (_, i) => ({ taskId: `old-${i}`, taskName: `o-${i}`, logGroupName: "/g", from: 1, to: 2, destination: "b", destinationPrefix: "p", status: "COMPLETED" as const, creationTime: 1000 + i, completionTime: 2000 + i })));
    console.log("proxy up"); const api = await logsExportApi(await clientBase({ region: "us-east-1" }));
    try {
        const p = await api.describeExportTasks({ statusCode: "COMPLETED", limit: 50 });
        console.log(p.tasks.length, p.tasks[0], p.nextToken);
    } catch (e) { console.log("ERR", e); }
    console.log(proxy.seen);
    await proxy.stop(); await moto.stop();
})();
