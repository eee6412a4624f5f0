/**
 * Account A, the workload, of a cross-account V2 vended-log delivery (AWS-logs-and-resource-policy): the delivery source
 * for a resource of this account and one delivery to account B's delivery destination. The
 * destination's ARN, type and output format come from B's stack through `pulumi.StackReference`,
 * checked: a missing or malformed output fails naming the stack and the output, and a destination in
 * another region fails before the delivery is created (DeliverySource's check).
 *
 *   pulumi stack init acme/cwlogs-delivery-workload/dev
 *   pulumi config set aws:region us-east-1
 *   pulumi config set archiveStack acme/cwlogs-delivery-archive/dev
 *   pulumi config set resourceArn arn:aws:bedrock:us-east-1:111111111111:knowledge-base/KB12345678
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { DeliverySource, parseDeliveryDestinationArn, requireStackOutput } from "../../../index";

const config = new pulumi.Config();
const archive = new pulumi.StackReference(config.require("archiveStack"));
const destinationArn = requireStackOutput(archive, "destinationArn", (v, arg) => { parseDeliveryDestinationArn(v, arg); return v; });

const source = new DeliverySource("app-logs", {
    resourceArn: config.require("resourceArn"),
    logType: config.get("logType") ?? "APPLICATION_LOGS",
    deliveries: {
        archive: {
            destinationArn,
            destinationType: requireStackOutput(archive, "destinationType"),
            destinationOutputFormat: requireStackOutput(archive, "outputFormat"),
        },
    },
});

/** The destination (in the archive account) this source delivers to. */
export const deliveryDestinationArn = destinationArn;
export const deliverySourceArn = source.sourceArn;
export const deliveryArns = source.deliveryArns;
export const region = source.region;
