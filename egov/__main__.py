import sys

from egov.cli import main

sys.exit(main())
