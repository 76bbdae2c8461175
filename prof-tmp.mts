import { estimate } from './src/estimate/estimate.ts';
import { loadReliability } from './src/estimate/reliability.ts';
const t = performance.now();
const r = await estimate({ designs: ['single', 'hot-standby-stonith'], reliability: loadReliability('scenarios/reliability/exponential-simple.yaml'), years: 1000, workers: 2, simulations: 300, seed: 1 });
console.log(JSON.stringify(r.map(x => ({...x, classes: x.classes.slice(0,5)})), null, 1));
console.log((performance.now()-t).toFixed(0), 'ms');
