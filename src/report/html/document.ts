/**
 * The shell every HTML report shares: one self-contained file (inline CSS, inline SVG or a
 * script that draws it, the data as inline JSON; nothing fetched, so it opens offline and can be
 * attached to a ticket), and the escaping helpers the pages use. The output depends only on its
 * inputs (no timestamps, no randomness), so the same run gives the same bytes.
 *
 * The stylesheet and the browser scripts live beside this file in `client/` as plain CSS and
 * JavaScript (read once, inlined into every page).
 */
import { readFileSync } from 'node:fs';

export interface DocumentParts {
  title: string;
  /** A class on <body>: `run`, `check`, `compare`, `sweep`, `estimate`. */
  page: string;
  /** Markup of the body (already escaped). */
  body: string;
  /** Data for the page's script, embedded as JSON in `<script id="hasim-data">`. */
  data?: unknown;
  /** Browser scripts from `client/`, by file name, inlined in order. */
  scripts?: string[];
}

const assets = new Map<string, string>();

/** A file of `client/`, read once. */
export function asset(name: string): string {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8');
    assets.set(name, text);
  }
  return text;
}

export function htmlDocument(parts: DocumentParts): string {
  const scripts = (parts.scripts ?? []).map((name) => `<script>\n${scriptText(asset(name))}\n</script>`).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(parts.title)}</title>`,
    `<style>\n${asset('style.css')}</style>`,
    '</head>',
    `<body class="${esc(parts.page)}">`,
    parts.body,
    parts.data === undefined ? '' : `<script type="application/json" id="hasim-data">${jsonForScript(parts.data)}</script>`,
    scripts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element: no `</script>` or `<!--` can end it early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function scriptText(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script');
}

/** A `<code>` line with a copy button (the page scripts wire `data-copy`). */
export function copyable(text: string, id: string): string {
  return `<div class="copyable"><code id="${esc(id)}">${esc(text)}</code><button type="button" class="copy" data-copy="${esc(id)}" title="copy to the clipboard">copy</button></div>`;
}

/** A `<dl>` of facts, in the order given. */
export function facts(entries: [string, string][]): string {
  return `<dl class="facts">${entries.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

/** A plain table; cells are escaped. */
export function table(columns: string[], rows: (string | number)[][], className = 'data'): string {
  const head = `<thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="${esc(className)}">${head}<tbody>${body}</tbody></table>`;
}
