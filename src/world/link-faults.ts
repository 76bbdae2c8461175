/**
 * The network's fault state: NICs and switches down, one-way cuts between endpoints, and the
 * time-limited impairments (random loss, added latency, duplicates) on an endpoint's traffic.
 * Kept as counters, so overlapping faults compose and each heals its own part. The delivery
 * path (network.ts) asks it whether a path is up and draws the impairments' dice from it.
 */
import type { Sampler } from '../sim/distributions.ts';
import type { Rng } from '../sim/rng.ts';
import type { Attachment } from './packet.ts';

/** A time-limited impairment on one endpoint's traffic (both directions). */
export interface Impairment {
  endpoint: string;
  extraLatency?: Sampler;
  lossProbability?: number;
  duplicateProbability?: number;
}

export class LinkFaults {
  private readonly nicDownCount: number[] = [];
  private readonly switchDownCount = new Map<string, number>();
  /** cutCount[from * n + to] > 0: messages from -> to are dropped. */
  private cutCount = new Int32Array(0);
  /** How many endpoints are attached. */
  private n = 0;
  /** In force now: a new one is pushed; one that ends is filtered out into a new array. */
  impairments: Impairment[] = [];

  /** `rng`: the network's stream, from which the impairments draw. */
  constructor(private readonly rng: Rng) {}

  /** An endpoint was attached: there are `n` now (before any fault). */
  grow(n: number): void {
    this.nicDownCount.push(0);
    this.cutCount = new Int32Array(n * n);
    this.n = n;
  }

  /** Whether a message from `a` to `b` gets through its NICs, switches and cuts (ignoring random loss). */
  pathUp(a: Attachment, b: Attachment): boolean {
    if (this.nicDownCount[a.index] !== 0 || this.nicDownCount[b.index] !== 0) return false;
    if (this.cutCount[a.index * this.n + b.index] !== 0) return false;
    if (this.switchDownCount.size !== 0 && (this.switchDownCount.get(a.switchId) || this.switchDownCount.get(b.switchId))) return false;
    return true;
  }

  /** Whether `a`'s NIC has carrier: its own NIC works and its access switch is up. */
  carrier(a: Attachment): boolean {
    return !this.nicDownCount[a.index] && !this.switchDownCount.get(a.switchId);
  }

  nicDown(index: number): void {
    this.nicDownCount[index]++;
  }

  nicUp(index: number): void {
    if (this.nicDownCount[index] > 0) this.nicDownCount[index]--;
  }

  switchDown(switchId: string): void {
    this.switchDownCount.set(switchId, (this.switchDownCount.get(switchId) ?? 0) + 1);
  }

  switchUp(switchId: string): void {
    const n = (this.switchDownCount.get(switchId) ?? 0) - 1;
    if (n > 0) this.switchDownCount.set(switchId, n);
    else this.switchDownCount.delete(switchId);
  }

  /** Drops every message from endpoint index `from` to `to` (one direction) until `uncut`. */
  cut(from: number, to: number): void {
    this.cutCount[from * this.n + to]++;
  }

  uncut(from: number, to: number): void {
    const k = from * this.n + to;
    if (this.cutCount[k] > 0) this.cutCount[k]--;
  }

  impair(impairment: Impairment): void {
    this.impairments.push(impairment);
  }

  unimpair(impairment: Impairment): void {
    this.impairments = this.impairments.filter((i) => i !== impairment);
  }

  /** Whether an impairment on either end loses a message from `from` to `to` (one draw per lossy impairment, until one loses it). */
  lost(from: string, to: string): boolean {
    if (!this.impairments.length) return false;
    for (const imp of this.impairments) {
      if (imp.lossProbability && (imp.endpoint === from || imp.endpoint === to) && this.rng.chance(imp.lossProbability)) return true;
    }
    return false;
  }

  /** Whether an impairment on either end duplicates a message from `from` to `to`. */
  duplicated(from: string, to: string): boolean {
    for (const imp of this.impairments) {
      if (imp.duplicateProbability && (imp.endpoint === from || imp.endpoint === to) && this.rng.chance(imp.duplicateProbability)) return true;
    }
    return false;
  }

  /** The latency the impairments on either end add to a message from `from` to `to` (µs). */
  extraLatency(from: string, to: string): number {
    let extra = 0;
    for (const imp of this.impairments) {
      if (imp.extraLatency && (imp.endpoint === from || imp.endpoint === to)) extra += imp.extraLatency(this.rng);
    }
    return extra;
  }
}
