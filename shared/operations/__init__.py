"""Operations: health checks, verified backups, shipping the log to central and memory settings.
Imports the application and below."""
