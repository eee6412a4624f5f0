export * from "./exportTask";
export * from "./engine";
export { ExportTaskProvider } from "./provider";
export type { ExportTaskOutputs } from "./provider";
export { checkInputs, diffInputs, toEpochMs, defaultTaskName } from "./inputs";
export type { ExportTaskInputs } from "./inputs";
export { callerAccount, clientBase, logsExportApi, preflight } from "./aws";
export type { AwsTarget, ClientBase } from "./aws";
