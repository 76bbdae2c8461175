/*
 * The run page's timeline (inlined after run-view.js): one lane per node with its process state
 * and role rows, faults stacked above, outages and split brain below, violations as lines across
 * everything, point markers (fencing, VIP, notes); and beneath, order throughput and ack latency
 * on the same time axis, shaded during faults and outages. Zoom and pan redraw only what is
 * visible: segments narrower than a pixel are merged and the charts draw a column per two
 * pixels, but every fault, outage, split-brain interval and violation is drawn, at least 1-2 px
 * wide.
 */
(function () {
  'use strict';
  const run = window.hasimRun;
  const { ui, esc, data, LEFT, AXIS_H, el, r2, timelineBox, plotWidth, zoom, xOf, cx, visible, highlight, state, laneIndex, faultSpans, targetSpans, svgOpen, axis, shadeRects, shading, highlightedInterval } = run;
  const ROLE_COLORS = { primary: '#1f5fbf', standby: '#9cc3ea', candidate: '#9c5fb5', follower: '#c3cad3', fenced: '#8c564b', witness: '#76b7b2', down: '#7f7f7f' };
  const EXTRA_COLORS = ['#59a14f', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];
  const LIGHT_ROLES = { standby: true, follower: true, witness: true, mixed: true };

  const roleColor = (() => {
    let extra = 0;
    const colors = data.lanes.roles.map((name) => (name === 'mixed' ? 'url(#hatch-mixed)' : ROLE_COLORS[name] || EXTRA_COLORS[extra++ % EXTRA_COLORS.length]));
    return (i) => colors[i];
  })();

  // ---- layout of the timeline rows (independent of zoom) -----------------------------------
  const FAULT_ROW_H = 16;
  const faultRows = data.faults.length ? Math.min(8, 1 + Math.max(...data.faults.map((f) => f.row))) : 1;
  const layout = (() => {
    let y = AXIS_H + 4;
    const faults = { y, h: faultRows * FAULT_ROW_H };
    y += faults.h + 8;
    const lanes = data.lanes.lanes.map((lane) => {
      const top = y;
      const state = { y, h: 7 };
      y += 8;
      const rows = (lane.roles.length ? lane.roles : [{ scope: '', segments: [] }]).map((row) => {
        const r = { y, h: 18, scope: row.scope, segments: row.segments };
        y += 19;
        return r;
      });
      const lay = { node: lane.node, top, bottom: y, state, rows };
      y += 7;
      return lay;
    });
    const service = { y, h: 14 };
    y += 20;
    const split = { y, h: 14 };
    y += 20;
    return { faults, lanes, service, split, height: y };
  })();

  // ---- the timeline --------------------------------------------------------------------------
  function defs() {
    return `<defs>
<pattern id="hatch-mixed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#d9dde3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8a94a3" stroke-width="3"/></pattern>
<pattern id="hatch-fault" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="7" stroke="#f28e2b" stroke-width="2.5" stroke-opacity="0.55"/></pattern>
<clipPath id="clip-timeline"><rect x="${LEFT}" y="0" width="${plotWidth()}" height="${layout.height}"/></clipPath>
<clipPath id="clip-series"><rect x="${LEFT}" y="0" width="${plotWidth()}" height="400"/></clipPath>
</defs>`;
  }

  /** Rects of one row's segments; runs of segments under a pixel become one hatched rect. */
  function segmentRects(flat, stride, y, h, draw) {
    let out = '';
    let pending = null;
    const flush = () => {
      if (!pending) return;
      if (pending.count === 1) out += draw(pending.first, pending.x0, Math.max(1, pending.x1 - pending.x0), y, h);
      else out += `<rect class="st-mixed" x="${r2(pending.x0)}" y="${y}" width="${r2(Math.max(1, pending.x1 - pending.x0))}" height="${h}" data-merged="${pending.count}"><title>${pending.count} short segments</title></rect>`;
      pending = null;
    };
    for (let i = 0; i < flat.length; i += stride) {
      const s = flat[i];
      const e = flat[i + 1];
      if (!visible(s, e)) continue;
      const x0 = cx(s);
      const x1 = cx(e);
      const seg = flat.slice(i, i + stride);
      if (x1 - x0 >= 1) {
        flush();
        out += draw(seg, x0, x1 - x0, y, h);
      } else if (pending && x0 - pending.x1 < 1) {
        pending.x1 = Math.max(pending.x1, x1);
        pending.count++;
      } else {
        flush();
        pending = { x0, x1, count: 1, first: seg };
      }
    }
    flush();
    return out;
  }

  function laneRows() {
    let out = '';
    layout.lanes.forEach((lane, li) => {
      const states = data.lanes.lanes[li].states;
      out += `<g class="lane" data-node="${esc(lane.node)}" data-y0="${lane.top}" data-y1="${lane.bottom}">`;
      out += segmentRects(states, 3, lane.state.y, lane.state.h, (seg, x, w, y, h) => {
        const name = data.lanes.states[seg[2]];
        return `<rect class="state st-${name}" x="${r2(x)}" y="${y}" width="${r2(w)}" height="${h}" data-node="${esc(lane.node)}" data-state="${name}" data-start-us="${seg[0]}" data-end-us="${seg[1]}"><title>${esc(lane.node)} ${name} ${ui.fmtTime(seg[0])}–${ui.fmtTime(seg[1])}</title></rect>`;
      });
      for (const row of lane.rows) {
        out += segmentRects(row.segments, 4, row.y, row.h, (seg, x, w, y, h) => {
          const name = data.lanes.roles[seg[2]];
          const label = name === 'mixed' ? 'mixed' : `${name} e${seg[3]}`;
          const text = w > label.length * 6 + 6 ? `<text x="${r2(x + 4)}" y="${y + 13}">${esc(label)}</text>` : '';
          return `<g class="role${LIGHT_ROLES[name] ? ' role-light' : ''}"><rect x="${r2(x)}" y="${y}" width="${r2(w)}" height="${h}" fill="${roleColor(seg[2])}" data-node="${esc(lane.node)}" data-role="${esc(name)}" data-epoch="${seg[3]}" data-scope="${esc(row.scope)}" data-start-us="${seg[0]}" data-end-us="${seg[1]}"><title>${esc(lane.node)} ${esc(label)}${row.scope ? ' of ' + esc(row.scope) : ''} ${ui.fmtTime(seg[0])}–${ui.fmtTime(seg[1])}</title></rect>${text}</g>`;
        });
      }
      out += '</g>';
    });
    return out;
  }

  function faultShapes() {
    const shade = shadeRects(faultSpans, 'fault-shade', layout.faults.y + layout.faults.h, layout.split.y + layout.split.h);
    let targets = '';
    layout.lanes.forEach((lane, li) => (targets += shadeRects(targetSpans[li], 'fault-target', lane.top, lane.bottom)));
    let bars = '';
    data.faults.forEach((f, i) => {
      if (!visible(f.startUs, f.endUs)) return;
      const x = cx(f.startUs);
      const w = Math.max(2, cx(f.endUs) - x);
      const y = layout.faults.y + Math.min(f.row, faultRows - 1) * FAULT_ROW_H;
      const label = `${f.kind} ${f.targets.join(',')}`;
      const text = w > label.length * 5.6 + 8 ? label : w > f.kind.length * 5.6 + 8 ? f.kind : '';
      const title = `${f.kind} on ${f.targets.join(', ') || '-'}${f.detail ? ' (' + f.detail + ')' : ''}: ${ui.fmtTime(f.startUs)}–${ui.fmtTime(f.endUs)}${f.open ? ' (to the end)' : ''}`;
      bars += `<g class="fault${highlight.kind === 'fault' && highlight.index === i ? ' hl' : ''}" data-click="fault" data-index="${i}"><rect class="fault-bar" x="${r2(x)}" y="${y + 1}" width="${r2(w)}" height="${FAULT_ROW_H - 2}" rx="2" data-fault-id="${f.id}" data-kind="${esc(f.kind)}" data-start-us="${f.startUs}" data-end-us="${f.endUs}"><title>${esc(title)}</title></rect>${text ? `<text class="fault-text" x="${r2(x + 4)}" y="${y + 12}">${esc(text)}</text>` : ''}</g>`;
    });
    return { shade, targets, bars };
  }

  function intervalRow(items, y, h, cls, startKey, endKey, title) {
    let out = '';
    items.forEach((it, i) => {
      const s = it[startKey];
      const e = it[endKey];
      if (s === null || !visible(s, e)) return;
      const x = cx(s);
      out += `<rect class="${cls}" x="${r2(x)}" y="${y}" width="${r2(Math.max(2, cx(e) - x))}" height="${h}" data-index="${i}" data-start-us="${s}" data-end-us="${e}"><title>${esc(title(it))}</title></rect>`;
    });
    return out;
  }

  function markers() {
    let out = '';
    const seen = {};
    for (const m of data.lanes.markers) {
      if (!visible(m.timeUs, m.timeUs)) continue;
      const x = r2(xOf(m.timeUs));
      const key = `${m.lane}|${m.kind}|${Math.round(x / 3)}`;
      if (seen[key]) continue;
      seen[key] = true;
      const lane = layout.lanes[m.lane];
      const y = lane ? lane.rows[lane.rows.length - 1].y + 18 : layout.service.y + 7;
      const shape = m.kind.indexOf('fence') === 0 ? `M${x} ${y - 9}L${x + 4} ${y}L${x - 4} ${y}Z` : m.kind === 'note' ? `M${x - 1.5} ${y - 6}h3v6h-3Z` : `M${x} ${y - 8}L${x + 4} ${y - 4}L${x} ${y}L${x - 4} ${y - 4}Z`;
      out += `<path class="marker mk-${m.kind}" d="${shape}" data-kind="${m.kind}" data-time-us="${m.timeUs}"><title>${esc(ui.fmtTime(m.timeUs) + '  ' + m.text)}</title></path>`;
    }
    return out;
  }

  function violationShapes(top, bottom, withMarkers) {
    let out = '';
    data.violations.forEach((v, i) => {
      if (!visible(v.timeUs, v.timeUs)) return;
      const x = r2(xOf(v.timeUs));
      const hl = highlight.kind === 'violation' && highlight.index === i ? ' hl' : '';
      out += `<line class="violation-line${hl}" x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" data-violation="${i}" data-time-us="${v.timeUs}"><title>${esc(v.invariant + ' at ' + ui.fmtTime(v.timeUs) + ': ' + v.detail)}</title></line>`;
      if (withMarkers) out += `<path class="violation-marker${hl}" id="violation-marker-${i}" d="M${x - 6} ${AXIS_H - 6}L${x + 6} ${AXIS_H - 6}L${x} ${AXIS_H + 4}Z" data-click="violation" data-index="${i}" data-time-us="${v.timeUs}"><title>${esc(v.invariant + ' at ' + ui.fmtTime(v.timeUs))}</title></path>`;
    });
    return out;
  }

  function highlightBand(top, bottom) {
    const span = highlightedInterval();
    if (!span || highlight.kind === 'violation' || !visible(span[0], span[1])) return '';
    const x = cx(span[0]);
    return `<rect class="hl-band" x="${r2(x)}" y="${top}" width="${r2(Math.max(2, cx(span[1]) - x))}" height="${bottom - top}"/>`;
  }

  function phaseLines(top, bottom, labels) {
    let out = '';
    // Labels of lines closer than a label's width would overlap: the later one is kept.
    const crowded = Math.abs(xOf(data.settleEndUs) - xOf(data.healUs)) < 70;
    for (const [us, label] of [[data.healUs, crowded ? '' : 'heal'], [data.settleEndUs, 'settle end']]) {
      if (!visible(us, us)) continue;
      const x = r2(xOf(us));
      out += `<line class="phase" x1="${x}" y1="${top}" x2="${x}" y2="${bottom}"/>`;
      const nearEnd = x > LEFT + plotWidth() - 70;
      if (labels && label) out += `<text class="muted" x="${nearEnd ? x - 3 : x + 3}" y="${bottom - 3}"${nearEnd ? ' text-anchor="end"' : ''}>${label}</text>`;
    }
    return out;
  }

  function windowBands() {
    if (!data.messages) return '';
    let out = '';
    data.messages.windows.forEach((w, i) => {
      if (!visible(w.startUs, w.endUs)) return;
      const x = cx(w.startUs);
      out += `<rect class="window-band${i === state.windowIndex ? ' selected' : ''}" x="${r2(x)}" y="${AXIS_H - 5}" width="${r2(Math.max(3, cx(w.endUs) - x))}" height="4" data-click="window" data-index="${i}"><title>message window: ${esc(w.label)}</title></rect>`;
    });
    return out;
  }

  function renderTimeline() {
    const h = layout.height;
    const f = faultShapes();
    let labels = `<text class="row-label" x="8" y="${layout.faults.y + 12}">faults</text>`;
    layout.lanes.forEach((lane) => {
      labels += `<text class="lane-label" x="8" y="${lane.state.y + 20}">${esc(lane.node)}</text>`;
      lane.rows.forEach((row, k) => {
        if (row.scope) labels += `<text class="row-label" x="${k === 0 ? 60 : 20}" y="${row.y + 13}">${esc(row.scope)}</text>`;
      });
    });
    labels += `<text class="row-label" x="8" y="${layout.service.y + 11}">outages</text><text class="row-label" x="8" y="${layout.split.y + 11}">split brain</text>`;
    const body = [
      f.shade,
      laneRows(),
      f.targets,
      f.bars,
      intervalRow(data.outages, layout.service.y, layout.service.h, 'outage', 'startUs', 'endUs', (o) => `outage ${ui.fmtTime(o.startUs)}–${ui.fmtTime(o.endUs)} (${ui.fmtDuration(o.endUs - o.startUs)}, ${o.unservedOrders} orders unserved${o.open ? ', still open' : ''})`),
      intervalRow(data.splitBrain, layout.split.y, layout.split.h, 'belief', 'beliefStartUs', 'beliefEndUs', (s) => `${s.nodes.join(' and ')} both believe they are primary ${ui.fmtTime(s.beliefStartUs)}–${ui.fmtTime(s.beliefEndUs)}`),
      intervalRow(data.splitBrain, layout.split.y + 3, layout.split.h - 6, 'effective', 'effectiveStartUs', 'effectiveEndUs', (s) => `effective split brain: both ${s.nodes.join(' and ')} produce effects ${ui.fmtTime(s.effectiveStartUs)}–${ui.fmtTime(s.effectiveEndUs)}`),
      markers(),
      highlightBand(AXIS_H, h),
      phaseLines(AXIS_H, h, true),
    ].join('');
    timelineBox.innerHTML = `${svgOpen('timeline', h, zoom.start, zoom.end)}${defs()}${axis(h, zoom.start, zoom.end, xOf, true)}${labels}<g clip-path="url(#clip-timeline)">${body}${windowBands()}</g>${violationShapes(AXIS_H - 4, h, true)}</svg>`;
  }

  // ---- throughput and latency ------------------------------------------------------------------
  /** Fine bins merged into columns of about 2 px (or one column per bin when zoomed in). */
  function columns() {
    const s = data.series;
    const n = s.acked.length;
    const i0 = Math.max(0, Math.floor(zoom.start / s.binUs));
    const i1 = Math.min(n, Math.ceil(zoom.end / s.binUs));
    const out = [];
    let c = null;
    for (let i = i0; i < i1; i++) {
      const px = Math.floor((xOf(i * s.binUs) - LEFT) / 2);
      if (!c || c.px !== px) {
        c = { px, start: i * s.binUs, end: 0, acked: 0, failed: 0, latSum: 0, latMax: 0 };
        out.push(c);
      }
      c.end = Math.min(data.endUs, (i + 1) * s.binUs);
      c.acked += s.acked[i];
      c.failed += s.failed[i];
      c.latSum += s.latencyMeanUs[i] * s.acked[i];
      c.latMax = Math.max(c.latMax, s.latencyMaxUs[i]);
    }
    return out;
  }

  /** One rect per merged interval in view, at least 2 px wide. */
  function renderSeries(cols) {
    const H = 130;
    const top = 8;
    const bottom = H - 18;
    let maxRate = 0;
    for (const c of cols) maxRate = Math.max(maxRate, (c.acked + c.failed) / Math.max(1e-9, (c.end - c.start) / 1e6));
    const yMax = ui.niceMax(maxRate);
    const y = (rate) => bottom - (rate / yMax) * (bottom - top);
    let bars = '';
    for (const c of cols) {
      const secs = Math.max(1e-9, (c.end - c.start) / 1e6);
      const x0 = cx(c.start);
      const w = Math.max(0.6, cx(c.end) - x0 - 0.3);
      const ya = y(c.acked / secs);
      const yf = y((c.acked + c.failed) / secs);
      const tip = `${ui.fmtTime(c.start)}–${ui.fmtTime(c.end)}: ${Math.round(c.acked / secs)} acked/s, ${Math.round(c.failed / secs)} failed/s`;
      if (c.acked) bars += `<rect class="bar-acked" x="${r2(x0)}" y="${r2(ya)}" width="${r2(w)}" height="${r2(bottom - ya)}"><title>${tip}</title></rect>`;
      if (c.failed) bars += `<rect class="bar-failed" x="${r2(x0)}" y="${r2(yf)}" width="${r2(w)}" height="${r2(ya - yf)}"><title>${tip}</title></rect>`;
    }
    const yAxis = [0, yMax / 2, yMax].map((v) => `<text class="muted" x="${LEFT - 6}" y="${r2(y(v) + 4)}" text-anchor="end">${Math.round(v)}</text><line class="lane-line" x1="${LEFT}" x2="${LEFT + plotWidth()}" y1="${r2(y(v))}" y2="${r2(y(v))}"/>`).join('');
    el('throughput').innerHTML = `${svgOpen('throughput', H, zoom.start, zoom.end)}${axis(bottom, zoom.start, zoom.end, xOf, false)}${yAxis}<text class="row-label" x="8" y="${top + 10}">orders/s</text><g clip-path="url(#clip-series)">${shading(top, bottom)}${bars}${highlightBand(top, bottom)}${phaseLines(top, bottom, false)}</g>${violationShapes(top, bottom, false)}</svg>`;
  }

  function renderLatency(cols) {
    const H = 130;
    const top = 8;
    const bottom = H - 18;
    let lo = Infinity;
    let hi = 0;
    for (const c of cols) {
      if (!c.acked) continue;
      lo = Math.min(lo, c.latSum / c.acked);
      hi = Math.max(hi, c.latMax);
    }
    let body = '';
    let yAxis = '';
    if (hi > 0) {
      const l0 = Math.floor(Math.log10(Math.max(1, lo)));
      const l1 = Math.max(l0 + 1, Math.ceil(Math.log10(hi)));
      const y = (us) => bottom - ((Math.log10(Math.max(1, us)) - l0) / (l1 - l0)) * (bottom - top);
      for (let k = l0; k <= l1; k++) yAxis += `<text class="muted" x="${LEFT - 6}" y="${r2(y(10 ** k) + 4)}" text-anchor="end">${ui.fmtDuration(10 ** k)}</text><line class="lane-line" x1="${LEFT}" x2="${LEFT + plotWidth()}" y1="${r2(y(10 ** k))}" y2="${r2(y(10 ** k))}"/>`;
      const line = (value, cls) => {
        let d = '';
        let pen = false;
        for (const c of cols) {
          if (!c.acked) {
            pen = false;
            continue;
          }
          const x = r2((cx(c.start) + cx(c.end)) / 2);
          d += `${pen ? 'L' : 'M'}${x} ${r2(y(value(c)))}`;
          pen = true;
        }
        return `<path class="${cls}" d="${d}"/>`;
      };
      body = line((c) => c.latMax, 'lat-max') + line((c) => c.latSum / c.acked, 'lat-mean');
    } else body = `<text class="muted" x="${LEFT + 10}" y="${(top + bottom) / 2}">no acked orders in view</text>`;
    el('latency').innerHTML = `${svgOpen('latency', H, zoom.start, zoom.end)}${axis(bottom, zoom.start, zoom.end, xOf, false)}${yAxis}<text class="row-label" x="8" y="${top + 10}">mean / max</text><g clip-path="url(#clip-series)">${shading(top, bottom)}${body}${highlightBand(top, bottom)}${phaseLines(top, bottom, false)}</g>${violationShapes(top, bottom, false)}</svg>`;
  }

  function renderTimelineAndCharts() {
    renderTimeline();
    const cols = columns();
    renderSeries(cols);
    renderLatency(cols);
    const span = zoom.end - zoom.start;
    el('timeline-range').textContent = `${ui.fmtTime(zoom.start, span)} – ${ui.fmtTime(zoom.end, span)} (${ui.fmtDuration(span)} of ${ui.fmtDuration(data.endUs)})`;
  }

  function legend() {
    const item = (color, label, cls) => `<span><i class="${cls || ''}" style="${color ? 'background:' + color : ''}"></i>${esc(label)}</span>`;
    const states = [['var(--up)', 'up'], ['var(--paused)', 'paused'], ['var(--crashed)', 'crashed'], ['var(--off)', 'off']].map(([c, l]) => item(c, l));
    const roles = data.lanes.roles.filter((r) => r !== 'mixed').map((r) => item(roleColor(data.lanes.roles.indexOf(r)), r));
    el('timeline-legend').innerHTML = ['<b>state</b>', ...states, '<b>role</b>', ...roles, item('var(--fault)', 'fault'), item('var(--outage)', 'outage'), item('var(--belief)', 'split brain (belief)'), item('var(--effective)', 'split brain (effective)'), item('var(--bad)', 'violation'), item('#4e9a5b', 'acked/s'), item('var(--accent)', 'mean latency'), item('#e08a2b', 'max latency')].join('');
  }

  Object.assign(run, { renderTimeline, renderTimelineAndCharts, legend });
})();
