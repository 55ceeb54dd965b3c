#!/usr/bin/python3
"""PID 1 of a test host's PID namespace.

Reaps orphans (so crashed or re-parented processes never pile up as zombies) and, on SIGTERM,
stops every process of the host: SIGTERM to all, a bounded grace period, then SIGKILL to all.
When this process exits the kernel kills whatever is left in the namespace, so a host can never
leak a process past its teardown.
"""
import os
import signal
import sys
import time

GRACE_SECONDS = float(os.environ.get("HARNESS_STOP_GRACE", "5"))


def reap_all():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False  # no process left besides us
        if pid == 0:
            return True  # some still running


def shutdown(*_):
    try:
        os.kill(-1, signal.SIGTERM)  # in a PID namespace: every process but us
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        if not reap_all():
            sys.exit(0)
        time.sleep(0.05)
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    sys.exit(0)


def main():
    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write("ready\n")
    while True:  # polling keeps this free of lost-wakeup races; zombies live at most 200 ms
        reap_all()
        time.sleep(0.2)


if __name__ == "__main__":
    main()
