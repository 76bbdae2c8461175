/**
 * A design parameter refused as a user would see it: `resolveParams` throws an InputError whose
 * message names the parameter and fits on one line. Shared by the knob tests of every design.
 */
import { expect } from 'vitest';
import { InputError } from '../../src/sim/input-error.ts';
import { resolveParams } from '../../src/world/params.ts';
import type { Design } from '../../src/world/design.ts';

export function expectParamRefused(design: Design, name: string, value: string): void {
  let error: unknown;
  try {
    resolveParams(design, { [name]: value });
  } catch (e) {
    error = e;
  }
  expect(error, `${name}=${value}`).toBeInstanceOf(InputError);
  expect((error as Error).message).toContain(name);
  expect((error as Error).message).not.toContain('\n');
}
