/**
 * The ExportTask provider's AssumeRole of `roleArn`: a caller role created in the same `pulumi up`
 * can be refused for a few seconds while IAM propagates it; the provider waits that out instead of
 * failing the export (it gives up after seven tries, about 21 s). Through the test proxy in front of moto.
 */
import * as assert from "assert";
import { clientBase } from "../../dynamic-providers/aws";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const ROLE = "arn:aws:iam::222222222222:role/ExportCaller";
const KEYS = ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"];

describe("ExportTask provider: AssumeRole of roleArn (proxy + moto)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let proxy: Proxy;
    const saved: Record<string, string | undefined> = {};

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
        for (const k of KEYS) {
            saved[k] = process.env[k];
        }
        Object.assign(process.env, moto.env("us-east-1"), { AWS_ENDPOINT_URL: proxy.endpoint });
    });
    after(async () => {
        for (const k of KEYS) {
            if (saved[k] === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = saved[k];
            }
        }
        await proxy?.stop();
        await moto?.stop();
    });

    it("retries AccessDenied while a new role propagates, then returns the role's credentials and account", async () => {
        proxy.clear();
        proxy.inject("AssumeRole", "access-denied", "access-denied");
        const base = await clientBase({ region: "us-east-1", roleArn: ROLE });
        assert.strictEqual(proxy.count("AssumeRole"), 3);
        assert.ok(base.credentials?.accessKeyId !== undefined && base.credentials.accessKeyId !== "testing", "the role's, not the caller's");
        assert.strictEqual(base.account, "222222222222");
    });
});
