/*
 * The run page's shared state (inlined before timeline.js, messages.js and run-main.js): the
 * embedded run data, the geometry every time axis uses (a label gutter, then the plot), the
 * zoom of the timeline, what is highlighted, and small SVG helpers. Exposed as
 * `window.hasimRun`; the other run scripts add their drawing functions to it.
 *
 * SVG elements carry their virtual times (`data-start-us`, `data-time-us`, ...) and each SVG
 * its mapping (`data-view-start-us`, `data-view-end-us`, `data-plot-left`, `data-plot-width`),
 * so tests can check positions against the history.
 */
(function () {
  'use strict';
  const ui = window.hasimUi;
  const data = JSON.parse(document.getElementById('hasim-data').textContent);
  const LEFT = 150;
  const RIGHT = 16;
  const AXIS_H = 24;
  const el = (id) => document.getElementById(id);
  const r2 = (x) => Math.round(x * 100) / 100;
  const timelineBox = el('timeline');
  const run = {};
  const plotWidth = () => Math.max(240, timelineBox.clientWidth - LEFT - RIGHT);
  // the whole run, boot included: boot's events have negative times
  const zoom = new ui.Zoom(data.startUs, Math.max(data.startUs + 1, data.endUs), 20, () => run.renderTimelineAndCharts());
  const xOf = (us) => LEFT + ((us - zoom.start) / (zoom.end - zoom.start)) * plotWidth();
  /** x clamped just outside the plot, so shapes partly in view do not get huge coordinates. */
  const cx = (us) => Math.max(LEFT - 2, Math.min(LEFT + plotWidth() + 2, xOf(us)));
  const visible = (start, end) => end >= zoom.start && start <= zoom.end;
  /** What a jump highlighted (`violation`, `fault`, `outage`, `split`), and the message window shown. */
  const highlight = { kind: null, index: -1 };
  const state = { windowIndex: 0 };

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

  Object.assign(run, { ui, esc: ui.esc, data, LEFT, RIGHT, AXIS_H, el, r2, timelineBox, plotWidth, zoom, xOf, cx, visible, highlight, state, laneIndex, union, faultSpans, outageSpans, targetSpans, svgOpen, axis, shadeRects, shading, highlightedInterval });
  window.hasimRun = run;
})();
