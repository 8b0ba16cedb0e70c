"""The standard's two formats: JSON, and XML (UTF-8, with its declaration, no namespace).

JSON follows the standard's mapping of its XML: a list of elements becomes an array of objects.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot hold: dropped from the XML (the JSON keeps them escaped)."""


def json_body(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ElementTree.Element, fields: dict[str, object]) -> None:
    for name, value in fields.items():
        child = ElementTree.SubElement(element, name)
        if isinstance(value, list):  # a nested list: `attributes` of a service definition
            singular = name.removesuffix("s")
            for item in value:
                _fill(ElementTree.SubElement(child, singular), item)
        else:
            child.text = _text(value)


def _document(root: ElementTree.Element) -> bytes:
    body = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def xml_list(root: str, item: str, items: list[dict[str, object]]) -> bytes:
    """`<root><item>…</item>…</root>`."""
    element = ElementTree.Element(root)
    for fields in items:
        _fill(ElementTree.SubElement(element, item), fields)
    return _document(element)


def xml_object(root: str, fields: dict[str, object]) -> bytes:
    """`<root>fields</root>`."""
    element = ElementTree.Element(root)
    _fill(element, fields)
    return _document(element)
