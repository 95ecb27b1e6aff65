"""Shared serializer pieces: strict input (unknown fields refused) and the error shape."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo or a read-only field is an error, not a no-op."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            # Form/multipart bodies address nested fields as "parent.child" or "parent[0]".
            unknown = sorted(k for k in data.keys() if k.split(".")[0].split("[")[0] not in self.fields)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: a stable code, a human message, and field messages on validation errors."""

    error = serializers.CharField(help_text="Stable machine-readable code, e.g. validation_error, not_found.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only for validation errors: messages per field (nested fields as parent.child).",
    )
