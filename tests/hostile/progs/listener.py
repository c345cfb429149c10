#!/usr/bin/python3
"""A host-side listener for the network test: TCP and UDP on one port of
every host address (IPv6 dual stack when the host has it), an abstract
unix socket and a unix socket on a path. Every connection or datagram is
logged, one line each, to LOG. The chosen port goes to READY once all are
listening. Runs until killed.

usage: listener.py LOG READY ABSTRACT_NAME UNIX_PATH"""
import os
import select
import socket
import sys

log_path, ready_path, abstract, unix_path = sys.argv[1:5]


def log(what):
    with open(log_path, "a") as f:
        f.write(what + "\n")


try:
    tcp = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    tcp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    tcp.bind(("::", 0))
    family, any_addr = socket.AF_INET6, "::"
except OSError:
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("0.0.0.0", 0))
    family, any_addr = socket.AF_INET, "0.0.0.0"
tcp.listen(16)
port = tcp.getsockname()[1]
udp = socket.socket(family, socket.SOCK_DGRAM)
if family == socket.AF_INET6:
    udp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
udp.bind((any_addr, port))
ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ab.bind("\0" + abstract)
ab.listen(16)
un = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
un.bind(unix_path)
os.chmod(unix_path, 0o777)
un.listen(16)

with open(ready_path + ".tmp", "w") as f:
    f.write("%d\n" % port)
os.rename(ready_path + ".tmp", ready_path)

while True:
    r, _, _ = select.select([tcp, udp, ab, un], [], [])
    for s in r:
        if s is udp:
            data, peer = udp.recvfrom(4096)
            log("udp %s %r" % (peer, data))
            continue
        conn, peer = s.accept()
        conn.settimeout(1)
        try:
            data = conn.recv(4096)
        except OSError:
            data = b""
        conn.close()
        kind = {tcp: "tcp", ab: "abstract", un: "unix"}[s]
        log("%s %s %r" % (kind, peer, data))
