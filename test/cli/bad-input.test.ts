/**
 * Every kind of bad input a user can give hasim, in one table: each must end with exit 2,
 * exactly one line on stderr naming the file, field or flag and what was expected, nothing
 * on stdout, and no stack trace. The cases run in-process against the CLI's `main` (a
 * process per case would take minutes); `binary.test.ts` spawns the real `hasim` for a few.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFixtures } from './bad-input-fixtures.ts';
import { runCli } from './run-cli.ts';

const SHORT = new URL('../campaign/fixtures/short.yaml', import.meta.url).pathname;
const REL = 'scenarios/reliability/exponential-simple.yaml';
const ROOT = new URL('../..', import.meta.url).pathname;

/** [what, argv ($D: the fixtures folder), what stderr must match]. */
type Case = [string, string[], RegExp];

const designCases: Case[] = [
  ['a design with no nodes', ['run', '$D/no-nodes.mjs'], /no-nodes\.mjs: topology\.nodes: expected at least one node/],
  ['a design with duplicate node ids', ['run', '$D/dup-ids.mjs'], /dup-ids\.mjs: topology\.nodes\[1\]\.id: expected each node id once \(got "a"\)/],
  ['a design routing to an unknown node', ['run', '$D/route-unknown.mjs'], /topology\.routing\.targets\[1\]: expected a node of the topology \(a\) \(got "zz"\)/],
  ['a design routing to no node', ['run', '$D/route-empty.mjs'], /topology\.routing\.targets: expected a non-empty list/],
  ['a design with an unknown routing kind', ['run', '$D/route-kind.mjs'], /topology\.routing\.kind: expected one of direct, vip, dns, lb, discovery/],
  ['a design whose DNS points at an unknown node', ['run', '$D/dns-unknown.mjs'], /topology\.routing\.initial: expected a node of the topology/],
  ['a design with a zero LB threshold', ['run', '$D/lb-threshold.mjs'], /topology\.routing\.unhealthyThreshold: expected an integer >= 1/],
  ['a design with a node named exchange', ['run', '$D/reserved-id.mjs'], /topology\.nodes\[0\]\.id: expected an id other than the world's own/],
  ['a design with a node named client:1', ['run', '$D/client-id.mjs'], /topology\.nodes\[0\]\.id: expected/],
  ['a design with an empty node id', ['run', '$D/empty-id.mjs'], /topology\.nodes\[0\]\.id: expected a node id/],
  ['a design where no node serves', ['run', '$D/none-serving.mjs'], /topology\.nodes: expected at least one node that serves clients/],
  ['a design with a negative restart delay', ['run', '$D/neg-restart.mjs'], /topology\.nodes\[0\]\.supervisedRestart: expected a whole number of microseconds >= 0/],
  ['a design without routing', ['run', '$D/no-routing.mjs'], /topology\.routing: expected a routing/],
  ['a topology() returning null', ['run', '$D/topology-null.mjs'], /topology\(\): expected to return \{ nodes, routing \}/],
  ['a topology() that throws', ['run', '$D/topology-throws.mjs'], /topology\(\): expected to return the topology without throwing \(got "boom in topology"\)/],
  ['a parameter of an unknown kind', ['run', '$D/bad-param-kind.mjs'], /params\.x\.kind: expected one of duration, number/],
  ['a parameter default that does not parse', ['run', '$D/bad-param-default.mjs'], /params\.x\.default: expected a non-negative duration/],
  ['an enum parameter without values', ['run', '$D/bad-enum.mjs'], /params\.x\.values: expected a non-empty list of strings/],
  ['a design without a name', ['run', '$D/no-name.mjs'], /no-name\.mjs: name: expected a non-empty design name/],
  ['params given as a list', ['run', '$D/params-list.mjs'], /params-list\.mjs: params: expected a mapping/],
  ['a default export that is not a design', ['run', '$D/not-design.mjs'], /default export: expected a design made with defineDesign/],
  ['a module without a default export', ['run', '$D/no-default.mjs'], /default export: expected a design/],
  ['a design file that does not exist', ['run', '$D/nope.ts'], /nope\.ts: expected an existing design file/],
  ['an unknown bundled design', ['run', 'no-such-design'], /design: no-such-design: expected a bundled design/],
  ['check of a design with no nodes', ['check', '$D/no-nodes.mjs', '--runs', '1', '--workers', '0'], /topology\.nodes: expected at least one node/],
  ['compare of a design with duplicate ids', ['compare', 'single', '$D/dup-ids.mjs', '--workers', '0'], /topology\.nodes\[1\]\.id: expected each node id once/],
  ['sweep of a design routing nowhere', ['sweep', '$D/route-unknown.mjs', '--param', 'x=1,2'], /topology\.routing\.targets\[1\]/],
  ['list --params of a broken design', ['list', '--params', '$D/dup-ids.mjs'], /each node id once/],
  ['estimate of a design with no nodes', ['estimate', '$D/no-nodes.mjs', '--reliability', REL, '--workers', '0'], /topology\.nodes: expected at least one node/],
  ['replay of a design with no nodes', ['replay', '$D/no-nodes.mjs'], /topology\.nodes: expected at least one node/],
];

const scheduleCases: Case[] = [
  ['overlapping partition groups [[a, b], [b]]', ['run', 'hot-standby-naive', '-s', '$D/overlap-ab-b.yaml'], /faults\[0\]\.groups\[1\]\[0\]: expected groups that do not overlap \(b is already in group 1\)/],
  ['overlapping partition groups [[primary], [primary]]', ['run', 'hot-standby-naive', '-s', '$D/overlap-primary.yaml'], /groups that do not overlap \(primary is already in group 1\)/],
  ['others in two partition groups', ['run', 'hot-standby-naive', '-s', '$D/others-twice.yaml'], /faults\[0\]\.groups: expected others in at most one group/],
  ['a partition with one group', ['run', 'hot-standby-naive', '-s', '$D/one-group.yaml'], /faults\[0\]\.groups: expected a list of at least two groups/],
  ['a partition with an empty group', ['run', 'hot-standby-naive', '-s', '$D/empty-group.yaml'], /faults\[0\]\.groups\[1\]: expected a non-empty list/],
  ['a fault for 0s', ['run', 'single', '-s', '$D/for-zero.yaml'], /faults\[0\]\.for: expected a positive duration/],
  ['a fault lasting beyond the schedule', ['run', 'single', '-s', '$D/for-beyond.yaml'], /faults\[0\]\.for: expected a duration ending by the end of chaos: at most 5s from at 5s/],
  ['a negative for', ['run', 'single', '-s', '$D/for-negative.yaml'], /faults\[0\]\.for: expected/],
  ['a for without a unit', ['run', 'single', '-s', '$D/for-number.yaml'], /faults\[0\]\.for: expected/],
  ['duration: 100y', ['run', 'single', '-s', '$D/duration-100y.yaml'], /duration: expected a positive duration up to 1d/],
  ['duration: 99999999999y', ['run', 'single', '-s', '$D/duration-huge.yaml'], /duration: expected .*at most 200y/],
  ['duration: 2d', ['run', 'single', '-s', '$D/duration-2d.yaml'], /duration: expected a positive duration up to 1d/],
  ['settle: 100y', ['run', 'single', '-s', '$D/settle-100y.yaml'], /settle: expected a duration up to 1d/],
  ['duration: 0s', ['run', 'single', '-s', '$D/duration-zero.yaml'], /duration: expected a positive duration/],
  ['no duration', ['run', 'single', '-s', '$D/duration-missing.yaml'], /duration: expected the length of chaos/],
  ['a duration without a unit', ['run', 'single', '-s', '$D/duration-unitless.yaml'], /duration: expected/],
  ['a fault starting after chaos', ['run', 'single', '-s', '$D/at-beyond.yaml'], /faults\[0\]\.at: expected a start before the end of chaos/],
  ['a fault without at', ['run', 'single', '-s', '$D/at-missing.yaml'], /faults\[0\]\.at: expected a start time/],
  ['a negative at', ['run', 'single', '-s', '$D/at-negative.yaml'], /faults\[0\]\.at: expected/],
  ['an unknown fault kind', ['run', 'single', '-s', '$D/kind-unknown.yaml'], /faults\[0\]\.kind: expected a fault kind/],
  ['a fault without kind', ['run', 'single', '-s', '$D/kind-missing.yaml'], /faults\[0\]\.kind: expected a fault kind/],
  ['an unknown fault field', ['run', 'single', '-s', '$D/field-unknown.yaml'], /faults\[0\]\.colour: expected a field of crash/],
  ['a crash without target', ['run', 'single', '-s', '$D/target-missing.yaml'], /faults\[0\]\.target: expected a target for crash/],
  ['a target naming no node', ['run', 'single', '-s', '$D/target-unknown.yaml'], /faults\[0\]\.target: .*nosuchnode|faults\[0\]\.target: expected/],
  ['a target naming no rack', ['run', 'single', '-s', '$D/target-rack-unknown.yaml'], /faults\[0\]\.target/],
  ['a target with an unknown prefix', ['run', 'single', '-s', '$D/target-bad-prefix.yaml'], /faults\[0\]\.target: expected/],
  ['a loss probability of 2', ['run', 'single', '-s', '$D/loss-probability.yaml'], /faults\[0\]\.probability: expected/],
  ['a latency without delay', ['run', 'single', '-s', '$D/latency-missing.yaml'], /faults\[0\]\.delay: expected/],
  ['a clock jump by "soon"', ['run', 'single', '-s', '$D/clock-jump-bad.yaml'], /faults\[0\]\.by: expected/],
  ['a config error of an unknown parameter', ['run', 'single', '-s', '$D/config-error-unknown.yaml'], /nosuch/],
  ['an unknown top-level field', ['run', 'single', '-s', '$D/top-unknown.yaml'], /top-unknown\.yaml: colour: expected one of the fields/],
  ['faults as a mapping', ['run', 'single', '-s', '$D/faults-mapping.yaml'], /faults: expected a list of faults/],
  ['a fault that is a word', ['run', 'single', '-s', '$D/fault-scalar.yaml'], /faults\[0\]: expected a mapping/],
  ['a schedule that is a list', ['run', 'single', '-s', '$D/root-list.yaml'], /root-list\.yaml: expected a mapping with duration and faults/],
  ['a schedule that is a word', ['run', 'single', '-s', '$D/root-scalar.yaml'], /expected a mapping with duration and faults/],
  ['an empty schedule file', ['run', 'single', '-s', '$D/empty.yaml'], /empty\.yaml: expected a mapping/],
  ['a YAML syntax error', ['run', 'single', '-s', '$D/bad-yaml.yaml'], /bad-yaml\.yaml: line \d+: expected valid YAML/],
  ['a duplicate YAML key', ['run', 'single', '-s', '$D/duplicate-key.yaml'], /duplicate-key\.yaml: line 2: expected valid YAML/],
  ['a name that is a number', ['run', 'single', '-s', '$D/name-number.yaml'], /name: expected a non-empty name/],
  ['a description that is a list', ['run', 'single', '-s', '$D/description-list.yaml'], /description: expected a line of text/],
  ['a schedule file that does not exist', ['run', 'single', '-s', '$D/nope.yaml'], /nope\.yaml: expected a readable schedule file \(got no such file\)/],
  ['an unknown bundled scenario', ['run', 'single', '-s', 'no-such-scenario'], /scenario: no-such-scenario: expected a bundled scenario/],
  ['check with an overlapping partition', ['check', 'hot-standby-naive', '-s', '$D/overlap-primary.yaml', '--runs', '1', '--workers', '0'], /groups that do not overlap/],
  ['check with duration 100y', ['check', 'single', '-s', '$D/duration-100y.yaml', '--runs', '1', '--workers', '0'], /duration: expected a positive duration up to 1d/],
  ['compare with for beyond the schedule', ['compare', 'single', '-s', '$D/for-beyond.yaml', '--workers', '0'], /faults\[0\]\.for: expected a duration ending/],
  ['sweep with a fault for 0s', ['sweep', 'single', '--param', 'restartSec=1s,2s', '-s', '$D/for-zero.yaml', '--workers', '0'], /faults\[0\]\.for: expected a positive duration/],
  ['replay with a broken schedule', ['replay', 'single', '-s', '$D/kind-unknown.yaml'], /faults\[0\]\.kind/],
  ['a random profile file that is empty', ['run', 'single', '--profile', '$D/profile-empty.yaml'], /profile-empty\.yaml/],
  ['a random profile without faults', ['check', 'single', '--profile', '$D/profile-no-faults.yaml', '--runs', '1', '--workers', '0'], /profile-no-faults\.yaml: faults/],
  ['a random profile with an unknown kind', ['check', 'single', '--profile', '$D/profile-bad-kind.yaml', '--runs', '1', '--workers', '0'], /profile-bad-kind\.yaml: faults\[0\]\.kind/],
  ['a random profile of 100y', ['check', 'single', '--profile', '$D/profile-huge.yaml', '--runs', '1', '--workers', '0'], /profile-huge\.yaml: duration: expected/],
  ['an unknown bundled profile', ['check', 'single', '--profile', 'nope', '--runs', '1'], /profile: nope: expected a bundled random profile/],
  ['a profile file that does not exist', ['run', 'single', '--profile', '$D/nope.yaml'], /nope\.yaml: expected an existing random profile file/],
];

const setCases: Case[] = [
  ['--set without =', ['run', 'single', '--set', 'restartSec'], /--set: restartSec: expected name=value/],
  ['--set =value', ['run', 'single', '--set', '=5s'], /--set: =5s: expected name=value/],
  ['a repeated --set', ['run', 'single', '--set', 'restartSec=1s', '--set', 'restartSec=2s'], /--set: restartSec: expected each parameter set once \(got restartSec=1s and restartSec=2s\)/],
  ['--set restartSec=99999999999y', ['run', 'single', '--set', 'restartSec=99999999999y'], /--set: restartSec: expected .*\(at most 200y\) \(got "99999999999y"\)/],
  ['--set of an unknown parameter', ['run', 'single', '--set', 'nosuch=1'], /--set: nosuch: expected a parameter of single/],
  ['--set of a duration without unit', ['run', 'single', '--set', 'restartSec=5'], /--set: restartSec: expected a non-negative duration/],
  ['--set electionTimeout=0s', ['run', 'raft', '--set', 'electionTimeout=0s'], /--set: electionTimeout: expected a positive duration/],
  ['--set heartbeatInterval above electionTimeout', ['run', 'raft', '--set', 'heartbeatInterval=2s'], /--set: heartbeatInterval: expected a duration shorter than electionTimeout \(1s\) \(got 2s\)/],
  ['--set nodes=4 on raft', ['run', 'raft', '--set', 'nodes=4'], /--set: nodes: expected an integer: 3, 5 or 7 \(got "4"\)/],
  ['--set nodes=3.5 on raft', ['run', 'raft', '--set', 'nodes=3.5'], /--set: nodes: expected an integer/],
  ['--set of a boolean to maybe', ['run', 'raft', '--set', 'preVote=maybe'], /--set: preVote: expected true or false/],
  ['--set of an enum to a stranger', ['run', 'hot-standby-stonith', '--set', 'stonithAction=explode'], /--set: stonithAction: expected one of reboot, off/],
  ['--set below a minimum', ['run', 'raft', '--set', 'maxEntriesPerAppend=0'], /--set: maxEntriesPerAppend: expected an integer >= 1/],
  ['--set of a number to text', ['run', 'raft', '--set', 'maxEntriesPerAppend=many'], /maxEntriesPerAppend: expected an integer/],
  ['check with a repeated --set', ['check', 'single', '--set', 'restartSec=1s', '--set', 'restartSec=1s', '--runs', '1'], /each parameter set once/],
  ['check with an unknown --set', ['check', 'single', '--set', 'nosuch=1', '--runs', '1', '--workers', '0'], /--set: nosuch: expected a parameter of single/],
  ['compare with a repeated --set', ['compare', 'single', '--set', 'restartSec=1s', '--set', 'restartSec=2s'], /each parameter set once/],
  ['compare with a --set no design has', ['compare', 'single', 'raft', '--set', 'nosuch=1', '--workers', '0'], /--set: nosuch: expected a parameter of at least one compared design/],
  ['compare with --set of a design not compared', ['compare', 'single', '--set', 'raft:nodes=5', '--workers', '0'], /--set: raft: expected one of the compared designs/],
  ['compare with --set design: without a name', ['compare', 'single', '--set', 'single:=1'], /--set: single:=1: expected design:name=value/],
  ['compare with a bad --set value', ['compare', 'raft', '--set', 'nodes=4', '--workers', '0'], /nodes: expected an integer: 3, 5 or 7/],
  ['estimate with an unknown --set', ['estimate', 'hot-standby-stonith', '--reliability', REL, '--set', 'nosuch=1', '--workers', '0'], /--set: nosuch: expected a parameter of at least one estimated design/],
  ['estimate with --set of a design not estimated', ['estimate', 'single', '--reliability', REL, '--set', 'raft:nodes=5', '--workers', '0'], /--set: raft: expected one of the estimated designs/],
  ['estimate with a bad --set value', ['estimate', 'raft', '--reliability', REL, '--set', 'nodes=4', '--workers', '0'], /nodes: expected an integer: 3, 5 or 7/],
  ['estimate with a repeated --set', ['estimate', 'single', '--reliability', REL, '--set', 'restartSec=1s', '--set', 'restartSec=1s'], /each parameter set once/],
  ['sweep --param nodes=3..5:1 on raft', ['sweep', 'raft', '--param', 'nodes=3..5:1', '--workers', '0'], /--param: nodes: expected an integer: 3, 5 or 7 \(got "4"\)/],
  ['sweep --param of an unknown parameter', ['sweep', 'raft', '--param', 'nosuch=1,2'], /--param: nosuch: expected a parameter of raft/],
  ['sweep --param without =', ['sweep', 'raft', '--param', 'nodes'], /--param: expected name=v1,v2/],
  ['sweep --param with an empty value', ['sweep', 'raft', '--param', 'nodes=3,,5'], /--param: expected name=v1,v2/],
  ['sweep --param with a backwards range', ['sweep', 'raft', '--param', 'electionTimeout=5s..1s:1s'], /--param: expected a range start\.\.end:step with start <= end/],
  ['sweep --param with a zero step', ['sweep', 'raft', '--param', 'electionTimeout=1s..5s:0s'], /positive step/],
  ['sweep --param with a mixed range', ['sweep', 'raft', '--param', 'electionTimeout=1s..5:1s'], /--param: expected a range of numbers/],
  ['sweep --param of 5000 values', ['sweep', 'raft', '--param', 'maxEntriesPerAppend=1..5000'], /at most 1000 values/],
  ['sweep --param with a repeated value', ['sweep', 'raft', '--param', 'nodes=3,3'], /--param: nodes: expected each value once/],
  ['sweep --param with a bad duration', ['sweep', 'raft', '--param', 'electionTimeout=1s,0s', '--workers', '0'], /--param: electionTimeout: expected a positive duration/],
  ['sweep of a parameter also --set', ['sweep', 'raft', '--param', 'nodes=3,5', '--set', 'nodes=5'], /--set: nodes: expected a parameter other than the swept one/],
  ['sweep without --param', ['sweep', 'raft'], /required option '--param/],
];

const flagCases: Case[] = [
  ['an unknown command', ['launch'], /unknown command 'launch'/],
  ['an unknown option', ['run', 'single', '--bogus'], /unknown option '--bogus'/],
  ['run without a design', ['run'], /missing required argument 'design'/],
  ['run with two designs', ['run', 'single', 'raft'], /too many arguments/],
  ['run with both -s and --profile', ['run', 'single', '-s', 'gc-pause', '--profile', 'random-default'], /--profile: expected either -s\/--scenario or --profile, not both/],
  ['run --seed -1', ['run', 'single', '--seed', '-1'], /--seed: expected a non-negative integer seed/],
  ['run --seed abc', ['run', 'single', '--seed', 'abc'], /--seed: expected a non-negative integer seed \(got "abc"\)/],
  ['run --seed 1.5', ['run', 'single', '--seed', '1.5'], /--seed: expected a non-negative integer seed/],
  ['run --seed beyond 2^53', ['run', 'single', '--seed', '99999999999999999999'], /--seed: expected a non-negative integer seed/],
  ['run --seed without a value', ['run', 'single', '--seed'], /option '--seed <n>' argument missing/],
  ['run --html-window backwards', ['run', 'single', '--html', '$D/w.html', '--html-window', '5s..1s'], /--html-window: expected FROM\.\.TO/],
  ['run --html-window without ..', ['run', 'single', '--html', '$D/w.html', '--html-window', '5s'], /--html-window: expected FROM\.\.TO/],
  ['run --run-timeout 0', ['run', 'single', '--run-timeout', '0'], /--run-timeout: expected an integer >= 1/],
  ['replay --expect-hash xyz', ['replay', 'single', '--expect-hash', 'xyz'], /--expect-hash: expected a trace hash/],
  ['check without a design', ['check'], /missing required argument 'design'/],
  ['check --runs 0', ['check', 'single', '--runs', '0'], /--runs: expected an integer >= 1 \(got "0"\)/],
  ['check --runs -1', ['check', 'single', '--runs', '-1'], /--runs: expected an integer >= 1/],
  ['check --runs 1e3', ['check', 'single', '--runs', '1e3'], /--runs: expected an integer >= 1/],
  ['check --runs many', ['check', 'single', '--runs', 'many'], /--runs: expected an integer >= 1/],
  ['check --workers two', ['check', 'single', '--workers', 'two'], /--workers: expected an integer >= 0/],
  ['check --workers -1', ['check', 'single', '--workers', '-1'], /--workers: expected an integer >= 0/],
  ['check --shard 3/2', ['check', 'single', '--shard', '3/2'], /--shard: expected i\/n with 1 <= i <= n/],
  ['check --shard 0/2', ['check', 'single', '--shard', '0/2'], /--shard: expected i\/n/],
  ['check --shard half', ['check', 'single', '--shard', 'half'], /--shard: expected i\/n/],
  ['check --max-failures -2', ['check', 'single', '--max-failures', '-2'], /--max-failures: expected an integer >= 0/],
  ['check --shrink-runs lots', ['check', 'single', '--shrink-runs', 'lots'], /--shrink-runs: expected an integer >= 0/],
  ['check --max-events 0', ['check', 'single', '--max-events', '0'], /--max-events: expected an integer >= 1/],
  ['check --run-timeout 0', ['check', 'single', '--run-timeout', '0'], /--run-timeout: expected an integer >= 1/],
  ['check --run-timeout with --workers 0', ['check', 'single', '--run-timeout', '5', '--workers', '0'], /--run-timeout: expected worker threads/],
  ['check --run-timeout soon', ['check', 'single', '--run-timeout', 'soon'], /--run-timeout: expected an integer >= 1/],
  ['check --seed x', ['check', 'single', '--seed', 'x'], /--seed: expected a non-negative integer seed/],
  ['check --invariants of an unknown one', ['check', 'single', '--invariants', 'single-primary,nope', '--workers', '0'], /--invariants: expected invariant names among/],
  ['check with a profile and schedules', ['check', 'single', '--profile', 'random-default', '-s', 'gc-pause', '--workers', '0'], /--profile: expected either a random profile or schedules/],
  ['check --resume of a missing file', ['check', 'single', '--resume', '$D/nope.json'], /nope\.json/],
  ['check --resume of a non-JSON file', ['check', 'single', '--resume', '$D/not-json.json'], /not-json\.json/],
  ['check --resume of a non-campaign file', ['check', 'single', '--resume', '$D/not-campaign.json'], /not-campaign\.json/],
  ['check the same design twice', ['check', 'single', 'single', '--workers', '0', '--runs', '1'], /design: single: expected each design/],
  ['compare --format xml', ['compare', 'single', '--format', 'xml'], /--format: expected one of table, json, csv, md/],
  ['compare --runs 0', ['compare', 'single', '--runs', '0'], /--runs: expected an integer >= 1/],
  ['compare --seed -3', ['compare', 'single', '--seed', '-3'], /--seed: expected a non-negative integer seed/],
  ['compare --workers x', ['compare', 'single', '--workers', 'x'], /--workers: expected an integer >= 0/],
  ['compare --max-events 0', ['compare', 'single', '--max-events', '0'], /--max-events: expected an integer >= 1/],
  ['compare --invariants nope', ['compare', 'single', '--invariants', 'nope', '--workers', '0'], /--invariants: expected invariant names/],
  ['compare of an unknown design', ['compare', 'single', 'nope', '--workers', '0'], /design: nope: expected a bundled design/],
  ['sweep --format pdf', ['sweep', 'raft', '--param', 'nodes=3,5', '--format', 'pdf'], /--format: expected one of table, json, csv, md/],
  ['sweep --runs x', ['sweep', 'raft', '--param', 'nodes=3,5', '--runs', 'x'], /--runs: expected an integer >= 1/],
  ['merge without files', ['merge'], /missing required argument 'files'/],
  ['merge of a missing file', ['merge', '$D/nope.json'], /nope\.json/],
  ['merge of a non-JSON file', ['merge', '$D/not-json.json'], /not-json\.json/],
  ['merge of a non-campaign JSON', ['merge', '$D/not-campaign.json'], /not-campaign\.json/],
  ['estimate without --reliability', ['estimate', 'single'], /required option '--reliability/],
  ['estimate of a missing reliability file', ['estimate', 'single', '--reliability', '$D/nope.yaml'], /nope\.yaml/],
  ['estimate of an empty reliability file', ['estimate', 'single', '--reliability', '$D/rel-empty.yaml'], /rel-empty\.yaml/],
  ['estimate with an MTTF of soon', ['estimate', 'single', '--reliability', '$D/rel-bad-mttf.yaml'], /rel-bad-mttf\.yaml: components\.server\.mttf/],
  ['estimate with an unknown reliability field', ['estimate', 'single', '--reliability', '$D/rel-unknown.yaml'], /rel-unknown\.yaml: colour/],
  ['estimate --years 0', ['estimate', 'single', '--reliability', REL, '--years', '0'], /--years: expected a positive number of years/],
  ['estimate --years many', ['estimate', 'single', '--reliability', REL, '--years', 'many'], /--years: expected a positive number/],
  ['estimate --confidence 1', ['estimate', 'single', '--reliability', REL, '--confidence', '1'], /--confidence: expected a number between 0 and 1/],
  ['estimate --confidence 95', ['estimate', 'single', '--reliability', REL, '--confidence', '95'], /--confidence: expected a number between 0 and 1/],
  ['estimate --simulations 0', ['estimate', 'single', '--reliability', REL, '--simulations', '0'], /--simulations: expected an integer >= 1/],
  ['estimate --simulations some', ['estimate', 'single', '--reliability', REL, '--simulations', 'some'], /--simulations: expected/],
  ['estimate --orders-per-second 0', ['estimate', 'single', '--reliability', REL, '--orders-per-second', '0'], /--orders-per-second: expected a positive number/],
  ['estimate --incident-orders-per-second -1', ['estimate', 'single', '--reliability', REL, '--incident-orders-per-second', '-1'], /--incident-orders-per-second: expected a positive number/],
  ['estimate --workers x', ['estimate', 'single', '--reliability', REL, '--workers', 'x'], /--workers: expected an integer >= 0/],
  ['estimate --seed x', ['estimate', 'single', '--reliability', REL, '--seed', 'x'], /--seed: expected a non-negative integer seed/],
  ['estimate --format yaml', ['estimate', 'single', '--reliability', REL, '--format', 'yaml'], /--format: expected one of table, json, csv, md/],
  ['estimate of an unknown design', ['estimate', 'nope', '--reliability', REL], /design: nope: expected a bundled design/],
  ['list --params without a design', ['list', '--params'], /option '--params <design>' argument missing/],
  ['list --params of an unknown design', ['list', '--params', 'nope'], /design: nope: expected a bundled design/],
  ['list with an argument', ['list', 'designs'], /too many arguments/],
];

/** Output paths: a directory, a path under a regular file; checked before any work. */
const outputCases: Case[] = [];
const OUTPUT_FLAGS: [string, string[], string[]][] = [
  ['run', ['run', 'single'], ['--json', '--html', '--trace']],
  ['replay', ['replay', 'single'], ['--json', '--html', '--trace']],
  ['check', ['check', 'single', '--runs', '1', '--workers', '0', '-s', SHORT], ['--json', '--junit', '--html']],
  ['compare', ['compare', 'single', '--workers', '0', '-s', SHORT], ['--json', '--html']],
  ['sweep', ['sweep', 'single', '--param', 'restartSec=1s,2s', '--workers', '0', '-s', SHORT], ['--json', '--html']],
  ['merge', ['merge', '$D/not-campaign.json'], ['--json', '--junit', '--html']],
  ['estimate', ['estimate', 'single', '--reliability', REL, '--workers', '0', '--years', '1'], ['--json', '--html']],
];
for (const [command, base, flags] of OUTPUT_FLAGS) {
  for (const flag of flags) {
    outputCases.push([`${command} ${flag} to a directory`, [...base, flag, '$D/outdir'], new RegExp(`^hasim: ${flag}: .*outdir: expected a file path, not a directory`)]);
    outputCases.push([`${command} ${flag} under a regular file`, [...base, flag, '$D/plain.txt/out.x'], new RegExp(`^hasim: ${flag}: .*plain\\.txt/out\\.x: expected a file path in a folder \\(.*plain\\.txt is a regular file\\)`)]);
  }
}
outputCases.push(
  ['check --failures-dir that is a file', ['check', 'single', '--runs', '1', '--workers', '0', '-s', SHORT, '--failures-dir', '$D/plain.txt'], /--failures-dir: .*plain\.txt: expected a folder path, not an existing file/],
  ['merge --failures-dir under a file', ['merge', '$D/not-campaign.json', '--failures-dir', '$D/plain.txt/f'], /--failures-dir: .*: expected a folder path in a folder/],
  ['run --json ""', ['run', 'single', '--json', ''], /--json: expected a file path/],
);

const CASES: Case[] = [...designCases, ...scheduleCases, ...setCases, ...flagCases, ...outputCases];

let dir: string;
beforeAll(() => {
  dir = writeFixtures();
});

describe('bad input: exit 2 and one line on stderr, for every kind', () => {
  it(`has at least 150 kinds (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CASES.map(([what]) => what)).size).toBe(CASES.length);
  });

  for (const [what, args, message] of CASES) {
    it(what, async () => {
      const argv = args.map((a) => a.replace('$D', dir));
      const r = await runCli(argv, { cwd: ROOT });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(/^hasim: [^\n]+\n$/);
      expect(r.stderr).not.toMatch(/\bat \S+:\d+:\d+\)?$|internal error/m);
      expect(r.stderr).toMatch(message);
    });
  }

  it('writes nothing when an output path is refused (checked before any work)', async () => {
    const r = await runCli(['check', 'single', '--runs', '1', '--workers', '0', '-s', SHORT, '--json', join(dir, 'fresh.json'), '--html', join(dir, 'outdir')], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'fresh.json'))).toBe(false);
  });
});
