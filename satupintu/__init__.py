"""The composition root: the app factory, the `satupintu` command and its launcher.

Only this package wires the core (`shared/`) to the surfaces and the printer adapters.
"""
