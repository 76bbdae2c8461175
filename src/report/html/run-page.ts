/**
 * The HTML report of one run (`hasim run --html FILE`, `hasim replay --html FILE`): a header
 * with the design, seed, schedule YAML, parameters, metrics and the replay command; the list of
 * violations (click one to zoom the timeline to it); the timeline itself (node lanes with state
 * and role, faults, outages, split brain, violations; throughput and ack latency beneath; zoom
 * and pan in sync); and the Lamport message diagram of a chosen window. The static parts are
 * written here; the scripts in `client/` (run-view, timeline, messages, run-main) draw the SVG
 * from the embedded data.
 *
 * ```ts
 * const result = simulate({ design, seed: 7, schedule, recordMessages: true });
 * writeFileSync('run.html', runHtml(result, { schedule, replayCommand: 'hasim replay ...' }));
 * ```
 */
import type { RunResult } from '../../campaign/simulate.ts';
import { copyable, esc, facts, htmlDocument, table } from './document.ts';
import { instantS, runMs, runPct } from '../format.ts';
import { runData, type RunData, type RunPageOptions } from './run-data.ts';

export type { RunPageOptions } from './run-data.ts';

export function runHtml(result: RunResult, options: RunPageOptions): string {
  const data = runData(result, options);
  return htmlDocument({
    title: `hasim: ${data.design} under ${data.schedule}, seed ${data.seed}`,
    page: 'run',
    body: [header(data), jumpList(data), timelineSection(), messagesSection(data)].join('\n'),
    data,
    scripts: ['common.js', 'run-view.js', 'timeline.js', 'messages.js', 'run-main.js'],
  });
}

const at = instantS;
const pct = runPct;
const ms = (x: number) => runMs(x, ' ');

function header(d: RunData): string {
  const m = d.metrics;
  const verdict = d.violations.length
    ? `<p class="verdict bad">${d.violations.length} violation${d.violations.length > 1 ? 's' : ''}: ${esc([...new Set(d.violations.map((v) => v.invariant))].join(', '))}</p>`
    : '<p class="verdict ok">No invariant violated</p>';
  const cards: [string, string, string?][] = [
    ['availability', pct(m.availability), 'orders acked within the client timeout'],
    ['uptime', pct(m.uptimeFraction), m.scopes ? 'outage time weighted by the share of orders affected' : undefined],
    ['outages', String(m.outages.length), m.outages.length ? `longest ${ms(m.rtoMaxMs)}` : undefined],
    ['lost acked orders', String(m.lostAcked), m.lostAcked ? `RPO ${ms(m.rpoMs)}` : undefined],
    ['duplicate orders', String(m.duplicates)],
    ['split brain', ms(m.splitBrainMs.effective), `effective; belief ${ms(m.splitBrainMs.belief)}`],
    ['failovers', String(m.failovers), `${m.falseFailovers} false`],
    ['fencings', String(m.fencings), `${m.fencingsOk} confirmed`],
    ['ack latency p99', ms(m.ackLatency.p99), `p50 ${ms(m.ackLatency.p50)}, p99.9 ${ms(m.ackLatency.p999)}`],
    ['orders', String(m.orders), `${m.acked} acked, ${m.failed} failed, ${m.indeterminate} indeterminate`],
  ];
  const params = Object.entries(d.params);
  return `<header>
<h1>${esc(d.design)} <span class="sub">under ${esc(d.schedule)}, seed ${esc(d.seed)}</span></h1>
${verdict}
${facts([
  ['design', d.design],
  ['schedule', d.schedule],
  ['seed', String(d.seed)],
  ['trace hash', d.traceHash],
  ['chaos / settle / end', `${at(d.healUs)} / ${at(d.settleEndUs)} / ${at(d.endUs)}`],
  ['events / messages', `${m.events} / ${m.messages}`],
  ['hasim', d.hasim],
])}
<h2 class="inline">Replay</h2>${copyable(d.replayCommand, 'replay-command')}
<div class="cards">${cards.map(([k, v, note]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div>${note ? `<div class="n">${esc(note)}</div>` : ''}</div>`).join('')}</div>
<div class="columns">
<details class="params"${params.length <= 12 ? ' open' : ''}><summary>Parameters (${params.length})</summary>${table(['parameter', 'value'], params.map(([k, v]) => [k, String(v)]))}</details>
<details class="schedule" open><summary>Schedule</summary><pre>${esc(d.scheduleYaml)}</pre></details>
</div>
</header>`;
}

/** Violations, then faults, outages and split brain: each a button that zooms the timeline to it. */
function jumpList(d: RunData): string {
  const item = (cls: string, index: number, time: string, text: string) =>
    `<li><button type="button" class="jump ${cls}" data-jump="${cls}" data-index="${index}"><span class="t">${esc(time)}</span> ${esc(text)}</button></li>`;
  const violations = d.violations.length
    ? `<ol class="jumps" id="violation-list">${d.violations.map((v, i) => item('violation', i, at(v.timeUs), `${v.invariant}: ${v.detail}`)).join('')}</ol>`
    : '<p class="none">No invariant violated.</p>';
  const faults = d.faults.map((f, i) => item('fault', i, `${at(f.startUs)}–${at(f.endUs)}`, `${f.kind} on ${f.targets.join(', ') || '-'}${f.detail ? ` (${f.detail})` : ''}`));
  const outages = d.outages.map((o, i) => item('outage', i, `${at(o.startUs)}–${at(o.endUs)}`, `outage of ${ms((o.endUs - o.startUs) / 1000)}${o.kind === 'degraded' ? ` (degraded: ${o.scopes.join(', ')} down, ${pct(o.share)} of orders)` : ''}${o.open ? ', still open at the end of settle' : ''}`));
  const splits = d.splitBrain.map((s, i) => item('split', i, `${at(s.beliefStartUs)}–${at(s.beliefEndUs)}`, `${s.nodes.join(' and ')} both primary${s.scope ? ` of ${s.scope}` : ''}${s.effectiveStartUs !== null ? ' (effective)' : ' (belief only)'}`));
  const group = (title: string, items: string[]) => (items.length ? `<details class="group"${items.length <= 20 ? ' open' : ''}><summary>${esc(title)} (${items.length})</summary><ol class="jumps">${items.join('')}</ol></details>` : '');
  return `<section id="jump">
<h2>Violations</h2>
${violations}
${group('Faults', faults)}${group('Outages', outages)}${group('Split brain', splits)}
</section>`;
}

function timelineSection(): string {
  const button = (action: string, label: string, title: string) => `<button type="button" data-zoom="${action}" title="${esc(title)}">${esc(label)}</button>`;
  return `<section id="timeline-section">
<h2>Timeline</h2>
<div class="toolbar" id="timeline-toolbar">${button('in', '+', 'zoom in')}${button('out', '−', 'zoom out')}${button('left', '◀', 'pan left')}${button('right', '▶', 'pan right')}${button('all', 'whole run', 'show the whole run')}
<span class="range" id="timeline-range"></span><span class="hint">wheel: zoom · drag: pan</span></div>
<div class="legend" id="timeline-legend"></div>
<div class="plot" id="timeline"></div>
<h3>Orders per second</h3>
<div class="plot" id="throughput"></div>
<h3>Ack latency (log scale)</h3>
<div class="plot" id="latency"></div>
</section>`;
}

function messagesSection(d: RunData): string {
  if (!d.messages) return '<section id="messages-section"><h2>Messages</h2><p class="none">This run did not record its messages.</p></section>';
  const options = d.messages.windows.map((w, i) => `<option value="${i}">${esc(w.label)} (${esc(at(w.startUs))}–${esc(at(w.endUs))}, ${w.messages.length / 6}${w.omitted ? ` of ${w.messages.length / 6 + w.omitted}` : ''} messages)</option>`);
  return `<section id="messages-section">
<h2>Messages</h2>
<div class="toolbar" id="messages-toolbar"><label>window <select id="window-select">${options.join('')}</select></label>
<button type="button" data-mzoom="in" title="zoom in">+</button><button type="button" data-mzoom="out" title="zoom out">−</button><button type="button" data-mzoom="all" title="the whole window">whole window</button>
<span class="range" id="messages-range"></span></div>
<div class="legend" id="messages-legend"></div>
<div class="plot" id="messages"></div>
</section>`;
}
