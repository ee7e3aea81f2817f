"""`python -m ctlsupport`."""

from ctlsupport.cli.app import run

run()
