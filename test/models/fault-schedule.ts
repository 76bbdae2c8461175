/** Builds a test schedule from fault lines (each a YAML flow mapping, as in a schedule file). */
import { parseSchedule, type Schedule } from '../../src/faults/schedule.ts';

export function faultSchedule(faultLines: string[], duration: string, settle: string): Schedule {
  const faults = faultLines.length ? `faults:\n${faultLines.map((l) => `  - ${l}`).join('\n')}` : 'faults: []';
  return parseSchedule(`name: t\nduration: ${duration}\nsettle: ${settle}\n${faults}\n`, '<test>');
}
