"""Input and output serializers of the management API, one module per resource."""
