"""The management REST API (/api/v1/): thin DRF views over the console, connection and account services."""
