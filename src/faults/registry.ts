/**
 * The fault vocabulary: every kind a schedule may name, in the order of the HA requirements
 * (hardware, software, network, disk and clock, external, site). To add a kind, write one
 * module in `kinds/` with `defineKind` and list it here; parsing, the JSON Schema and the
 * writer pick it up from its field declarations.
 */
import type { FaultKind } from './kind.ts';
import crash from './kinds/crash.ts';
import nicDown from './kinds/nic-down.ts';
import switchDown from './kinds/switch-down.ts';
import powerDown from './kinds/power-down.ts';
import diskFail from './kinds/disk-fail.ts';
import processCrash from './kinds/process-crash.ts';
import gracefulStop from './kinds/graceful-stop.ts';
import pause from './kinds/pause.ts';
import memoryLeak from './kinds/memory-leak.ts';
import deadlock from './kinds/deadlock.ts';
import configError from './kinds/config-error.ts';
import linkDown from './kinds/link-down.ts';
import partition from './kinds/partition.ts';
import latency from './kinds/latency.ts';
import loss from './kinds/loss.ts';
import duplicate from './kinds/duplicate.ts';
import diskFull from './kinds/disk-full.ts';
import diskSlow from './kinds/disk-slow.ts';
import clockSkew from './kinds/clock-skew.ts';
import clockJump from './kinds/clock-jump.ts';
import clockDrift from './kinds/clock-drift.ts';
import exchangeDisconnect from './kinds/exchange-disconnect.ts';
import feedDown from './kinds/feed-down.ts';
import marketClose from './kinds/market-close.ts';
import dcDown from './kinds/dc-down.ts';

export const FAULT_KINDS: readonly FaultKind[] = [
  // hardware
  crash, nicDown, switchDown, powerDown, diskFail,
  // software
  processCrash, gracefulStop, pause, memoryLeak, deadlock, configError,
  // network
  linkDown, partition, latency, loss, duplicate,
  // disk and clock
  diskFull, diskSlow, clockSkew, clockJump, clockDrift,
  // external
  exchangeDisconnect, feedDown, marketClose,
  // site (a cross-DC partition is a `partition` of dc: groups)
  dcDown,
];

const byName = new Map(FAULT_KINDS.map((k) => [k.kind, k]));

export function faultKind(name: string): FaultKind | undefined {
  return byName.get(name);
}

export function faultKindNames(): string[] {
  return FAULT_KINDS.map((k) => k.kind);
}
