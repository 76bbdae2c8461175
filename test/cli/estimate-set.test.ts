/**
 * `hasim estimate --set` reaches the incident simulations: a longer corosync token makes
 * hot-standby-stonith's failovers, and so its downtime, longer under the same drawn failures
 * (same seed); a parameter no estimated design has is refused before any work.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const ARGS = ['estimate', 'hot-standby-stonith', '--reliability', 'exponential-simple', '--years', '10', '--simulations', '12', '--workers', '0', '--json'];

async function downtime(...set: string[]): Promise<{ minutes: number; rtoP50: number }> {
  const r = await runCli([...ARGS, ...set]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const [design] = JSON.parse(r.stdout).designs;
  return { minutes: design.downtimeMinutesPerYear.mean, rtoP50: design.rto.p50 };
}

describe('estimate --set', () => {
  it('changes the estimate when the parameter matters (corosync token 3 s -> 20 s)', async () => {
    const base = await downtime();
    const slow = await downtime('--set', 'token=20s');
    expect(slow.rtoP50).toBeGreaterThan(base.rtoP50 + 10_000);
    expect(slow.minutes).toBeGreaterThan(base.minutes);
    // and the same flags give the same figures (the difference is the parameter's)
    expect(await downtime()).toEqual(base);
  });

  it('refuses a parameter no estimated design has, before any work', async () => {
    const r = await runCli([...ARGS, '--set', 'nosuch=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hasim: --set: nosuch: expected a parameter of at least one estimated design/);
  });
});
