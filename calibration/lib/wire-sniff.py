#!/usr/bin/env python3
# The client's wire, for the keepalived calibration harness (calibration/keepalived.ts
# --sniff): a packet socket on the client's bridge port prints, with the kernel's receive
# timestamp (SO_TIMESTAMPNS, ms since the epoch, so scheduling delays at load do not move it),
# every frame that matters to the VIP's switch-over:
#   <ms> VRRP <src mac> <priority>              an advert (IP protocol 112)
#   <ms> ARP <op> <sender mac> <sender ip> <target ip>
#   <ms> REQ <dst mac> <seq>                    a client request to the service port
#   <ms> REP <src mac> <seq>                    a reply from it
# A frame on a bridge port is seen once whichever way it goes. Python, not Node: Node has no
# packet sockets. Usage: wire-sniff.py <interface> <service port>; stops on SIGTERM.
import socket
import struct
import sys

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35

iface, port = sys.argv[1], int(sys.argv[2])
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
sock.bind((iface, 0))
out = sys.stdout


def mac(raw):
    return ':'.join('%02x' % b for b in raw)


while True:
    frame, ancillary, _flags, _addr = sock.recvmsg(2048, socket.CMSG_SPACE(16))
    ms = None
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack('qq', data[:16])
            ms = sec * 1000 + nsec / 1e6
    if ms is None or len(frame) < 14:
        continue
    dst, src, ethertype = frame[0:6], frame[6:12], struct.unpack('!H', frame[12:14])[0]
    if ethertype == 0x0806 and len(frame) >= 42:
        op = struct.unpack('!H', frame[20:22])[0]
        out.write('%.3f ARP %d %s %s %s\n' % (ms, op, mac(frame[22:28]), socket.inet_ntoa(frame[28:32]), socket.inet_ntoa(frame[38:42])))
    elif ethertype == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 0x0F) * 4
        proto = frame[23]
        l4 = 14 + ihl
        if proto == 112 and len(frame) >= l4 + 3:
            out.write('%.3f VRRP %s %d\n' % (ms, mac(src), frame[l4 + 2]))
        elif proto == 17 and len(frame) >= l4 + 8:
            sport, dport = struct.unpack('!HH', frame[l4:l4 + 4])
            payload = frame[l4 + 8:].decode('ascii', 'replace')
            if dport == port:
                out.write('%.3f REQ %s %s\n' % (ms, mac(dst), payload.strip()))
            elif sport == port:
                out.write('%.3f REP %s %s\n' % (ms, mac(src), payload.split(' ')[-1].strip()))
    out.flush()
