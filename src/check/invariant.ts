/**
 * The invariant and violation types, for the checkers in this folder. They are defined with
 * the history (`history/invariant.ts`) so design files can declare invariants of their own.
 */
export type { Invariant, Violation } from '../history/invariant.ts';
