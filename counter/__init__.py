"""The officer's counter console: HTTP routes, Socket.IO actions and the console page."""
