"""The Open311 GeoReport v2 API (`allo api`): an ASGI application over the Store."""
