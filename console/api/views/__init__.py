"""Management API views, one module per resource; each view is a thin call into services/selectors."""
