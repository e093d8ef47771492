"""OpenAPI: the shared error responses every operation may answer (drf-spectacular hook).

Views document their success bodies; errors all have one shape (marketplace.exceptions), so
this post-processing hook adds them in one place:

- every operation: 400 (bad input), 401 (no or a bad token), 403 (visible but not allowed),
  404 (no such object, or another tenant's);
- every unsafe method as well: 409 (the current state does not allow it, or a duplicate) and
  429 (write and auth throttles);
- every operation that takes a body: 415 (a content type none of the parsers reads);
- any 4xx/5xx a view declares without a body (say `402: OpenApiResponse(description=...)` or
  `503: ...` where Stripe is called) gets the error body.

A view that takes no credentials documents its own errors and opts out with
`extend_schema(extensions=OWN_ERROR_RESPONSES)` (the marker does not reach the schema).

Error codes: every error body carries `error.code`. Each view declares the codes its rules
(the services it calls) may answer, per action (a viewset's action, or an APIView's HTTP method):
`error_codes = {"accept": "slots_filled invalid_state", ...}`; `tests/marketplace/
test_error_codes.py` checks each declaration against the codes the action's code can raise.
`AutoSchema` reads the declaration when the schema is built (so the ground floor imports no app);
the hook lists the operation's codes in its `x-error-codes` and its description. The shared codes
of each status (`invalid`, `not_found`, ...) and a list's `unknown_parameter`/`invalid_ordering`
are named in the error responses' descriptions.
"""

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

ERROR_COMPONENT = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every 4xx and 5xx answer.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "machine-readable, e.g. `invalid`; each operation lists the "
                    "codes its rules answer in `x-error-codes`",
                },
                "message": {"type": "string", "description": "for people"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {},
                    "description": "for `invalid`: the messages of each bad field",
                },
                "current_state": {
                    "type": "string",
                    "description": "for a 409: the object's state that refused the change",
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}

SHARED_ERRORS = {
    "400": "Invalid input: `error.fields` names each bad field (`invalid`, `parse_error`).",
    "401": "Not signed in, or the token is invalid or expired (`not_authenticated`, "
    "`authentication_failed`, `token_not_valid`).",
    "403": "You may see this object but not do this (`permission_denied`, `forbidden`).",
    "404": "No such object, or not one you may see (`not_found`).",
}
UNSAFE_ERRORS = {
    "409": "The object's current state (`error.current_state`) does not allow this "
    "(`invalid_state`), or it conflicts with an existing record (`conflict`).",
    "429": "Too many requests: retry later (`throttled`).",
}
BODY_ERRORS = {
    "415": "The request body's content type is not one this operation reads "
    "(`unsupported_media_type`)."
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
HTTP_METHODS = {"get", *UNSAFE_METHODS}

OWN_ERRORS_MARKER = "x-own-error-responses"
OWN_ERROR_RESPONSES = {OWN_ERRORS_MARKER: True}

ERROR_CODES_KEY = "x-error-codes"
LIST_ERRORS = (
    "Invalid input: `error.fields` names each bad field (`invalid`); a query parameter this "
    "list does not take (`unknown_parameter`, naming it), or an ordering it cannot sort by "
    "(`invalid_ordering`, listing those it can)."
)
PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1},
        "description": "A page number within the paginated result set.",
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
        "description": "Number of results to return per page.",
    },
]


def error_codes_of(view: Any, method: str) -> list[str]:
    """The codes `view` declares for the action (or HTTP method) of this operation.

    `error_codes` maps an action to its codes, space-separated; an older declaration, a tuple
    of error enums, stands for every code of those enums."""
    declared = getattr(view, "error_codes", None) or {}
    if isinstance(declared, dict):
        entry = declared.get(getattr(view, "action", None) or method.lower(), "")
        return entry.split() if isinstance(entry, str) else [str(code) for code in entry]
    enums = (declared,) if isinstance(declared, type) else declared
    return list(dict.fromkeys(str(member) for enum in enums for member in enum))


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema that records the view's error codes on each operation."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            operation[ERROR_CODES_KEY] = error_codes_of(self.view, self.method)
        return operation


def _describe_codes(operation: dict[str, Any], codes: list[str]) -> None:
    listed = ", ".join(f"`{code}`" for code in codes)
    description = operation.get("description", "").rstrip()
    line = f"`error.code` of this operation's own rules (besides each status's): {listed}."
    operation["description"] = f"{description}\n\n{line}".lstrip()


def is_envelope(result: dict[str, Any], schema: dict[str, Any] | None) -> bool:
    """True if `schema` (or the component it references) is the list envelope."""
    if schema and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = result.get("components", {}).get("schemas", {}).get(name)
    properties = (schema or {}).get("properties", {})
    return {"count", "next", "previous", "results"} <= set(properties)


def list_schema(result: dict[str, Any], operation: dict[str, Any]) -> bool:
    """True for an operation answering the list envelope (200)."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    return is_envelope(result, content.get("application/json", {}).get("schema"))


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "example": "fund-milestone-42-attempt-1",
    "description": (
        "Makes a retry safe: the same key with the same body within 24 h replays the first "
        "answer (header `Idempotent-Replayed: true`); with another body it answers 422 "
        "`idempotency_key_reused`; while the first request runs, 409 "
        "`idempotency_key_in_progress` with `Retry-After`."
    ),
}

IDEMPOTENCY_REF = {"$ref": "#/components/parameters/IdempotencyKey"}


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: document the shared error responses (see the module) and
    the `Idempotency-Key` header every POST takes."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    result["components"].setdefault("parameters", {})["IdempotencyKey"] = IDEMPOTENCY_PARAMETER
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_REF)
                responses.setdefault(
                    "422",
                    _error_response(
                        "This `Idempotency-Key` was used with another request "
                        "(`idempotency_key_reused`)."
                    ),
                )
            is_list = method == "get" and list_schema(result, operation)
            if is_list:
                _page_parameters(operation)
            if not operation.pop(OWN_ERRORS_MARKER, False):
                shared = dict(SHARED_ERRORS, **({"400": LIST_ERRORS} if is_list else {}))
                if method in UNSAFE_METHODS:
                    shared.update(UNSAFE_ERRORS)
                if "requestBody" in operation:
                    shared.update(BODY_ERRORS)
                for status, description in shared.items():
                    responses.setdefault(status, _error_response(description))
            if operation.get(ERROR_CODES_KEY):
                _describe_codes(operation, operation[ERROR_CODES_KEY])
            for status, response in responses.items():
                if status[0] in "45" and not response.get("content"):
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
    return result


def _page_parameters(operation: dict[str, Any]) -> None:
    """A nested list (read in memory, `page_of_items`) takes `page` and `page_size` too."""
    parameters = operation.setdefault("parameters", [])
    names = {parameter.get("name") for parameter in parameters}
    parameters.extend(p for p in PAGE_PARAMETERS if p["name"] not in names)


class BoundedDjangoFilterExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter support, plus each filter's `min_value`/`max_value`.

    A `NumberFilter(min_value=0)` refuses `-1` with a 400; the schema says `minimum: 0` too.
    """

    priority = 1

    def resolve_filter_field(  # type: ignore[no-untyped-def]
        self, auto_schema, model, filterset_class, field_name, filter_field
    ):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        bounds = {
            "minimum": filter_field.extra.get("min_value"),
            "maximum": filter_field.extra.get("max_value"),
        }
        for parameter in parameters:
            schema = parameter.get("schema", {})
            for key, value in bounds.items():
                if value is not None and schema.get("type") in {"integer", "number"}:
                    schema.setdefault(key, value)
        return parameters


def integer_path_ids(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: object ids in paths are integers (drf-spectacular types a
    viewset's `{id}` as a string when it cannot read the model from the view)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                name = parameter.get("name", "")
                if "$ref" in parameter:
                    continue
                if parameter.get("in") == "path" and (name == "id" or name.endswith("_id")):
                    parameter["schema"] = {"type": "integer", "minimum": 1}
    return result
