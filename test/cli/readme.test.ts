/**
 * The README's command reference is the CLI's own `--help` (regenerate: npm run readme:help),
 * and what the README says about exit codes is what the commands do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandReference, withReference } from '../../src/cli/help-reference.ts';
import { EXIT } from '../../src/cli/main.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the README', () => {
  it('holds the command reference exactly as --help prints it (npm run readme:help)', () => {
    expect(withReference(README, commandReference())).toBe(README);
  });

  it('states the exit codes the CLI uses', () => {
    const text = README.replace(/\s+/g, ' ');
    expect(text).toMatch(new RegExp(`Exit codes: ${EXIT.ok} fine, ${EXIT.violation} an invariant failed .*?\\), ${EXIT.input} bad input or usage .*?, ${EXIT.internal} internal error`));
    expect(text).toContain(`${EXIT.interrupted} after Ctrl-C (SIGINT) and ${EXIT.terminated} after SIGTERM`);
  });
});
