/**
 * hasim's library API: run a design under a failure schedule and check it, from your own code
 * or your own vitest suite.
 *
 * ```ts
 * import { simulate, loadDesign, parseSchedule } from 'hasim';
 * const design = await loadDesign('raft');
 * const result = simulate({ design, seed: 7, schedule: parseSchedule(yamlText, 'my.yaml') });
 * expect(result.violations).toEqual([]);
 * ```
 */
export { simulate, QUIET_SCHEDULE, type SimulateOptions, type RunResult } from './campaign/simulate.ts';
export { loadDesign, loadScenario, designNames, scenarioNames } from './campaign/catalog.ts';
export { check, type CheckOptions } from './campaign/check.ts';
export { parseSchedule, loadSchedule, scheduleToYaml, type Schedule } from './faults/schedule.ts';
export { parseProfile, loadProfile, drawRun, type RandomProfile, type DrawnRun } from './faults/random-profile.ts';
export { shrinkSchedule, type ShrinkResult } from './faults/shrink.ts';
export { scheduleArbitrary, type ScheduleArbitraryOptions } from './faults/arbitraries.ts';
export { defineDesign, type Design, type Topology, type NodeSpec, type ParamSpec } from './world/design.ts';
export type { Actor, NodeContext, Msg, OrderRequest } from './world/actor.ts';
export { defineProbe, emitsProbe, type Probe, type ProbeOptions } from './world/probes.ts';
export type { History, HistoryEvent, Role } from './history/history.ts';
export { estimate, type EstimateOptions, type DesignEstimate } from './estimate/estimate.ts';
export { InputError } from './sim/input-error.ts';
export * from './sim/time.ts';
export { OrderServer, type OrderServerOptions } from './parts/order-server.ts';
