"""A JSON parser that refuses nesting deeper than `JSON_MAX_DEPTH` and text that is not text
(unpaired surrogates), each with a 400 and a code."""

import codecs
import re
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from .errors import CommonError, InvalidInput


class JsonTooDeep(ParseError):
    default_code = CommonError.JSON_TOO_DEEP


_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(key: object) -> str:
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")


def unpaired_surrogate_path(value: Any) -> str | None:
    """The dotted path of the first string (or key) holding an unpaired surrogate, such as
    JSON's "\\ud800": such text cannot be encoded, stored or answered, so it is refused as
    a whole. None when there is none."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path or "non_field_errors"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{_printable(key)}" if path else _printable(key)
                if _SURROGATE.search(key):
                    return child_path
                stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))
    return None


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests lists and objects more than `limit` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit: deep bodies are a 400 `json_too_deep`, not a 500.

    Python's decoder recurses per level, so `[` repeated 100,000 times ends in RecursionError;
    that and anything deeper than `settings.JSON_MAX_DEPTH` answer the same 400.
    """

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        encoding = get_encoding(parser_context or {})
        limit = settings.JSON_MAX_DEPTH
        message = f"JSON nested deeper than {limit} levels"
        try:
            text = codecs.getreader(encoding)(stream).read()
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError as exc:
            raise JsonTooDeep(message) from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_depth_exceeds(data, limit):
            raise JsonTooDeep(message)
        bad = unpaired_surrogate_path(data)
        if bad is not None:
            raise InvalidInput(
                "holds an unpaired surrogate (\\ud800-\\udfff), which is not text",
                code=CommonError.INVALID_TEXT,
                field=bad,
            )
        return data
