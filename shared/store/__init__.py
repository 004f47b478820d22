"""The store: SQLite connections and transactions, the schema's migrations, the repository's SQL,
the event log read back, its anchors and central's receipt. Imports only the domain."""
