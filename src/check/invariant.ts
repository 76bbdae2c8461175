/**
 * What an invariant is: a named property of a run's history that must hold, and a check that
 * returns every place it does not. Invariants read only the `History` (never a model's
 * internals), so every design gets all of them for free. `index.ts` keeps the registry.
 */
import type { Micros } from '../sim/time.ts';
import type { History } from '../history/history.ts';

/** One place where an invariant does not hold. */
export interface Violation {
  /** The invariant's registered name, e.g. `single-primary`. */
  invariant: string;
  /** The first virtual instant at which the property was broken. */
  time: Micros;
  /** What broke, for people: names nodes, epochs, order ids and instants. */
  detail: string;
}

/** A property of a run. `check` is a pure function of the history. */
export interface Invariant {
  /** Short kebab-case name, used to select it (`--invariants single-primary,recovery`). */
  name: string;
  /** One sentence saying what must hold. */
  description: string;
  /** Every violation found, in any order (`checkAll` sorts). */
  check(history: History): Violation[];
}
