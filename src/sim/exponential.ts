/**
 * Exponential draws by the ziggurat method (Marsaglia & Tsang 2000, "The Ziggurat Method for
 * Generating Random Variables", J. Stat. Softw. 5(8)): exact, and about 99 % of draws cost one
 * uniform, a table lookup, a multiplication and a comparison, where inversion, -ln(1 - u), pays
 * a logarithm on every draw. Every message's latency in an exponential-latency network is one
 * draw, so the logarithm was ~10 % of such a run. (The clients' Poisson gaps keep inversion,
 * `world/client.ts`: switching them gained nothing measurable and would move every golden hash.)
 *
 * The area under f(x) = e^-x is cut into N = 256 horizontal layers of equal area v:
 *
 *     1 ┤▔▔▔▔╲            layer N-1: [0, x[N-1]] × [f(x[N-1]), 1]
 *       │     ╲            ...
 *       ├──────╲           layer i:   [0, x[i]] × [f(x[i]), f(x[i+1])]
 *       ├───────╲__        ...
 *  f(r) ├──────────╲___┊   layer 0:   [0, r] × [0, f(r)] plus the tail beyond r, drawn as a
 *     0 └──────────────┴── x           rectangle of width x[0] = v / f(r)
 *       0      x[i+1] x[i]  r
 *
 * A draw picks a layer at random (each has area v) and a point uniformly across its width. Left
 * of x[i+1] the point lies under the curve for sure: x is returned (the fast path). Otherwise it
 * lies in the layer's wedge, and is kept if a uniform height under the layer's top falls under
 * f(x) (rejection), or, in layer 0, it stands for the tail beyond r, which for the exponential is
 * r plus another exponential draw (memorylessness): the tail is exact and unbounded. Either way
 * the accepted point is uniform under the curve, so x has density e^-x exactly (up to the
 * uniforms' resolution: the position within a layer has 2^24 steps).
 *
 * The tables are computed here at load from these definitions; r is the root of "the top layer
 * has area v" (bisection), and comes out as the paper's r = 7.69711747013104972.
 *
 * Bits: one uniform of the simulator's stream (Alea: 32 bits, u * 2^32 an integer) gives the
 * layer from its low 8 bits and the position from its high 24 bits, so the two are independent
 * (the paper's 32-bit integer used the same bits for both).
 */

/** Layers of the ziggurat. */
const LAYERS = 256;
/** Steps of the position within a layer (the uniform's high 24 bits). */
const POSITION_STEPS = 1 << 24;
const TWO_POW_32 = 4294967296;

/**
 * The layers' edges for a base-strip edge r: x[0] = v/f(r), x[1] = r, x[i+1] = f^-1(f(x[i]) + v/x[i]),
 * with v = (r + 1) e^-r the area of layer 0 (the rectangle [0, r] × [0, f(r)] plus the tail).
 * Returns how far past 1 the top layer's upper edge lands (negative: short of it), and the edges.
 */
function layersFor(r: number): { overshoot: number; x: Float64Array; area: number } {
  const area = (r + 1) * Math.exp(-r);
  const x = new Float64Array(LAYERS + 1);
  x[0] = area / Math.exp(-r);
  x[1] = r;
  let top = Math.exp(-r);
  for (let i = 1; i < LAYERS - 1; i++) {
    top += area / x[i];
    if (top >= 1) return { overshoot: 1, x, area }; // the layers reach the peak too early: r too small
    x[i + 1] = -Math.log(top);
  }
  // x[LAYERS] = 0: the top layer's upper edge is the peak f(0) = 1 exactly when r is right
  return { overshoot: top + area / x[LAYERS - 1] - 1, x, area };
}

/** r: the base strip's edge that makes the N layers exactly fill the curve (bisection). */
function solveBaseEdge(): number {
  let lo = 5; // overshoots (layers too large)
  let hi = 10; // falls short
  for (let k = 0; k < 200 && hi - lo > 1e-15 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (layersFor(mid).overshoot > 0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The base strip's edge r: beyond it lies the tail. */
export const ZIGGURAT_R = solveBaseEdge();
const TABLES = layersFor(ZIGGURAT_R);
/**
 * Each layer's area v. N·v is more than the area under the curve (1) by the wedges' area above
 * it: 1/(N·v) ≈ 98.9 % of draws are accepted at the first try.
 */
export const ZIGGURAT_AREA = TABLES.area;
/** Layer edges x[0..N]: layer i spans [0, x[i]]; x[N] = 0. */
export const ZIGGURAT_X: Float64Array = TABLES.x;
/** f(x[i]) = e^-x[i], with f(x[N]) = 1. */
const HEIGHT = ZIGGURAT_X.map((x) => Math.exp(-x));
HEIGHT[LAYERS] = 1;
/** x[i] / 2^24: a layer's position step. */
const STEP = ZIGGURAT_X.map((x) => x / POSITION_STEPS);

/** A source of uniforms in [0, 1): the simulator's seeded stream (Rng). */
export interface Uniforms {
  float(): number;
}

/**
 * A draw from the exponential distribution of mean 1, from the uniforms of `source`. One
 * uniform per draw ~99 % of the time, two or more otherwise.
 */
export function standardExponential(source: Uniforms): number {
  let offset = 0;
  for (;;) {
    const bits = source.float() * TWO_POW_32;
    const layer = bits & (LAYERS - 1);
    const x = (bits >>> 8) * STEP[layer];
    if (x < ZIGGURAT_X[layer + 1]) return offset + x;
    if (layer === 0) {
      // the tail beyond r: r plus a fresh exponential
      offset += ZIGGURAT_R;
      continue;
    }
    // the wedge: keep x if a uniform height within the layer falls under the curve
    if (HEIGHT[layer] + source.float() * (HEIGHT[layer + 1] - HEIGHT[layer]) < Math.exp(-x)) return offset + x;
  }
}
