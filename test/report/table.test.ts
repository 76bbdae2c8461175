/**
 * Table renderings: CSV quotes per RFC 4180, Markdown escapes pipes and newlines and aligns
 * numbers right, and the terminal box holds every cell.
 */
import { describe, expect, it } from 'vitest';
import { parseFormat, renderTable, type Tabular } from '../../src/report/table.ts';
import { fmt } from '../../src/report/format.ts';
import { InputError } from '../../src/sim/input-error.ts';

const t: Tabular = {
  columns: ['design', 'RTO p99', 'note'],
  rows: [
    ['raft', '1.20s', 'plain'],
    ['a,b', 3, 'say "hi"\nthen | go'],
  ],
};

describe('renderTable', () => {
  it('writes CSV with RFC 4180 quoting and CRLF line ends', () => {
    expect(renderTable(t, 'csv')).toBe('design,RTO p99,note\r\nraft,1.20s,plain\r\n"a,b",3,"say ""hi""\nthen | go"\r\n');
  });

  it('writes a Markdown table with escaped pipes, <br> for newlines, and right-aligned numbers', () => {
    expect(renderTable(t, 'md')).toBe(
      ['| design | RTO p99 | note |', '| :--- | ---: | ---: |', '| raft | 1.20s | plain |', '| a,b | 3 | say "hi"<br>then \\| go |', ''].join('\n'),
    );
  });

  it('draws a box holding every cell', () => {
    const box = renderTable({ columns: ['design', 'runs'], rows: [['raft', 1000]] }, 'table');
    expect(box).toContain('│ design │ runs │');
    expect(box).toContain('│ raft   │ 1000 │');
  });

  it('takes --format table, json, csv or md and nothing else', () => {
    expect(parseFormat('md')).toBe('md');
    expect(() => parseFormat('xml')).toThrow(InputError);
  });

  it('formats percentages, durations and tallies for people', () => {
    expect([fmt.pct(1), fmt.pct(0.99995), fmt.pct(0.5), fmt.pct(null)]).toEqual(['100%', '99.9950%', '50.00%', '-']);
    expect([fmt.ms(0.5), fmt.ms(250), fmt.ms(1500), fmt.ms(90_000)]).toEqual(['0.50ms', '250ms', '1.50s', '1.5min']);
    expect([fmt.tally({ total: 0, runs: 0 }), fmt.tally({ total: 3, runs: 1 })]).toEqual(['0', '3 (1 run)']);
  });
});
