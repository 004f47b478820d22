"""Reporting, the same for the station and central: the event log replayed into facts
(`ledger`), the figures counted from them (`reports`, `fairness`, `ikm`, `numbers`), and how
they are shown and downloaded (`formatting`, `chart`, `export`, `wording`, `xlsx`)."""
