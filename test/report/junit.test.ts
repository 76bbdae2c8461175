/**
 * JUnit XML: well-formed (checked by a small parser: balanced elements, quoted attributes,
 * only the five entities and character references), one testcase per (design, invariant),
 * failures carrying seeds and replay commands, and hostile text escaped.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignFile, DesignReport } from '../../src/report/campaign-json.ts';
import { attr, junitXml, text } from '../../src/report/junit.ts';

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/** A minimal XML parser that throws on anything not well-formed. */
function parseXml(xml: string): Element {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const decode = (s: string) => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) fail(`bad character data ${JSON.stringify(s.slice(0, 40))}`);
    return s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) =>
      e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e],
    );
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  const element = (): Element => {
    const open = /^\s*<([A-Za-z_][\w.-]*)/.exec(xml.slice(i)) ?? fail('expected an element');
    i += open[0].length;
    const el: Element = { name: open[1], attrs: {}, children: [], text: '' };
    for (;;) {
      const a = /^\s+([A-Za-z_][\w.-]*)="([^"]*)"/.exec(xml.slice(i));
      if (!a) break;
      if (a[1] in el.attrs) fail('duplicate attribute');
      el.attrs[a[1]] = decode(a[2]);
      i += a[0].length;
    }
    const end = /^\s*(\/?)>/.exec(xml.slice(i)) ?? fail('expected > or />');
    i += end[0].length;
    if (end[1]) return el;
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) fail('unclosed element');
      el.text += decode(xml.slice(i, next));
      i = next;
      if (xml.startsWith('</', i)) {
        const close = new RegExp(`^</${el.name}\\s*>`).exec(xml.slice(i)) ?? fail(`expected </${el.name}>`);
        i += close[0].length;
        return el;
      }
      el.children.push(element());
    }
  };
  const root = element();
  if (xml.slice(i).trim() !== '') fail('content after the root element');
  return root;
}

const design = (label: string, violations: Record<string, number>, failures: Partial<DesignReport['failures'][number]>[] = []): DesignReport =>
  ({
    label,
    design: label,
    params: { 'odd"param': 'a<b' },
    runs: 10,
    failedRuns: failures.length,
    violations,
    failures: failures.map((f) => ({ seed: 1, invariant: 'single-primary', invariants: ['single-primary'], detail: '', replay: '', ...f })),
  }) as unknown as DesignReport;

const file = {
  kind: 'check',
  hasim: '0.1.0',
  elapsedMs: 1234,
  plan: { seed: 1, runs: 10, schedules: [], profile: 'random-default', shard: '1/2' },
  designs: [
    design('raft', { 'single-primary': 0, recovery: 0 }),
    design('naive <&> "quoted"', { 'single-primary': 2, recovery: 0 }, [
      { seed: 7, detail: 'a & b both primary <at> 1s\u0007', replay: "hasim replay naive --seed 7 --set 'x=<y>'" },
      { seed: 9, detail: ']]> end', replay: 'hasim replay naive --seed 9' },
    ]),
  ],
} as unknown as CampaignFile;

describe('junitXml', () => {
  it('is well-formed XML with one testcase per design and invariant', () => {
    const root = parseXml(junitXml(file));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '4', failures: '1', time: '1.234' });
    expect(root.children.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures])).toEqual([
      ['raft', '2', '0'],
      ['naive <&> "quoted"', '2', '1'],
    ]);
    const cases = root.children[1].children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['single-primary', 'recovery']);
    const failure = cases[0].children[0];
    expect(failure.name).toBe('failure');
    expect(failure.attrs.message).toBe('2 of 10 runs violated single-primary');
    expect(failure.text).toContain('seed 7: a & b both primary <at> 1s');
    expect(failure.text).toContain("replay: hasim replay naive --seed 7 --set 'x=<y>'");
    expect(failure.text).not.toContain('\u0007');
    const props = root.children[1].children[0].children.map((p) => [p.attrs.name, p.attrs.value]);
    expect(props).toContainEqual(['param.odd"param', 'a<b']);
    expect(props).toContainEqual(['shard', '1/2']);
  });

  it('escapes character data and attributes', () => {
    expect(text('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(attr(`"it's"\nnext`)).toBe('&quot;it&apos;s&quot;&#10;next');
    expect(text('bell\u0007 and \uFFFE dropped')).toBe('bell and  dropped');
  });
});
