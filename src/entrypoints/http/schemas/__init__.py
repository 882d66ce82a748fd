"""msgspec request and response structs of the HTTP API."""
