"""`python -m ctlsupport`."""

from ctlsupport.cli.entry import run

run()
