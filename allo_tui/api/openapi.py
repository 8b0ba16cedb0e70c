"""The OpenAPI 3 description of the API, served at /openapi.json.

It follows the GeoReport v2 text: `/requests/{id}.{format}` (the shared Swagger file writes
`/request/{id}`), `jurisdiction_id` optional (one jurisdiction is served), each path once per
format. Written here rather than derived, so that it says what the standard says.
"""

from __future__ import annotations

from functools import cache

FORMATS = {"json": "application/json", "xml": "text/xml"}

_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": "string", "nullable": True}
_NULLABLE_NUMBER = {"type": "number", "nullable": True}
_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": _TEXT},
    },
}
_SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": _TEXT,
        "service_name": _TEXT,
        "description": _TEXT,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": _TEXT,
        "group": _TEXT,
    },
}
_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {"service_code": _TEXT, "attributes": {"type": "array", "items": {}}},
}
_REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": _TEXT,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": _NULLABLE_TEXT,
        "service_name": _TEXT,
        "service_code": _TEXT,
        "description": _TEXT,
        "agency_responsible": _NULLABLE_TEXT,
        "service_notice": _NULLABLE_TEXT,
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": {"type": "string", "format": "date-time", "nullable": True},
        "expected_datetime": {"type": "string", "format": "date-time", "nullable": True},
        "address": _NULLABLE_TEXT,
        "address_id": _NULLABLE_TEXT,
        "zipcode": _NULLABLE_TEXT,
        "lat": _NULLABLE_NUMBER,
        "long": _NULLABLE_NUMBER,
        "media_url": _NULLABLE_TEXT,
    },
}
_CREATED = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "properties": {
            "service_request_id": _TEXT,
            "service_notice": _NULLABLE_TEXT,
            "account_id": _NULLABLE_TEXT,
        },
    },
}
_POSTED = {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": {
        "api_key": _TEXT,
        "jurisdiction_id": _TEXT,
        "service_code": _TEXT,
        "lat": {"type": "number"},
        "long": {"type": "number"},
        "address_string": _TEXT,
        "address_id": _TEXT,
        "email": _TEXT,
        "device_id": _TEXT,
        "account_id": _TEXT,
        "first_name": _TEXT,
        "last_name": _TEXT,
        "phone": _TEXT,
        "description": _TEXT,
        "media_url": _TEXT,
    },
}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or _TEXT,
    }


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": _TEXT}


_JURISDICTION = _query("jurisdiction_id", "Ignoré : une seule collectivité est servie.")


def _responses(fmt: str, ok: dict, *codes: int, ok_code: str = "200") -> dict:
    media = FORMATS[fmt]

    def content(schema: dict) -> dict:
        return {media: {"schema": schema}} if fmt == "json" else {media: {}}

    responses = {ok_code: {"description": "OK", "content": content(ok)}}
    for code in codes:
        responses[str(code)] = {"description": "Erreur", "content": content(_ERRORS)}
    return responses


@cache
def openapi_document() -> dict:
    """The description, built once."""
    paths: dict[str, dict] = {}
    for fmt in FORMATS:
        paths[f"/services.{fmt}"] = {
            "get": {
                "summary": "Types de demandes (catégories actives)",
                "operationId": f"services_{fmt}",
                "parameters": [_JURISDICTION],
                "responses": _responses(fmt, {"type": "array", "items": _SERVICE}, 400),
            }
        }
        paths[f"/services/{{service_code}}.{fmt}"] = {
            "get": {
                "summary": "Définition d'un type de demande",
                "operationId": f"service_definition_{fmt}",
                "parameters": [_path("service_code"), _JURISDICTION],
                "responses": _responses(fmt, _DEFINITION, 400, 404),
            }
        }
        paths[f"/requests.{fmt}"] = {
            "get": {
                "summary": "Demandes (90 jours au plus, 1 000 au plus, les plus récentes)",
                "operationId": f"requests_{fmt}",
                "parameters": [
                    _query("service_request_id", "Numéros, séparés par des virgules."),
                    _query("service_code", "Codes de types, séparés par des virgules."),
                    _query("start_date", "Début (W3C).", {"type": "string", "format": "date-time"}),
                    _query("end_date", "Fin (W3C).", {"type": "string", "format": "date-time"}),
                    _query("status", "open, closed (séparés par des virgules)."),
                    _JURISDICTION,
                ],
                "responses": _responses(fmt, {"type": "array", "items": _REQUEST}, 400),
            },
            "post": {
                "summary": "Enregistrer une demande (clé d'API)",
                "operationId": f"create_request_{fmt}",
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": _POSTED}},
                },
                "responses": _responses(fmt, _CREATED, 400, 403, 404),
            },
        }
        paths[f"/requests/{{service_request_id}}.{fmt}"] = {
            "get": {
                "summary": "Une demande",
                "operationId": f"request_{fmt}",
                "parameters": [_path("service_request_id"), _JURISDICTION],
                "responses": _responses(
                    fmt, {"type": "array", "items": _REQUEST, "maxItems": 1}, 400, 404
                ),
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Allô Mairie — Open311 GeoReport v2",
            "version": "2",
            "description": "Demandes de la mairie au format Open311 GeoReport v2.",
        },
        "paths": paths,
    }
