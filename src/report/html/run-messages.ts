/**
 * The message windows of the HTML report's Lamport diagram: short stretches of virtual time
 * whose every network message (heartbeats, replication, votes, fencing, orders) is embedded in
 * the page, with its sender, receiver, send time and arrival (or loss).
 *
 * A whole run's messages would not fit (a 10-minute run of a 5-node Raft cluster sends over a
 * million), so the page carries windows around what a reader will want to see: the windows
 * asked for (`--html-window`), then the first violation, the first fault, the other
 * violations and faults, and failovers, in that order, at most `MAX_WINDOWS`. A window starts
 * 2 s wide (a quarter before its instant, the rest after) and halves until it holds at most
 * `MAX_WINDOW_MESSAGES`; an instant already inside a window gets none of its own.
 */
import { instantS } from '../format.ts';
import type { Micros } from '../../sim/time.ts';
import { MessageFate, type MessageLog } from '../../world/message-log.ts';

export interface MessageWindow {
  /** For the window picker: `first violation: single-primary at 31.004s`. */
  label: string;
  startUs: Micros;
  endUs: Micros;
  /** The instant the window is about (the diagram opens zoomed in around it). */
  focusUs: Micros;
  /**
   * `[sentUs - startUs, endUs - sentUs, from, to, type, fate]` sextuples, flattened, in send
   * order: `from`/`to` index `MessageData.endpoints`, `type` indexes `types`, `fate` is a
   * `MessageFate` (0 delivered, 1 dropped when sent, 2 lost in flight).
   */
  messages: number[];
  /** Messages of the window left out because it holds more than the cap. */
  omitted: number;
}

export interface MessageData {
  /** Lanes of the diagram: the design's nodes first, then the other endpoints that talk. */
  endpoints: string[];
  types: { name: string; category: MessageCategory }[];
  windows: MessageWindow[];
}

/** Where the diagram should look, most important first. */
export interface Focus {
  timeUs: Micros;
  label: string;
}

export type MessageCategory = 'heartbeat' | 'replication' | 'vote' | 'fencing' | 'order' | 'other';

export const MAX_WINDOWS = 8;
export const MAX_WINDOW_MESSAGES = 4000;
/** A chosen window may hold more: the reader asked for it. */
export const MAX_CHOSEN_MESSAGES = 20000;
const INITIAL_SPAN: Micros = 2_000_000;
const MIN_SPAN: Micros = 1_000;

export function messageData(log: MessageLog, nodes: string[], endAt: Micros, chosen: { startUs: Micros; endUs: Micros }[], focus: Focus[]): MessageData {
  const picked: { label: string; startUs: Micros; endUs: Micros; focusUs: Micros; cap: number }[] = [];
  for (const w of chosen.slice(0, MAX_WINDOWS)) {
    const startUs = Math.max(0, Math.min(w.startUs, endAt));
    picked.push({ label: `chosen: ${seconds(w.startUs)} to ${seconds(w.endUs)}`, startUs, endUs: Math.max(startUs, Math.min(endAt, w.endUs)), focusUs: startUs, cap: MAX_CHOSEN_MESSAGES });
  }
  for (const f of focus) {
    if (picked.length >= MAX_WINDOWS) break;
    if (picked.some((w) => f.timeUs >= w.startUs && f.timeUs <= w.endUs)) continue;
    picked.push({ label: f.label, ...windowAround(log, f.timeUs, endAt), focusUs: f.timeUs, cap: MAX_WINDOW_MESSAGES });
  }

  const endpointIndex = new Map<string, number>();
  const typeIndex = new Map<string, number>();
  const intern = (map: Map<string, number>, name: string) => {
    let i = map.get(name);
    if (i === undefined) map.set(name, (i = map.size));
    return i;
  };
  const windows = picked.map((w) => {
    const indices = log.between(w.startUs, w.endUs);
    const messages: number[] = [];
    for (const i of indices.slice(0, w.cap)) {
      const m = log.entry(i);
      messages.push(m.sentAt - w.startUs, m.endAt - m.sentAt, intern(endpointIndex, m.from), intern(endpointIndex, m.to), intern(typeIndex, m.type), m.fate);
    }
    return { label: w.label, startUs: w.startUs, endUs: w.endUs, focusUs: w.focusUs, messages, omitted: Math.max(0, indices.length - w.cap) };
  });

  // Lanes in a reading order: nodes as the design declares them, the exchange, clients, the rest.
  const others = [...endpointIndex.keys()].filter((e) => !nodes.includes(e)).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const endpoints = [...nodes, ...others];
  const remap = [...endpointIndex.keys()].map((name) => endpoints.indexOf(name));
  for (const w of windows) {
    for (let k = 0; k < w.messages.length; k += 6) {
      w.messages[k + 2] = remap[w.messages[k + 2]];
      w.messages[k + 3] = remap[w.messages[k + 3]];
    }
  }
  const types = [...typeIndex.keys()].map((name) => ({ name, category: categoryOf(name) }));
  return { endpoints, types, windows };
}

/** A window around `t` holding at most `MAX_WINDOW_MESSAGES`, within [0, endAt]. */
function windowAround(log: MessageLog, t: Micros, endAt: Micros): { startUs: Micros; endUs: Micros } {
  let span = INITIAL_SPAN;
  for (;;) {
    const startUs = Math.max(0, Math.round(t - span / 4));
    const endUs = Math.min(endAt, Math.round(t + (3 * span) / 4));
    if (span <= MIN_SPAN || log.countBetween(startUs, endUs) <= MAX_WINDOW_MESSAGES) return { startUs, endUs };
    span /= 2;
  }
}

function rank(endpoint: string): number {
  if (endpoint === 'exchange') return 0;
  if (endpoint.startsWith('client')) return 1;
  return 2;
}

/** The diagram colours messages by what they do, guessed from their type's name. */
export function categoryOf(type: string): MessageCategory {
  const t = type.toLowerCase();
  if (/vote|elect|candidate|campaign|prevote/.test(t)) return 'vote';
  if (/fence|stonith|ipmi|power|shoot|token|lock/.test(t)) return 'fencing';
  if (/heart|hb|ping|pong|advert|vrrp|keepalive|alive|lease|probe|health|beat/.test(t)) return 'heartbeat';
  if (/append|repl|wal|log|sync|entries|snapshot|resync|commit|apply|stream/.test(t)) return 'replication';
  if (/order|ack|reject|submit|exchange|client|redirect/.test(t)) return 'order';
  return 'other';
}

const seconds = instantS;

export { MessageFate };
