"""Web plumbing every surface shares: the app factory, JSON bodies and errors, login and limits,
pages, Socket.IO and its flood control, /healthz and the API docs. The top layer of the core."""
