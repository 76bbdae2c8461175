/**
 * The HTML reports: one self-contained file per report (inline CSS, SVG and script; it opens
 * offline), deterministic byte for byte. `runHtml` draws one run (`hasim run|replay --html`),
 * `checkHtml`, `compareHtml` and `sweepHtml` a campaign's result file, `estimateHtml` a
 * long-horizon estimate.
 */
export { runHtml, type RunPageOptions } from './run-page.ts';
export { runData, type RunData } from './run-data.ts';
export { checkHtml } from './check-page.ts';
export { compareHtml, sweepHtml } from './compare-page.ts';
export { estimateHtml, estimateReportInput, type EstimateReportInput, type EstimateDesign } from './estimate-page.ts';
export { calibrationHtml } from './calibration-page.ts';
