/**
 * What the HTML report tests share: Debian's chromium driven by playwright-core (one browser per
 * test file, pages reused), the errors a page logs, where screenshots go, and the page's time
 * mapping. Browser tests are skipped, saying why, only when /usr/bin/chromium is missing (CI
 * installs it).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_REASON = `skipped: ${CHROMIUM} is missing (CI installs Debian's chromium)`;

/** Screenshots and report files of the tests, kept for people to look at. */
export const OUT_DIR = join(tmpdir(), 'hasim-html-tests');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Writes a report under OUT_DIR and returns its path. */
export function writeReport(name: string, html: string): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, name);
  writeFileSync(path, html);
  return path;
}

export interface OpenedReport {
  page: Page;
  /** Console errors, page errors and failed requests (a report must fetch nothing). */
  errors: string[];
}

/** Opens a report file in a new page and waits until its script has drawn it. */
export async function openReport(browser: Browser, path: string, viewport = { width: 1400, height: 900 }): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) errors.push(`request: ${r.url()}`);
  });
  await page.goto(`file://${path}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  return { page, errors };
}

/** The time mapping an SVG of the report declares. */
export interface ViewMapping {
  startUs: number;
  endUs: number;
  left: number;
  width: number;
}

export async function viewOf(page: Page, svgId: string): Promise<ViewMapping> {
  const attrs = await page.$eval(`#${svgId}`, (svg) => ['data-view-start-us', 'data-view-end-us', 'data-plot-left', 'data-plot-width'].map((a) => Number(svg.getAttribute(a))));
  return { startUs: attrs[0], endUs: attrs[1], left: attrs[2], width: attrs[3] };
}

/** Where an instant is drawn under a mapping, in SVG user units. */
export function xAt(view: ViewMapping, us: number): number {
  return view.left + ((us - view.startUs) / (view.endUs - view.startUs)) * view.width;
}
