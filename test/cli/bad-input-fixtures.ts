/**
 * The files the bad-input table needs, written to a temporary folder: broken designs (no
 * nodes, duplicate ids, routing to unknown nodes, bad parameter declarations...), broken
 * schedules, profiles and reliability files, a result file that is not one, a directory and
 * a regular file to aim output flags at.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const design = (topology: string, extra = '') => `export default {
  name: 'fixture', description: 'a broken design', params: {${extra}},
  topology: () => (${topology}),
  createNode: () => ({}),
};
`;
const ROUTE = "routing: { kind: 'direct', targets: ['a'] }";

export const DESIGNS: Record<string, string> = {
  'no-nodes.mjs': design(`{ nodes: [], ${ROUTE} }`),
  'dup-ids.mjs': design(`{ nodes: [{ id: 'a' }, { id: 'a' }], ${ROUTE} }`),
  'route-unknown.mjs': design("{ nodes: [{ id: 'a' }], routing: { kind: 'direct', targets: ['a', 'zz'] } }"),
  'route-empty.mjs': design("{ nodes: [{ id: 'a' }], routing: { kind: 'direct', targets: [] } }"),
  'route-kind.mjs': design("{ nodes: [{ id: 'a' }], routing: { kind: 'anycast', targets: ['a'] } }"),
  'dns-unknown.mjs': design("{ nodes: [{ id: 'a' }], routing: { kind: 'dns', initial: 'b', ttl: 1000, clientMinCache: 0 } }"),
  'lb-threshold.mjs': design("{ nodes: [{ id: 'a' }], routing: { kind: 'lb', targets: ['a'], healthCheckInterval: 1000, healthCheckTimeout: 1000, unhealthyThreshold: 0, healthyThreshold: 1 } }"),
  'reserved-id.mjs': design(`{ nodes: [{ id: 'exchange' }], routing: { kind: 'direct', targets: ['exchange'] } }`),
  'client-id.mjs': design(`{ nodes: [{ id: 'client:1' }], routing: { kind: 'direct', targets: ['client:1'] } }`),
  'empty-id.mjs': design(`{ nodes: [{ id: '' }], ${ROUTE} }`),
  'none-serving.mjs': design(`{ nodes: [{ id: 'a', serving: false }], ${ROUTE} }`),
  'neg-restart.mjs': design(`{ nodes: [{ id: 'a', supervisedRestart: -5 }], ${ROUTE} }`),
  'no-routing.mjs': design(`{ nodes: [{ id: 'a' }] }`),
  'topology-null.mjs': design('null'),
  'topology-throws.mjs': `export default { name: 'x', description: '', params: {}, topology: () => { throw new Error('boom in topology'); }, createNode: () => ({}) };\n`,
  'bad-param-kind.mjs': design(`{ nodes: [{ id: 'a' }], ${ROUTE} }`, "x: { kind: 'colour', default: 'red', doc: '', source: '' }"),
  'bad-param-default.mjs': design(`{ nodes: [{ id: 'a' }], ${ROUTE} }`, "x: { kind: 'duration', default: 'soon', doc: '', source: '' }"),
  'bad-enum.mjs': design(`{ nodes: [{ id: 'a' }], ${ROUTE} }`, "x: { kind: 'enum', default: 'a', values: [], doc: '', source: '' }"),
  'no-name.mjs': `export default { description: '', params: {}, topology: () => ({ nodes: [{ id: 'a' }], ${ROUTE} }), createNode: () => ({}) };\n`,
  'params-list.mjs': `export default { name: 'x', description: '', params: [], topology: () => ({ nodes: [{ id: 'a' }], ${ROUTE} }), createNode: () => ({}) };\n`,
  'not-design.mjs': 'export default 42;\n',
  'no-default.mjs': 'export const design = {};\n',
  'throws-at-import.mjs': "throw new Error('the design exploded at import');\n",
  'missing-package.mjs': "import { defineDesign } from 'hasim-not-installed-anywhere';\nexport default defineDesign({});\n",
};

const schedule = (faults: string, head = 'duration: 10s') => `${head}\nfaults:\n${faults}\n`;

export const SCHEDULES: Record<string, string> = {
  'overlap-ab-b.yaml': schedule('  - { at: 1s, kind: partition, groups: [[a, b], [b]], for: 2s }'),
  'overlap-primary.yaml': schedule('  - { at: 1s, kind: partition, groups: [[primary], [primary]], for: 2s }'),
  'others-twice.yaml': schedule('  - { at: 1s, kind: partition, groups: [[others], [others]], for: 2s }'),
  'one-group.yaml': schedule('  - { at: 1s, kind: partition, groups: [[a]], for: 2s }'),
  'empty-group.yaml': schedule('  - { at: 1s, kind: partition, groups: [[a], []], for: 2s }'),
  'for-zero.yaml': schedule('  - { at: 1s, kind: crash, target: a, for: 0s }'),
  'for-beyond.yaml': schedule('  - { at: 5s, kind: crash, target: a, for: 20s }'),
  'for-negative.yaml': schedule('  - { at: 1s, kind: crash, target: a, for: -2s }'),
  'for-number.yaml': schedule('  - { at: 1s, kind: crash, target: a, for: 5 }'),
  'duration-100y.yaml': schedule('  []', 'duration: 100y'),
  'duration-huge.yaml': schedule('  []', 'duration: 99999999999y'),
  'duration-2d.yaml': schedule('  []', 'duration: 2d'),
  'settle-100y.yaml': schedule('  []', 'duration: 10s\nsettle: 100y'),
  'duration-zero.yaml': schedule('  []', 'duration: 0s'),
  'duration-missing.yaml': 'faults: []\n',
  'duration-unitless.yaml': schedule('  []', 'duration: 10'),
  'at-beyond.yaml': schedule('  - { at: 20s, kind: crash, target: a }'),
  'at-missing.yaml': schedule('  - { kind: crash, target: a }'),
  'at-negative.yaml': schedule('  - { at: -1s, kind: crash, target: a }'),
  'kind-unknown.yaml': schedule('  - { at: 1s, kind: meteor, target: a }'),
  'kind-missing.yaml': schedule('  - { at: 1s, target: a }'),
  'field-unknown.yaml': schedule('  - { at: 1s, kind: crash, target: a, colour: red }'),
  'target-missing.yaml': schedule('  - { at: 1s, kind: crash }'),
  'target-unknown.yaml': schedule('  - { at: 1s, kind: crash, target: nosuchnode }'),
  'target-rack-unknown.yaml': schedule('  - { at: 1s, kind: crash, target: "rack:nowhere" }'),
  'target-bad-prefix.yaml': schedule('  - { at: 1s, kind: crash, target: "shelf:1" }'),
  'loss-probability.yaml': schedule('  - { at: 1s, kind: loss, target: a, probability: 2 }'),
  'latency-missing.yaml': schedule('  - { at: 1s, kind: latency, target: a }'),
  'clock-jump-bad.yaml': schedule('  - { at: 1s, kind: clock-jump, target: a, by: soon }'),
  'config-error-unknown.yaml': schedule('  - { at: 1s, kind: config-error, target: a, set: { nosuch: 1 } }'),
  'top-unknown.yaml': schedule('  []', 'duration: 10s\ncolour: red'),
  'faults-mapping.yaml': 'duration: 10s\nfaults: { a: 1 }\n',
  'fault-scalar.yaml': schedule('  - crash'),
  'root-list.yaml': '- 1\n- 2\n',
  'root-scalar.yaml': 'hello\n',
  'empty.yaml': '',
  'bad-yaml.yaml': 'duration: 10s\nfaults: [ { at: 1s\n',
  'duplicate-key.yaml': 'duration: 10s\nduration: 20s\nfaults: []\n',
  'name-number.yaml': schedule('  []', 'duration: 10s\nname: 42'),
  'description-list.yaml': schedule('  []', 'duration: 10s\ndescription: [a]'),
};

export const PROFILES: Record<string, string> = {
  'profile-empty.yaml': '',
  'profile-no-faults.yaml': 'name: p\nduration: 10s\n',
  'profile-bad-kind.yaml': 'name: p\nduration: 10s\nfaults:\n  - { kind: meteor, ratePerMinute: 1, for: 1s }\n',
  'profile-huge.yaml': 'name: p\nduration: 100y\nfaults:\n  - { kind: crash, ratePerMinute: 1, for: 1s, targets: [primary] }\n',
};

export const RELIABILITY: Record<string, string> = {
  'rel-empty.yaml': '',
  'rel-bad-mttf.yaml': 'name: r\ncomponents:\n  server: { mttf: soon, mttr: 10h }\n',
  'rel-unknown.yaml': 'name: r\ncolour: red\ncomponents:\n  server: { mttf: 1000h, mttr: 10h }\n',
};

export const OTHER: Record<string, string> = {
  'not-json.json': 'this is not JSON\n',
  'not-campaign.json': '{ "hello": 1 }\n',
  'plain.txt': 'a regular file\n',
};

/** Writes every fixture; returns the folder (with `outdir/`, an existing directory). */
export function writeFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hasim-bad-input-'));
  for (const files of [DESIGNS, SCHEDULES, PROFILES, RELIABILITY, OTHER]) {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'outdir'));
  return dir;
}
