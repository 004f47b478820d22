"""Satu Pintu's core: configuration, domain rules, store, events, auth and the app factory."""
