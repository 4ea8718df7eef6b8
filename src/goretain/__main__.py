import sys

from goretain.cli import main

sys.exit(main())
