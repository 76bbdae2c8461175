/*
 * The run page's wiring (inlined last): the jump list (a violation, fault, outage or split
 * brain clicked zooms the timeline to it, highlights it, picks the message window around it and
 * scrolls it into view), the zoom buttons, wheel and drag on every time axis, the message window
 * picker, redrawing on resize, and the first drawing. Sets `data-ready` on <body> once drawn.
 */
(function () {
  'use strict';
  const run = window.hasimRun;
  const { ui, data, LEFT, el, plotWidth, zoom, highlight, timelineBox, highlightedInterval, msg, messagesBox, selectWindow, renderMessages, renderTimelineAndCharts } = run;

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
    const mzoom = run.mzoom();
    if (!mzoom) return;
    const a = b.getAttribute('data-mzoom');
    if (a === 'in') mzoom.zoomAt(0.5);
    else if (a === 'out') mzoom.zoomAt(2);
    else mzoom.reset();
  }));
  ['timeline', 'throughput', 'latency'].forEach((id) => ui.attachZoom(el(id), zoom, LEFT, plotWidth));
  if (msg) {
    // The diagram's zoom is replaced when another window is picked: forward to the current one.
    ui.attachZoom(messagesBox, { get start() { return run.mzoom().start; }, get end() { return run.mzoom().end; }, set: (a, b) => run.mzoom().set(a, b), pan: (d) => run.mzoom().pan(d), zoomAt: (f, at) => run.mzoom().zoomAt(f, at) }, LEFT, plotWidth);
    el('window-select').addEventListener('change', (ev) => selectWindow(Number(ev.target.value)));
  }
  let lastWidth = timelineBox.clientWidth;
  window.addEventListener('resize', () => {
    if (timelineBox.clientWidth === lastWidth) return;
    lastWidth = timelineBox.clientWidth;
    renderTimelineAndCharts();
    renderMessages();
  });

  run.legend();
  run.messagesLegend();
  renderTimelineAndCharts();
  if (msg && msg.windows.length) selectWindow(0);
  document.body.setAttribute('data-ready', 'true');
})();
