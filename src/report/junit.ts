/**
 * JUnit XML for CI (GitLab, Jenkins, GitHub test reporters): one `<testsuite>` per design and
 * one `<testcase>` per (design, invariant); a failing invariant's testcase carries a
 * `<failure>` listing its failing seeds with the replay commands. Runs that broke rather than
 * violated an invariant (`model-error`, `worker-died`, `determinism`) get testcases too.
 * Text is escaped for XML, and characters XML 1.0 forbids are dropped.
 */
import type { CampaignFile, DesignReport } from './campaign-json.ts';

export function junitXml(file: CampaignFile): string {
  const suites = file.designs.map((d) => suite(d, file));
  const tests = file.designs.reduce((n, d) => n + Object.keys(d.violations).length, 0);
  const failures = file.designs.reduce((n, d) => n + Object.values(d.violations).filter((v) => v > 0).length, 0);
  const seconds = (file.elapsedMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hasim ${attr(file.kind)}" tests="${tests}" failures="${failures}" errors="0" time="${seconds}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(d: DesignReport, file: CampaignFile): string {
  const names = Object.keys(d.violations);
  const failed = names.filter((n) => d.violations[n] > 0).length;
  const p = file.plan;
  const properties = [
    ['design', d.design],
    ['seeds', `${p.seed}..${p.seed + p.runs - 1}`],
    ['runs', String(d.runs)],
    [p.schedules.length ? 'schedules' : 'profile', p.schedules.length ? p.schedules.join(',') : String(p.profile)],
    ...(p.shard ? [['shard', p.shard]] : []),
    ...Object.entries(d.params).map(([k, v]) => [`param.${k}`, v]),
    ['hasim', file.hasim],
  ];
  const lines = [`  <testsuite name="${attr(d.label)}" tests="${names.length}" failures="${failed}" errors="0" skipped="0">`, '    <properties>'];
  for (const [name, value] of properties) lines.push(`      <property name="${attr(name)}" value="${attr(value)}"/>`);
  lines.push('    </properties>');
  for (const name of names) {
    const count = d.violations[name];
    const open = `    <testcase classname="hasim.${attr(d.label)}" name="${attr(name)}" time="0"`;
    if (count === 0) {
      lines.push(`${open}/>`);
      continue;
    }
    const seeds = d.failures.filter((f) => f.invariants.includes(name));
    const body = seeds.map((f) => `seed ${f.seed}: ${f.invariant === name ? f.detail : `(also ${f.invariant})`}\n  replay: ${f.replay}`).join('\n');
    const more = count > seeds.length ? `\n... and ${count - seeds.length} more failing runs` : '';
    lines.push(`${open}>`);
    lines.push(`      <failure message="${attr(`${count} of ${d.runs} runs violated ${name}`)}" type="${attr(name)}">${text(body + more)}</failure>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines.join('\n');
}

// XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const INVALID = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes character data. */
export function text(s: string): string {
  return s.replace(INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (double-quoted); newlines kept as character references. */
export function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
