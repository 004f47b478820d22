"""Satu Pintu's core, in layers a module imports downwards only: domain, store, application,
operations, web (tests/test_structure.py checks it)."""
