"""How the msgspec structs appear in the OpenAPI document, beyond Litestar's defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import OpenAPI, Operation, RequestBody
from litestar.openapi.spec import Schema as SchemaObject

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Structs declared with `forbid_unknown_fields=True` get `additionalProperties: false`.

    Litestar leaves the keyword out, so the document claimed that a request body may carry any extra
    field while the server rejects one with 422. Registered ahead of Litestar's own struct plugin.
    """

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if isinstance(info, msgspec.inspect.StructType):
            if info.forbid_unknown_fields:
                schema.additional_properties = False
            _restore_zero_bounds(schema, info)
        return schema


def _restore_zero_bounds(schema: Schema, info: msgspec.inspect.StructType) -> None:
    """Put back the bounds of 0 (`ge=0`, `le=0`) that Litestar leaves out (it skips falsy ones),
    so that the document does not call a negative number valid that the server refuses."""
    for field in info.fields:
        prop = (schema.properties or {}).get(field.encode_name)
        if not isinstance(prop, SchemaObject):
            continue
        for kind in _kinds(field.type):
            if isinstance(kind, msgspec.inspect.IntType | msgspec.inspect.FloatType):
                if kind.ge == 0 and prop.minimum is None:
                    prop.minimum = 0
                if kind.le == 0 and prop.maximum is None:
                    prop.maximum = 0


def _kinds(kind: msgspec.inspect.Type) -> list[msgspec.inspect.Type]:
    """The types a field may hold, metadata unwrapped and unions flattened."""
    if isinstance(kind, msgspec.inspect.Metadata):
        return _kinds(kind.type)
    if isinstance(kind, msgspec.inspect.UnionType):
        return [inner for member in kind.types for inner in _kinds(member)]
    return [kind]


# The property whose `maximum` is the configured upload limit: (component schema, property).
_UPLOAD_SIZE = ("CreateVideoIn", "sizeBytes")


@dataclass
class _DocumentWithLimits(OpenAPI):
    """The OpenAPI document, stating the limits of this server's configuration."""

    max_upload_bytes: int = 0

    @property
    def _exclude_fields(self) -> set[str]:
        return {"max_upload_bytes"}

    def to_schema(self) -> dict[str, Any]:
        document = super().to_schema()
        component, prop = _UPLOAD_SIZE
        document["components"]["schemas"][component]["properties"][prop]["maximum"] = (
            self.max_upload_bytes
        )
        return document


@dataclass
class ConfiguredOpenAPIConfig(OpenAPIConfig):
    """Litestar's OpenAPI configuration, plus the settings whose values the document states.

    A struct's bounds are fixed when its module loads, but the largest upload is a setting
    (`CLIPSTREAM_MAX_UPLOAD_BYTES`): without it in the document as `sizeBytes`' `maximum`, the
    document would call a larger size valid that the server then rejects with 422.
    """

    max_upload_bytes: int = 0

    def to_openapi_schema(self) -> OpenAPI:
        document = super().to_openapi_schema()
        values = {field.name: getattr(document, field.name) for field in fields(document)}
        return _DocumentWithLimits(**values, max_upload_bytes=self.max_upload_bytes)


@dataclass
class OptionalBodyOperation(Operation):
    """An operation whose JSON body may be left out (its `data` parameter has a default).

    Litestar documents every request body as required; this one says what the handler accepts.
    """

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False
