"""Drives a QMP monitor with labgrid's QMPMonitor (a client no one at Switchover wrote):
query-status, stop, cont, query-version, query-migrate, an unknown command.

Usage: python3 qmp_basics.py QMP_SOCKET
Prints one "ok ..." line per step and "PASS" at the end; "FAIL: ..." and exit status 1 otherwise.
"""
import socket
import sys

from labgrid.util.qmp import QMPMonitor, QMPError


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def expect_status(monitor, expected):
    status = monitor.execute("query-status")
    if status.get("status") != expected or status.get("running") != (expected == "running"):
        fail("query-status is %r, expected %s" % (status, expected))
    print("ok query-status " + expected)


def main():
    if len(sys.argv) != 2:
        fail("usage: qmp_basics.py QMP_SOCKET")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(sys.argv[1])
    monitor = QMPMonitor(sock.makefile("rb"), sock.makefile("wb"))
    print("ok qmp_capabilities")
    expect_status(monitor, "running")
    monitor.execute("stop")  # its STOP event comes before the reply and is skipped by QMPMonitor
    expect_status(monitor, "paused")
    monitor.execute("cont")
    expect_status(monitor, "running")
    version = monitor.execute("query-version")
    if "qemu" not in version or "package" not in version:
        fail("query-version is %r" % version)
    print("ok query-version %(major)d.%(minor)d.%(micro)d" % version["qemu"])
    if monitor.execute("query-migrate") != {}:
        fail("query-migrate before any migration is not {}")
    print("ok query-migrate")
    try:
        monitor.execute("no-such-command")
    except (QMPError, TypeError):
        # QMPError(answer['error']) with QMP's error object: labgrid's own validator (msg must be
        # a str) turns that into a TypeError; either way the command failed as it should
        print("ok unknown command refused")
    else:
        fail("an unknown command did not fail")
    print("PASS")


if __name__ == "__main__":
    main()
