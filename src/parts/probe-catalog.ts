/**
 * Every bundled part that declares or emits a probe, imported for that alone: a schedule's
 * `when: { probe: ... }` is checked against all of them, whichever design is loaded, so a
 * profile that names the probes of several designs (a probe a design lacks simply never
 * fires there) is valid everywhere, and a misspelt name is still refused. A user's design
 * adds its own probes by being loaded. A part that adds a probe is listed here too (a test
 * checks the list against src/parts).
 */
import './async-replicator.ts';
import './common-probes.ts';
import './lock-client.ts';
import './redis-lock-store.ts';
import './patroni-node.ts';
import './postgres-replication.ts';
import './raft-election.ts';
import './redis-sentinel.ts';
import './lock-store-sentinel.ts';
import './sync-replicator.ts';
import './vrrp.ts';
import './wal-archiver.ts';
