"""The application: commands and use cases (issue, call, book, check in), read models, users and
sessions, the audit, and reporting. Imports the store and the domain."""
