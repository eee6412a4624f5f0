export * from "./types";
export * from "./decisions";
export * from "./explain";
export * from "./run";
export { acquireSlot } from "./queue";
export {
    checkWindow, DEFAULT_CHECK_TIMING, durationSamples, estimateDuration, forgetDurations, historyDurations, MODEL_SAMPLES, nextCheckDelay, observedDuration,
    recordDuration,
} from "./model";
export type { CheckTiming, DurationEstimate } from "./model";
export { findInIndex, forgetTaskIndexes, listOrder, lookupNeeds, newTaskIndex, refreshIndex, sharedTaskIndex, spendLookup } from "./lookup";
export type { ListOrder, PageReader, TaskIndex } from "./lookup";
