"""Path converters: only well-formed ids reach a query (anything else is the JSON 404)."""


class IdentifierConverter:
    regex = "[a-z0-9-]{1,31}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ClientIdConverter(IdentifierConverter):
    regex = "[A-Za-z0-9_-]{1,64}"


class IdentityIdConverter(IdentifierConverter):
    regex = "[0-9]{1,18}"  # always fits a bigint

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
