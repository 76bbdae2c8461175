/*
 * The run page's drawing (inlined into the page): reads the embedded run data and draws the
 * timeline (node lanes with process state and role, faults, outages, split brain, violations,
 * markers), the throughput and ack-latency charts beneath it on the same time axis, and the
 * Lamport message diagram of the selected window on its own axis. Zoom and pan redraw only
 * what is visible; segments narrower than a pixel are merged, but every fault, outage,
 * split-brain interval and violation is always drawn (at least a pixel wide).
 *
 * SVG elements carry their virtual times (`data-start-us`, `data-time-us`, ...) and each SVG
 * its mapping (`data-view-start-us`, `data-view-end-us`, `data-plot-left`,
 * `data-plot-width`), so tests can check positions against the history.
 */
(function () {
  'use strict';
  const ui = window.hasimUi;
  const esc = ui.esc;
  const data = JSON.parse(document.getElementById('hasim-data').textContent);
  const LEFT = 150;
  const RIGHT = 16;
  const AXIS_H = 24;
  const ROLE_COLORS = { primary: '#1f5fbf', standby: '#9cc3ea', candidate: '#9c5fb5', follower: '#c3cad3', fenced: '#8c564b', witness: '#76b7b2', down: '#7f7f7f' };
  const EXTRA_COLORS = ['#59a14f', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];
  const LIGHT_ROLES = { standby: true, follower: true, witness: true, mixed: true };
  const CATEGORIES = ['heartbeat', 'replication', 'vote', 'fencing', 'order', 'other'];
  const MAX_DRAWN_MESSAGES = 5000;
  const INITIAL_MESSAGES = 150;

  const el = (id) => document.getElementById(id);
  const r2 = (x) => Math.round(x * 100) / 100;
  const timelineBox = el('timeline');
  const highlight = { kind: null, index: -1 };
  const hiddenCategories = {};
  let windowIndex = 0;

  const roleColor = (() => {
    let extra = 0;
    const colors = data.lanes.roles.map((name) => (name === 'mixed' ? 'url(#hatch-mixed)' : ROLE_COLORS[name] || EXTRA_COLORS[extra++ % EXTRA_COLORS.length]));
    return (i) => colors[i];
  })();

  const plotWidth = () => Math.max(240, timelineBox.clientWidth - LEFT - RIGHT);
  const zoom = new ui.Zoom(0, Math.max(1, data.endUs), 20, () => renderTimelineAndCharts());
  const xOf = (us) => LEFT + ((us - zoom.start) / (zoom.end - zoom.start)) * plotWidth();
  /** x clamped just outside the plot, so shapes partly in view do not get huge coordinates. */
  const cx = (us) => Math.max(LEFT - 2, Math.min(LEFT + plotWidth() + 2, xOf(us)));
  const visible = (start, end) => end >= zoom.start && start <= zoom.end;

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
  const laneIndex = {};
  data.nodes.forEach((n, i) => (laneIndex[n] = i));

  /** Sorted [start, end] intervals merged where they overlap: shading drawn once, not stacked. */
  function union(intervals) {
    const sorted = intervals.slice().sort((a, b) => a[0] - b[0]);
    const out = [];
    for (const [s, e] of sorted) {
      const last = out[out.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else out.push([s, e]);
    }
    return out;
  }
  const faultSpans = union(data.faults.map((f) => [f.startUs, f.endUs]));
  const outageSpans = union(data.outages.map((o) => [o.startUs, o.endUs]));
  const targetSpans = data.nodes.map((n) => union(data.faults.filter((f) => f.targets.indexOf(n) >= 0).map((f) => [f.startUs, f.endUs])));

  // ---- the timeline --------------------------------------------------------------------------
  function defs() {
    return `<defs>
<pattern id="hatch-mixed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#d9dde3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8a94a3" stroke-width="3"/></pattern>
<pattern id="hatch-fault" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="7" stroke="#f28e2b" stroke-width="2.5" stroke-opacity="0.55"/></pattern>
<clipPath id="clip-timeline"><rect x="${LEFT}" y="0" width="${plotWidth()}" height="${layout.height}"/></clipPath>
<clipPath id="clip-series"><rect x="${LEFT}" y="0" width="${plotWidth()}" height="400"/></clipPath>
</defs>`;
  }

  function svgOpen(id, height, start, end) {
    return `<svg id="${id}-svg" xmlns="http://www.w3.org/2000/svg" width="${LEFT + plotWidth() + RIGHT}" height="${height}" viewBox="0 0 ${LEFT + plotWidth() + RIGHT} ${height}" data-view-start-us="${start}" data-view-end-us="${end}" data-plot-left="${LEFT}" data-plot-width="${plotWidth()}">`;
  }

  function axis(height, start, end, xf, withLabels) {
    const t = ui.ticks(start, end, plotWidth());
    let out = '<g class="axis">';
    for (const v of t.values) {
      const x = r2(xf(v));
      out += `<line x1="${x}" y1="${withLabels ? AXIS_H - 6 : 0}" x2="${x}" y2="${height}"/>`;
      if (withLabels) out += `<text x="${x}" y="${AXIS_H - 10}" text-anchor="middle">${ui.tickLabel(v, t.step)}</text>`;
    }
    return out + '</g>';
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
      out += `<rect class="window-band${i === windowIndex ? ' selected' : ''}" x="${r2(x)}" y="${AXIS_H - 5}" width="${r2(Math.max(3, cx(w.endUs) - x))}" height="4" data-click="window" data-index="${i}"><title>message window: ${esc(w.label)}</title></rect>`;
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
  function shadeRects(spans, cls, top, bottom) {
    let out = '';
    for (const [s, e] of spans) {
      if (!visible(s, e)) continue;
      const x = cx(s);
      out += `<rect class="${cls}" x="${r2(x)}" y="${top}" width="${r2(Math.max(2, cx(e) - x))}" height="${bottom - top}"/>`;
    }
    return out;
  }

  const shading = (top, bottom) => shadeRects(faultSpans, 'fault-shade', top, bottom) + shadeRects(outageSpans, 'outage-shade', top, bottom);

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

  // ---- the message diagram ---------------------------------------------------------------------
  const messagesBox = el('messages');
  const msg = data.messages;
  let mzoom = null;
  const mxOf = (us) => LEFT + ((us - mzoom.start) / (mzoom.end - mzoom.start)) * plotWidth();
  const mcx = (us) => Math.max(LEFT - 2, Math.min(LEFT + plotWidth() + 2, mxOf(us)));

  function selectWindow(i, focusUs) {
    if (!msg || !msg.windows[i]) return;
    windowIndex = i;
    el('window-select').value = String(i);
    const w = msg.windows[i];
    mzoom = new ui.Zoom(w.startUs, Math.max(w.endUs, w.startUs + 1), 5, renderMessages);
    // Open zoomed in so that about INITIAL_MESSAGES arrows show around the window's instant.
    const count = w.messages.length / 6;
    const span = Math.max(2000, (w.endUs - w.startUs) * Math.min(1, INITIAL_MESSAGES / Math.max(1, count)));
    const at = focusUs === undefined ? w.focusUs : focusUs;
    mzoom.set(at - span / 4, at + (3 * span) / 4);
    renderTimeline();
  }

  function renderMessages() {
    if (!msg || !mzoom) return;
    const w = msg.windows[windowIndex];
    const used = {};
    data.nodes.forEach((n) => (used[n] = true));
    for (let k = 0; k < w.messages.length; k += 6) {
      used[msg.endpoints[w.messages[k + 2]]] = true;
      used[msg.endpoints[w.messages[k + 3]]] = true;
    }
    const lanes = msg.endpoints.filter((e) => used[e]);
    const LANE_H = 26;
    const yOfLane = {};
    lanes.forEach((e, i) => (yOfLane[msg.endpoints.indexOf(e)] = AXIS_H + 12 + i * LANE_H));
    const H = AXIS_H + 12 + lanes.length * LANE_H;
    const laneY = (endpointIndex) => yOfLane[endpointIndex];
    let bg = '';
    let labels = '';
    lanes.forEach((e) => {
      const li = laneIndex[e];
      const y = laneY(msg.endpoints.indexOf(e));
      if (li !== undefined) {
        const states = data.lanes.lanes[li].states;
        for (let i = 0; i < states.length; i += 3) {
          const name = data.lanes.states[states[i + 2]];
          if (name === 'up' || states[i + 1] < mzoom.start || states[i] > mzoom.end) continue;
          const x = mcx(states[i]);
          bg += `<rect class="lane-bg-${name}" x="${r2(x)}" y="${y - LANE_H / 2 + 2}" width="${r2(Math.max(1, mcx(states[i + 1]) - x))}" height="${LANE_H - 4}"><title>${esc(e)} ${name}</title></rect>`;
        }
      }
      bg += `<line class="lane-line" x1="${LEFT}" x2="${LEFT + plotWidth()}" y1="${y}" y2="${y}"/>`;
      labels += `<text class="lane-label" x="8" y="${y + 4}">${esc(e)}</text>`;
    });
    for (const [s, e] of faultSpans) {
      if (e < mzoom.start || s > mzoom.end) continue;
      const x = mcx(s);
      bg += `<rect class="fault-shade" x="${r2(x)}" y="${AXIS_H}" width="${r2(Math.max(2, mcx(e) - x))}" height="${H - AXIS_H}"/>`;
    }
    let arrows = '';
    let drawn = 0;
    let inView = 0;
    for (let k = 0; k < w.messages.length; k += 6) {
      const sent = w.startUs + w.messages[k];
      const end = sent + w.messages[k + 1];
      if (end < mzoom.start || sent > mzoom.end) continue;
      const type = msg.types[w.messages[k + 4]];
      if (hiddenCategories[type.category]) continue;
      inView++;
      if (drawn >= MAX_DRAWN_MESSAGES) continue;
      drawn++;
      const from = msg.endpoints[w.messages[k + 2]];
      const to = msg.endpoints[w.messages[k + 3]];
      const fate = w.messages[k + 5];
      const x1 = r2(mxOf(sent));
      const y1 = laneY(w.messages[k + 2]);
      const y2 = laneY(w.messages[k + 3]);
      const what = fate === 0 ? `arrived ${ui.fmtTime(end, 1)} (${ui.fmtDuration(end - sent)})` : fate === 1 ? 'DROPPED when sent' : `LOST in flight at ${ui.fmtTime(end, 1)}`;
      const title = `<title>${esc(`${type.name} ${from} → ${to}, sent ${ui.fmtTime(sent, 1)}, ${what}`)}</title>`;
      const attrs = `data-type="${esc(type.name)}" data-from="${esc(from)}" data-to="${esc(to)}" data-sent-us="${sent}" data-end-us="${end}" data-fate="${fate}"`;
      if (fate === 0) {
        arrows += `<line class="msg msg-${type.category}" x1="${x1}" y1="${y1}" x2="${r2(mxOf(end))}" y2="${y2}" marker-end="url(#arrow-${type.category})" ${attrs}>${title}</line>`;
      } else {
        const xe = fate === 1 ? x1 + 10 : r2(mxOf(end));
        const ye = r2(y1 + (y2 - y1) * (fate === 1 ? 0.3 : 0.5));
        arrows += `<g ${attrs}><line class="msg msg-${type.category}${fate === 2 ? ' msg-lost' : ''}" x1="${x1}" y1="${y1}" x2="${xe}" y2="${ye}">${title}</line><path class="msg-x" d="M${xe - 3} ${ye - 3}L${xe + 3} ${ye + 3}M${xe - 3} ${ye + 3}L${xe + 3} ${ye - 3}">${title}</path></g>`;
      }
    }
    const markers = CATEGORIES.map((c) => `<marker id="arrow-${c}" viewBox="0 0 8 8" refX="7.5" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L8 4L0 8Z" class="arrowhead-${c}"/></marker>`).join('');
    const vlines = data.violations.map((v, i) => (v.timeUs < mzoom.start || v.timeUs > mzoom.end ? '' : `<line class="violation-line${highlight.kind === 'violation' && highlight.index === i ? ' hl' : ''}" x1="${r2(mxOf(v.timeUs))}" x2="${r2(mxOf(v.timeUs))}" y1="${AXIS_H}" y2="${H}" data-violation="${i}"><title>${esc(v.invariant + ' at ' + ui.fmtTime(v.timeUs))}</title></line>`)).join('');
    const note = w.omitted ? `<text class="muted" x="${LEFT}" y="${H + 14}">${w.omitted} more messages in this window were not embedded (the window holds too many).</text>` : drawn < inView ? `<text class="muted" x="${LEFT}" y="${H + 14}">showing ${drawn} of ${inView} messages: zoom in to see all</text>` : '';
    messagesBox.innerHTML = `${svgOpen('messages', H + 20, mzoom.start, mzoom.end)}<defs>${markers}<clipPath id="clip-messages"><rect x="${LEFT}" y="0" width="${plotWidth()}" height="${H}"/></clipPath></defs>${axis(H, mzoom.start, mzoom.end, mxOf, true)}${labels}<g clip-path="url(#clip-messages)">${bg}${arrows}${vlines}</g>${note}</svg>`;
    const span = mzoom.end - mzoom.start;
    el('messages-range').textContent = `${ui.fmtTime(mzoom.start, span)} – ${ui.fmtTime(mzoom.end, span)} (${ui.fmtDuration(span)}), ${inView} messages`;
  }

  function messagesLegend() {
    if (!msg) return;
    const counts = {};
    for (const t of msg.types) (counts[t.category] = counts[t.category] || []).push(t.name);
    el('messages-legend').innerHTML = CATEGORIES.filter((c) => counts[c]).map((c) => `<label title="${esc(counts[c].join(', '))}"><input type="checkbox" data-category="${c}" checked><i class="lg-${c}"></i>${c} (${esc(counts[c].join(', '))})</label>`).join('') + '<span>× dropped / lost</span>';
    el('messages-legend').addEventListener('change', (ev) => {
      const c = ev.target.getAttribute('data-category');
      if (!c) return;
      hiddenCategories[c] = !ev.target.checked;
      renderMessages();
    });
  }

  // ---- jumping to a violation, fault, outage or split brain ---------------------------------------
  function highlightedInterval() {
    const i = highlight.index;
    switch (highlight.kind) {
      case 'violation': return [data.violations[i].timeUs, data.violations[i].timeUs];
      case 'fault': return [data.faults[i].startUs, data.faults[i].endUs];
      case 'outage': return [data.outages[i].startUs, data.outages[i].endUs];
      case 'split': return [data.splitBrain[i].beliefStartUs, data.splitBrain[i].beliefEndUs];
      default: return null;
    }
  }

  function jump(kind, index) {
    highlight.kind = kind;
    highlight.index = index;
    const [s, e] = highlightedInterval();
    if (kind === 'violation') {
      const span = Math.min(data.endUs, Math.max(2e6, Math.min(3e7, data.endUs / 10)));
      zoom.set(s - 0.6 * span, s + 0.4 * span);
    } else {
      const pad = Math.max((e - s) * 0.25, 5e5);
      zoom.set(s - pad, e + pad);
    }
    if (msg) {
      const w = msg.windows.findIndex((win) => s >= win.startUs && s <= win.endUs);
      if (w >= 0) selectWindow(w, kind === 'violation' ? s : undefined);
      else renderMessages();
    }
    document.querySelectorAll('button.jump.active').forEach((b) => b.classList.remove('active'));
    const button = document.querySelector(`button.jump[data-jump="${kind}"][data-index="${index}"]`);
    if (button) button.classList.add('active');
    const target = kind === 'violation' ? el(`violation-marker-${index}`) : timelineBox;
    if (target) target.scrollIntoView({ block: 'center' });
  }

  document.querySelectorAll('button.jump').forEach((b) => b.addEventListener('click', () => jump(b.getAttribute('data-jump'), Number(b.getAttribute('data-index')))));
  timelineBox.addEventListener('click', (ev) => {
    const t = ev.target.closest && ev.target.closest('[data-click]');
    if (!t) return;
    const kind = t.getAttribute('data-click');
    const index = Number(t.getAttribute('data-index'));
    if (kind === 'window') selectWindow(index);
    else jump(kind, index);
  });
  document.querySelectorAll('[data-zoom]').forEach((b) => b.addEventListener('click', () => {
    const a = b.getAttribute('data-zoom');
    const span = zoom.end - zoom.start;
    if (a === 'in') zoom.zoomAt(0.5);
    else if (a === 'out') zoom.zoomAt(2);
    else if (a === 'left') zoom.pan(-span / 3);
    else if (a === 'right') zoom.pan(span / 3);
    else zoom.reset();
  }));
  document.querySelectorAll('[data-mzoom]').forEach((b) => b.addEventListener('click', () => {
    if (!mzoom) return;
    const a = b.getAttribute('data-mzoom');
    if (a === 'in') mzoom.zoomAt(0.5);
    else if (a === 'out') mzoom.zoomAt(2);
    else mzoom.reset();
  }));
  ['timeline', 'throughput', 'latency'].forEach((id) => ui.attachZoom(el(id), zoom, LEFT, plotWidth));
  if (msg) {
    ui.attachZoom(messagesBox, { get start() { return mzoom.start; }, get end() { return mzoom.end; }, set: (a, b) => mzoom.set(a, b), pan: (d) => mzoom.pan(d), zoomAt: (f, at) => mzoom.zoomAt(f, at) }, LEFT, plotWidth);
    el('window-select').addEventListener('change', (ev) => selectWindow(Number(ev.target.value)));
  }
  let lastWidth = timelineBox.clientWidth;
  window.addEventListener('resize', () => {
    if (timelineBox.clientWidth === lastWidth) return;
    lastWidth = timelineBox.clientWidth;
    renderTimelineAndCharts();
    renderMessages();
  });

  legend();
  messagesLegend();
  renderTimelineAndCharts();
  if (msg && msg.windows.length) selectWindow(0);
  document.body.setAttribute('data-ready', 'true');
})();
