"""The domain: the hall's pure rules (ticket, counter desk, booking, slots, estimates, events,
configuration models, errors and the clock), with no web and no database."""
