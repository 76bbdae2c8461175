/**
 * The stationary distribution of a small continuous-time Markov chain: solve pi Q = 0 with
 * sum(pi) = 1. Up to `DENSE_LIMIT` states by Gaussian elimination with partial pivoting on the
 * transposed generator, one balance equation replaced by the normalisation (exact up to
 * rounding); above it by Gauss-Seidel sweeps over the sparse transitions until the largest
 * relative change falls below 1e-13.
 *
 * ```ts
 * // one unit, failure rate 1, repair rate 99: pi = [0.99, 0.01]
 * stationary(2, [{ from: 0, to: 1, rate: 1 }, { from: 1, to: 0, rate: 99 }]);
 * ```
 */

export interface Transition {
  from: number;
  to: number;
  rate: number;
}

export const DENSE_LIMIT = 1500;

export function stationary(states: number, transitions: readonly Transition[]): Float64Array {
  if (states === 1) return Float64Array.of(1);
  return states <= DENSE_LIMIT ? dense(states, transitions) : gaussSeidel(states, transitions);
}

function dense(n: number, transitions: readonly Transition[]): Float64Array {
  // A = Q^T (row j: inflow to j minus outflow of j), last row replaced by all ones
  const a = new Float64Array(n * n);
  for (const t of transitions) {
    if (t.from === t.to || t.rate === 0) continue;
    a[t.to * n + t.from] += t.rate;
    a[t.from * n + t.from] -= t.rate;
  }
  const b = new Float64Array(n);
  for (let j = 0; j < n; j++) a[(n - 1) * n + j] = 1;
  b[n - 1] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) pivot = r;
    if (a[pivot * n + col] === 0) throw new Error('singular generator: the chain is not irreducible');
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        const x = a[col * n + j];
        a[col * n + j] = a[pivot * n + j];
        a[pivot * n + j] = x;
      }
      const y = b[col];
      b[col] = b[pivot];
      b[pivot] = y;
    }
    const d = a[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) a[r * n + j] -= f * a[col * n + j];
      b[r] -= f * b[col];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < n; j++) s -= a[r * n + j] * x[j];
    x[r] = s / a[r * n + r];
  }
  return x;
}

function gaussSeidel(n: number, transitions: readonly Transition[]): Float64Array {
  const outRate = new Float64Array(n);
  const inCount = new Int32Array(n + 1);
  for (const t of transitions) {
    if (t.from === t.to) continue;
    outRate[t.from] += t.rate;
    inCount[t.to + 1]++;
  }
  for (let i = 0; i < n; i++) inCount[i + 1] += inCount[i];
  const inFrom = new Int32Array(inCount[n]);
  const inRate = new Float64Array(inCount[n]);
  const fill = inCount.slice(0, n);
  for (const t of transitions) {
    if (t.from === t.to) continue;
    const k = fill[t.to]++;
    inFrom[k] = t.from;
    inRate[k] = t.rate;
  }
  const pi = new Float64Array(n).fill(1 / n);
  for (let sweep = 0; sweep < 100_000; sweep++) {
    let change = 0;
    let total = 0;
    for (let j = 0; j < n; j++) {
      let inflow = 0;
      for (let k = inCount[j]; k < inCount[j + 1]; k++) inflow += pi[inFrom[k]] * inRate[k];
      const next = inflow / outRate[j];
      if (next > 0) change = Math.max(change, Math.abs(next - pi[j]) / next);
      pi[j] = next;
      total += next;
    }
    for (let j = 0; j < n; j++) pi[j] /= total;
    if (change < 1e-13) return pi;
  }
  throw new Error(`Gauss-Seidel did not converge on a chain of ${n} states`);
}
