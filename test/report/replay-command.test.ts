import { describe, expect, it } from 'vitest';
import { replayCommand, shellWord } from '../../src/report/replay-command.ts';

describe('the printed replay command', () => {
  it('carries the schedule or profile, seed, overrides, invariant modules, workload and hash, in that order', () => {
    expect(
      replayCommand({ design: 'raft', seed: 7, scenario: 'fails/raft seed7.yaml', sets: ['nodes=5'], invariantModules: ['inv/mine.ts'], runArgs: ['--rate 50'], expectHash: 'abc123' }),
    ).toBe("hasim replay raft -s 'fails/raft seed7.yaml' --seed 7 --set nodes=5 --invariant-module inv/mine.ts --rate 50 --expect-hash abc123");
    expect(replayCommand({ design: './my design.ts', seed: 1, profile: 'random-default' })).toBe("hasim replay './my design.ts' --profile random-default --seed 1");
  });

  it('quotes a word for a POSIX shell only when it needs it', () => {
    expect(shellWord('a/b-c.ts')).toBe('a/b-c.ts');
    expect(shellWord("it's x")).toBe(`'it'\\''s x'`);
  });
});
