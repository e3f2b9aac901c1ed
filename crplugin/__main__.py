import sys

from crplugin.cli import main

sys.exit(main())
