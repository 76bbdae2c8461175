/*
 * The run page's Lamport message diagram (inlined after run-view.js): one lane per endpoint
 * (the design's nodes, then the exchange, clients and the rest), an arrow per message from its
 * send to its arrival, a cross where one was dropped or lost in flight, coloured by what it
 * does (heartbeat, replication, vote, fencing, order). It draws the selected message window on
 * its own time axis, opening zoomed in around the window's instant, with its own zoom and pan;
 * nodes that are down or paused are shaded in their lanes, faults across all of them.
 */
(function () {
  'use strict';
  const run = window.hasimRun;
  const { ui, esc, data, LEFT, AXIS_H, el, r2, plotWidth, highlight, state, laneIndex, faultSpans, svgOpen, axis } = run;
  const CATEGORIES = ['heartbeat', 'replication', 'vote', 'fencing', 'order', 'other'];
  /** Arrows drawn at most (zoom in for the rest), and shown when a window opens. */
  const MAX_DRAWN_MESSAGES = 5000;
  const INITIAL_MESSAGES = 150;
  const hiddenCategories = {};

  const messagesBox = el('messages');
  const msg = data.messages;
  let mzoom = null;
  const mxOf = (us) => LEFT + ((us - mzoom.start) / (mzoom.end - mzoom.start)) * plotWidth();
  const mcx = (us) => Math.max(LEFT - 2, Math.min(LEFT + plotWidth() + 2, mxOf(us)));

  function selectWindow(i, focusUs) {
    if (!msg || !msg.windows[i]) return;
    state.windowIndex = i;
    el('window-select').value = String(i);
    const w = msg.windows[i];
    mzoom = new ui.Zoom(w.startUs, Math.max(w.endUs, w.startUs + 1), 5, renderMessages);
    // Open zoomed in so that about INITIAL_MESSAGES arrows show around the window's instant.
    const count = w.messages.length / 6;
    const span = Math.max(2000, (w.endUs - w.startUs) * Math.min(1, INITIAL_MESSAGES / Math.max(1, count)));
    const at = focusUs === undefined ? w.focusUs : focusUs;
    mzoom.set(at - span / 4, at + (3 * span) / 4);
    run.renderTimeline();
  }

  function renderMessages() {
    if (!msg || !mzoom) return;
    const w = msg.windows[state.windowIndex];
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

  Object.assign(run, { messagesBox, msg, mzoom: () => mzoom, selectWindow, renderMessages, messagesLegend });
})();
