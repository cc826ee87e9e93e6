"""JSON values in and out of protobuf messages, and message-to-dict conversion for results."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format, struct_pb2


def to_value(value: Any) -> struct_pb2.Value:
    message = struct_pb2.Value()
    json_format.ParseDict(value, message)
    return message


def to_struct(value: dict | None) -> struct_pb2.Struct | None:
    if value is None:
        return None
    message = struct_pb2.Struct()
    json_format.ParseDict(value, message)
    return message


def to_dict(message: Any) -> dict:
    """A message as a plain dict with snake_case keys, enums as names, JSON payloads as Python values."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


def status_name(value: str) -> str:
    """RUN_STATUS_SUCCEEDED -> SUCCEEDED"""
    return value.replace("RUN_STATUS_", "")
