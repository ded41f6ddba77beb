import sys

try:
    from kinemyo.cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing has been touched yet
    print("kinemyo: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
