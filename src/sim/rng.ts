/**
 * Seeded randomness. A run has one root seed; every consumer draws from its own named stream
 * derived from (seed, name), e.g. `net`, `fault`, `client:1`, `node:a`, so adding a node or a
 * fault kind does not perturb the other streams. The generator is seedrandom's Alea (fast,
 * 32-bit state mixing, identical on every platform).
 */
import seedrandom from 'seedrandom';
import { standardExponential } from './exponential.ts';

export class Rng {
  private readonly draw: () => number;
  private spareGaussian: number | undefined;

  constructor(readonly seed: string) {
    this.draw = seedrandom.alea(seed);
  }

  /** Derives the stream `name` of the run seeded with `rootSeed`. */
  static stream(rootSeed: number | string, name: string): Rng {
    return new Rng(`${rootSeed}/${name}`);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.draw();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.draw() * n);
  }

  /** Uniform integer in [min, max] inclusive. */
  between(min: number, max: number): number {
    return min + Math.floor(this.draw() * (max - min + 1));
  }

  /** An exponential draw of mean 1 (exact, by the ziggurat: exponential.ts). */
  exponential(): number {
    return standardExponential(this);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.draw() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick from an empty list');
    return items[this.int(items.length)];
  }

  /** A standard normal draw (Box-Muller: two uniforms give two normals; the second is kept). */
  gaussian(): number {
    if (this.spareGaussian !== undefined) {
      const spare = this.spareGaussian;
      this.spareGaussian = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.draw()));
    const angle = 2 * Math.PI * this.draw();
    this.spareGaussian = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}
