/*
 * Browser helpers every hasim report page shares (inlined into the page, no modules, no
 * dependencies): escaping for SVG markup, virtual-time formatting and axis ticks, a zoom/pan
 * controller over a time range, and the copy buttons. Exposed as `window.hasimUi`.
 */
(function () {
  'use strict';

  /** Escapes text for SVG/HTML markup. */
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /** An instant (µs) as seconds, with as many decimals as a span of `spanUs` needs. */
  function fmtTime(us, spanUs) {
    var decimals = spanUs === undefined ? 3 : Math.max(0, Math.min(6, Math.ceil(-Math.log10(Math.max(spanUs, 1) / 1e6)) + 1));
    return (us / 1e6).toFixed(decimals) + 's';
  }

  /** A duration (µs) for people: 48us, 2.5ms, 1.25s, 3m20s. */
  function fmtDuration(us) {
    if (us < 1000) return Math.round(us) + 'us';
    if (us < 1e6) return +(us / 1000).toFixed(us < 1e4 ? 2 : 1) + 'ms';
    if (us < 6e7) return +(us / 1e6).toFixed(3) + 's';
    var m = Math.floor(us / 6e7);
    return m + 'm' + Math.round((us - m * 6e7) / 1e6) + 's';
  }

  /** Round tick positions (µs) over [start, end] about `pixelsPerTick` apart on `widthPx`. */
  function ticks(start, end, widthPx, pixelsPerTick) {
    var span = Math.max(end - start, 1);
    var want = Math.max(2, widthPx / (pixelsPerTick || 110));
    var raw = span / want;
    var pow = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = pow;
    [1, 2, 5, 10].some(function (m) {
      step = m * pow;
      return step >= raw;
    });
    step = Math.max(1, step);
    var out = [];
    for (var t = Math.ceil(start / step) * step; t <= end; t += step) out.push(t);
    return { step: step, values: out };
  }

  /** Tick label for an instant on an axis whose ticks are `stepUs` apart. */
  function tickLabel(us, stepUs) {
    var decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(stepUs / 1e6))));
    return (us / 1e6).toFixed(decimals) + 's';
  }

  /** Nice upper bound for a linear axis. */
  function niceMax(x) {
    if (!(x > 0)) return 1;
    var pow = Math.pow(10, Math.floor(Math.log10(x)));
    var m = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find(function (k) { return k * pow >= x; });
    return m * pow;
  }

  /**
   * A time range [start, end] (µs) that buttons, the wheel and dragging change, bounded to
   * [min, max] and at least `minSpan` wide; `onChange` runs after every change.
   */
  function Zoom(min, max, minSpan, onChange) {
    this.min = min;
    this.max = max;
    this.minSpan = minSpan;
    this.start = min;
    this.end = max;
    this.onChange = onChange;
  }
  Zoom.prototype.set = function (start, end) {
    var span = Math.min(Math.max(end - start, this.minSpan), this.max - this.min);
    var center = (start + end) / 2;
    start = center - span / 2;
    if (start < this.min) start = this.min;
    if (start + span > this.max) start = this.max - span;
    this.start = start;
    this.end = start + span;
    this.onChange();
  };
  Zoom.prototype.zoomAt = function (factor, atUs) {
    var at = atUs === undefined ? (this.start + this.end) / 2 : atUs;
    var span = (this.end - this.start) * factor;
    if (span < this.minSpan) span = this.minSpan;
    var frac = (at - this.start) / (this.end - this.start);
    var start = at - frac * span;
    var s = Math.max(this.min, Math.min(start, this.max - span));
    this.start = s;
    this.end = Math.min(this.max, s + span);
    this.onChange();
  };
  Zoom.prototype.pan = function (deltaUs) {
    this.set(this.start + deltaUs, this.end + deltaUs);
  };
  Zoom.prototype.reset = function () {
    this.set(this.min, this.max);
  };

  /**
   * Wheel zooms around the pointer, dragging pans, over `element` whose plot spans
   * [left, left + width()] pixels.
   */
  function attachZoom(element, zoom, left, width) {
    element.addEventListener('wheel', function (ev) {
      var rect = element.getBoundingClientRect();
      var px = ev.clientX - rect.left - left;
      if (px < 0 || px > width()) return;
      ev.preventDefault();
      if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
        zoom.pan((ev.deltaX / width()) * (zoom.end - zoom.start));
        return;
      }
      var at = zoom.start + (px / width()) * (zoom.end - zoom.start);
      zoom.zoomAt(Math.exp(Math.max(-1, Math.min(1, ev.deltaY * 0.002))), at);
    }, { passive: false });
    var drag = null;
    element.addEventListener('pointerdown', function (ev) {
      if (ev.button !== 0 || (ev.target && ev.target.closest && ev.target.closest('[data-click]'))) return;
      drag = { x: ev.clientX, start: zoom.start, end: zoom.end };
      element.setPointerCapture(ev.pointerId);
      var svg = element.querySelector('svg');
      if (svg) svg.classList.add('dragging');
    });
    element.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var delta = ((drag.x - ev.clientX) / width()) * (drag.end - drag.start);
      zoom.set(drag.start + delta, drag.end + delta);
    });
    var stop = function () {
      drag = null;
      var svg = element.querySelector('svg');
      if (svg) svg.classList.remove('dragging');
    };
    element.addEventListener('pointerup', stop);
    element.addEventListener('pointercancel', stop);
  }

  /** Copy buttons: `<button data-copy="id">` copies the text of the element `id`. */
  function wireCopyButtons(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll('button[data-copy]'), function (button) {
      button.addEventListener('click', function () {
        var source = document.getElementById(button.getAttribute('data-copy'));
        if (!source) return;
        var text = source.textContent;
        var done = function () {
          button.textContent = 'copied';
          window.setTimeout(function () { button.textContent = 'copy'; }, 1200);
        };
        var fallback = function () {
          var range = document.createRange();
          range.selectNodeContents(source);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          try { document.execCommand('copy'); done(); } catch (e) { /* selected: the reader can copy by hand */ }
        };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
        else fallback();
      });
    });
  }

  window.hasimUi = { esc: esc, fmtTime: fmtTime, fmtDuration: fmtDuration, ticks: ticks, tickLabel: tickLabel, niceMax: niceMax, Zoom: Zoom, attachZoom: attachZoom, wireCopyButtons: wireCopyButtons };
  wireCopyButtons();
  // Pages without data to draw are ready now; the run page says so once it has drawn.
  if (!document.getElementById('hasim-data')) document.body.setAttribute('data-ready', 'true');
})();
