/**
 * The README's command reference, generated from the CLI's own `--help` (`npm run
 * readme:help` rewrites the block between `<!-- help:start -->` and `<!-- help:end -->`;
 * `test/cli/readme.test.ts` fails when the two differ), so the README never documents a flag
 * the CLI does not have, or misses one it has.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { program } from './main.ts';

export const HELP_START = '<!-- help:start -->';
export const HELP_END = '<!-- help:end -->';

/** Every command's help, as Markdown. */
export function commandReference(): string {
  const cli = program();
  const sections = [`\`\`\`text\n${cli.helpInformation()}\`\`\``];
  for (const command of cli.commands) sections.push(`#### hasim ${command.name()}\n\n\`\`\`text\n${command.helpInformation()}\`\`\``);
  return sections.join('\n\n');
}

/** The README with its reference block replaced by `reference`. */
export function withReference(readme: string, reference: string): string {
  const start = readme.indexOf(HELP_START);
  const end = readme.indexOf(HELP_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${HELP_START} ... ${HELP_END} block`);
  return `${readme.slice(0, start + HELP_START.length)}\n${reference}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const path = new URL('../../README.md', import.meta.url);
  writeFileSync(path, withReference(readFileSync(path, 'utf8'), commandReference()));
  process.stdout.write('README.md: command reference regenerated from --help\n');
}
