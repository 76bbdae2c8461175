/**
 * A calibration run ends by healing every fault, which the real harnesses never do: what
 * happens at the heal (a deadlock's watchdog kill) is no step of the experiment.
 */
import { describe, expect, it } from 'vitest';
import { experimentById } from '../../src/calibration/experiments.ts';
import { runTrial } from '../../src/calibration/run-experiment.ts';
import { loadDesign } from '../../src/campaign/catalog.ts';

describe('runTrial', () => {
  it("ignores what the run's closing heal causes: the hung check's watchdog kill is no client failure", async () => {
    const experiment = experimentById('keepalived--check-hang-weight-60')!;
    const design = await loadDesign(experiment.design);
    // seed 4: b takes over 5.19 s after the hang; cut at 5 s, the heal's kill of a's hung trading
    // service refuses the client's orders (not-primary, 5.05 s) before b has the VIP
    const cut = runTrial({ ...experiment, afterFaultMs: 5000 }, design, 4);
    expect(cut.steps.clientFirstFailed).toBeNull();
    expect(cut.steps.backupMaster).toBeNull();
    const whole = runTrial(experiment, design, 4);
    expect(whole.steps.backupMaster).toBeGreaterThan(5000);
    expect(whole.steps.clientFirstServed).toBeGreaterThan(5000);
  });
});
