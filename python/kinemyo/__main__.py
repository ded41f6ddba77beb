import signal
import sys

try:
    from kinemyo.cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing has been touched yet
    print("kinemyo: interrupted", file=sys.stderr)
    sys.exit(130)

code = main()
# The run is complete (its results are in place): a Ctrl-C during interpreter shutdown must not turn it into a
# death by signal.
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.exit(code)
