/**
 * Flag parsing shared by the commands: seeds, `--set` pairs, output targets. Every bad value is
 * an InputError naming the flag.
 */
import { InputError } from '../sim/input-error.ts';
import { CLIENT_SESSIONS, type ClientSession } from '../world/client.ts';

export function parseSeed(raw: string, flag = '--seed'): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new InputError(flag, '', 'a non-negative integer seed', JSON.stringify(raw));
  return n;
}

/** commander collector for repeatable flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--client-session`: what a client counts as an ack (see world/client.ts); default reconnect. */
export function parseClientSession(raw: string | undefined, flag = '--client-session'): ClientSession {
  if (raw === undefined) return 'reconnect';
  if ((CLIENT_SESSIONS as readonly string[]).includes(raw)) return raw as ClientSession;
  throw new InputError(flag, '', `one of ${CLIENT_SESSIONS.join(', ')}`, JSON.stringify(raw));
}
