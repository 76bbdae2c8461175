#!/usr/bin/perl
# A fence agent for the Pacemaker calibration harness (calibration/pacemaker.ts): the "hosts"
# are network namespaces, and fencing one is a hard power-off: its interface goes down (no
# more answers on the wire, as a powered-off NIC) and every process in its namespace is
# SIGKILLed. The time of each step is appended to the harness's log, in ms since the epoch.
#
# It speaks the fence-agents protocol Pacemaker's fencer uses (key=value lines on stdin, or
# `-o action` on the command line; `metadata` prints the XML the fencer reads). The harness
# bind-mounts it over /usr/sbin/fence_dummy inside each node's private mount namespace, so the
# machine's own fence agents are untouched. Perl, not Python or sh: it starts and walks /proc in
# about 10 ms, so the agent's own time is small beside Pacemaker's.
use strict;
use warnings;
use Time::HiRes qw(time);

my %arg;
if (@ARGV >= 2 && $ARGV[0] eq '-o') {
  $arg{action} = $ARGV[1];
} else {
  while (my $line = <STDIN>) {
    chomp $line;
    $arg{$1} = $2 if $line =~ /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/;
  }
}
my $action = $arg{action} // $arg{option} // 'reboot';
my $target = $arg{port} // $arg{plug} // $arg{nodename} // '';
my $dir = $arg{calib_dir} // '';

if ($action eq 'metadata') {
  print <<'XML';
<?xml version="1.0" ?>
<resource-agent name="fence_dummy" shortdesc="hasim calibration: powers off a network-namespace host">
<longdesc>Takes the target namespace's interface down and SIGKILLs every process in it.</longdesc>
<parameters>
<parameter name="port" unique="0" required="0"><getopt mixed="-n, --plug=[id]"/><content type="string"/><shortdesc lang="en">target host</shortdesc></parameter>
<parameter name="calib_dir" unique="0" required="0"><getopt mixed="--calib-dir=[dir]"/><content type="string"/><shortdesc lang="en">harness directory (target-HOST.ino, target-HOST.ns, fence.log)</shortdesc></parameter>
<parameter name="action" unique="0" required="0"><getopt mixed="-o, --action=[action]"/><content type="string" default="reboot"/><shortdesc lang="en">action</shortdesc></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/><action name="monitor"/><action name="list"/><action name="metadata"/></actions>
</resource-agent>
XML
  exit 0;
}
exit 0 if $action =~ /^(monitor|status|list|on|validate-all)$/;
exit 1 unless $action =~ /^(off|reboot)$/ && $target =~ /^[a-z]$/ && $dir ne '';

sub logline {
  open(my $log, '>>', "$dir/fence.log") or return;
  printf $log "%.3f %s %s %s\n", time() * 1000, $_[0], $action, $target;
  close $log;
}

sub slurp {
  open(my $f, '<', $_[0]) or die "fence: $_[0]: $!";
  my $v = <$f>;
  close $f;
  chomp $v;
  return $v;
}

logline('begin');
my $ino = slurp("$dir/target-$target.ino");
my $ns = slurp("$dir/target-$target.ns");
# the NIC first: a powered-off host stops answering at once
system('nsenter', "--net=$ns", 'ip', 'link', 'set', 'eth0', 'down');
opendir(my $proc, '/proc') or die "fence: /proc: $!";
for my $pid (grep { /^\d+$/ } readdir $proc) {
  my $net = readlink("/proc/$pid/ns/net");
  kill 'KILL', $pid if defined $net && $net eq $ino;
}
closedir $proc;
logline('done');
exit 0;
