# Runs a command and reports what the kernel accounted to it, so the peers bench can compare a
# Node CLI and a Python CLI alike: peak RSS and CPU time from wait4(2), and the exact moment the
# command was exec'd (CLOCK_MONOTONIC, the clock of Node's process.hrtime).
#   python3 rusage.py CMD ARGS...
# On fd 3 (a pipe from the bench): "exec <pid> <monotonic ns>" once the child is about to exec,
# then "rusage <exit code or -signal> <maxrss KiB> <user s> <sys s>" when it has exited.
# Signals meant for the command go to <pid> itself, not to this wrapper.
import os
import sys
import time

report = os.fdopen(3, "w", buffering=1)
pid = os.fork()
if pid == 0:
    report.write(f"exec {os.getpid()} {time.monotonic_ns()}\n")
    report.close()
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
report.write(f"rusage {code} {ru.ru_maxrss} {ru.ru_utime:.4f} {ru.ru_stime:.4f}\n")
report.close()
sys.exit(code if code >= 0 else 128 - code)
