"""The composition root: the app factory, the `satupintu` command and its launcher.

Only this package wires the core (`shared/`) to the surfaces and the printer adapters.
"""

from satupintu.escpos_profiles import load_escpos_profiles

load_escpos_profiles()  # before anything imports python-escpos (see the module)
