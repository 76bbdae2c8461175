/**
 * Health-check hysteresis, as HAProxy (`rise`/`fall`), keepalived's `vrrp_script` and Route 53
 * (failure threshold) all do it: `fall` failed checks in a row mark a target down, `rise`
 * good checks in a row mark it up again; a single verdict against the trend changes nothing.
 */
export class RiseFall {
  /** The current verdict; targets start up. */
  up = true;
  /** Failed checks in a row (0 after a good one). */
  failures: number;
  /** Good checks in a row (0 after a failed one). */
  successes = 0;

  constructor(
    private readonly rise: number,
    private readonly fall: number,
    /** Failures already counted at start: `fall - 1` makes an unproven target go down on its first failure. */
    initialFailures = 0,
  ) {
    this.failures = initialFailures;
  }

  /** Records one check; returns the new verdict when it changed, undefined otherwise. */
  record(ok: boolean): boolean | undefined {
    if (ok) {
      this.failures = 0;
      this.successes++;
      if (!this.up && this.successes >= this.rise) return (this.up = true);
    } else {
      this.successes = 0;
      this.failures++;
      if (this.up && this.failures >= this.fall) return (this.up = false);
    }
    return undefined;
  }
}
