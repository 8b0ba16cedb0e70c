"""`python -m bench --scale small|city`: see bench/run.py."""

import sys

from bench.run import main

sys.exit(main())
