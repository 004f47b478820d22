"""The wall board: its snapshot API and its page."""
