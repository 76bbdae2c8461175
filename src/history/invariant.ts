/**
 * What an invariant is: a named property of a run's history that must hold, and a check that
 * returns every place it does not. The type lives with the history, the only thing a check may
 * read, so a design file (world layer) can declare its own invariants next to its topology;
 * the built-in ones and the checking are in `check/`.
 */
import type { Micros } from '../sim/time.ts';
import type { History } from './history.ts';

/** One place where an invariant does not hold. */
export interface Violation {
  /** The invariant's name, e.g. `single-primary`. */
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
