/**
 * Account B, the log archive, of a cross-account V2 vended-log delivery (AWS-logs-and-resource-policy, "Logging that
 * requires additional permissions [V2]"): a delivery destination for an SSE-KMS ExportBucket with
 * the AWS-logs-and-resource-policy page's bucket and key statements for `delivery.logs.amazonaws.com` (limited to the workload
 * accounts by `aws:SourceAccount`), and the delivery destination policy that lets those accounts
 * `logs:CreateDelivery` to it ("If you are delivering logs cross-account, you must use
 * PutDeliveryDestinationPolicy in the destination account").
 *
 * The workload stack reads destinationArn, destinationType, outputFormat and region through a
 * StackReference. This stack goes first: its policies name accounts, which always exist.
 *
 *   pulumi stack init acme/cwlogs-delivery-archive/dev
 *   pulumi config set aws:region us-east-1
 *   pulumi config set --path 'workloadAccountIds[0]' 111111111111 --type string
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { DeliveryDestination, validateOutputFormat } from "../../../index";
import { requireAccountIds } from "../../shared/config";

const config = new pulumi.Config();
const workloadAccountIds = requireAccountIds(config, "workloadAccountIds");

const central = new DeliveryDestination("central", {
    s3: {},
    outputFormat: validateOutputFormat(config.get("outputFormat") ?? "json", "outputFormat"),
    sourceAccounts: workloadAccountIds,
});

export const destinationArn = central.destinationArn;
export const destinationName = central.destinationName;
export const destinationType = central.destinationType;
export const outputFormat = central.outputFormat;
export const region = central.region;
export const accountId = central.accountId;
export const bucketName = central.bucket!.bucketName;
export const kmsKeyArn = central.bucket!.kmsKeyArn;
