import sys

from kinemyo.cli import main

sys.exit(main())
