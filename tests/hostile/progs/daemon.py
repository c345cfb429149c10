# The daemon attack in Python: a double fork, setsid, SIGHUP and SIGTERM
# ignored, stdio closed, then exec of "sleep 1000" under the marked
# argv[0] read from stdin. The main process then waits for one more line
# on stdin and exits 0.
import os
import signal
import sys

mark = sys.stdin.readline().strip()
if os.fork() == 0:
    os.setsid()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if os.fork() == 0:
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.execv("/bin/sleep", [mark, "1000"])
    os._exit(0)
os.wait()
print("daemon started", flush=True)
sys.stdin.readline()
print("main exits")
