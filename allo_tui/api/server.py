"""The Open311 GeoReport v2 endpoints, as a Starlette application over one Store.

GET services, a service's definition, requests (a search) and one request; POST requests with
an API key. Every Store call runs in a worker thread, never on the event loop. A request POSTed
here is saved by the Store like one typed at a console, so every console's board shows it within
the change feed's delay. Errors are the standard's list (`code`, `description`) with its HTTP
codes: 404 for what does not exist, 403 for a missing or wrong key, 400 for the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from allo_tui.api import render
from allo_tui.api.openapi import openapi_document
from allo_tui.data.store import open311 as keys_and_reads
from allo_tui.domain import open311
from allo_tui.domain.errors import AlloError, ValidationError
from allo_tui.domain.open311 import Open311Error

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
"""The largest POST body read (the standard's fields hold far less)."""

TEXTS = {
    "format": "format inconnu : {format} (json ou xml)",
    "service_unknown": "service_code inconnu : {code}",
    "request_unknown": "demande inconnue : {reference}",
    "not_found": "adresse inconnue : {path}",
    "method": "méthode {method} non acceptée ici",
    "key": "api_key absente ou invalide : impossible d'enregistrer la demande",
    "body": "corps de requête illisible (application/x-www-form-urlencoded, UTF-8, 64 Kio au plus)",
    "general": "erreur du service : {reason}",
}
"""The French error descriptions of the API."""

Handler = Callable[[Request], Awaitable[Response]]


def _arguments(request: Request) -> dict[str, list[str]]:
    arguments: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        arguments.setdefault(name, []).append(value)
    return arguments


def _format(request: Request) -> str:
    wanted = request.path_params.get("format", "json")
    if wanted not in render.FORMATS:
        raise Open311Error(404, TEXTS["format"].format(format=wanted))
    return wanted


def _listed(fmt: str, root: str, item: str, items: list[dict], status: int = 200) -> Response:
    if fmt == "xml":
        return Response(render.xml_list(root, item, items), status, media_type=render.XML_TYPE)
    return Response(render.json_body(items), status, media_type=render.JSON_TYPE)


def error_response(fmt: str, status: int, description: str) -> Response:
    """The standard's error list, with its HTTP code."""
    return _listed(fmt, "errors", "error", [{"code": status, "description": description}], status)


def _errors_as_standard(handler: Handler) -> Handler:
    """A handler whose refusals are the standard's error list, in the format asked for."""

    async def wrapped(request: Request) -> Response:
        fmt = request.path_params.get("format", "json")
        fmt = fmt if fmt in render.FORMATS else "json"
        try:
            return await handler(request)
        except Open311Error as error:
            return error_response(fmt, error.status, error.description)
        except ValidationError as error:
            return error_response(fmt, 400, f"{error.field} : {error.message}")
        except AlloError as error:
            return error_response(fmt, 400, TEXTS["general"].format(reason=error))
        except Exception as error:  # noqa: BLE001 - the standard's general error, logged
            log.exception("Open311 API: %s %s", request.method, request.url.path)
            return error_response(fmt, 400, TEXTS["general"].format(reason=type(error).__name__))

    return wrapped


class Open311Api:
    """The endpoints over one Store."""

    def __init__(self, store) -> None:
        self.store = store

    async def services(self, request: Request) -> Response:
        fmt = _format(request)
        categories = await run_in_threadpool(self.store.categories)
        items = [
            {
                "service_code": category.code,
                "service_name": category.label,
                "description": category.label,
                "metadata": False,
                "type": "realtime",
                "keywords": "",
                "group": category.service_name,
            }
            for category in categories
        ]
        return _listed(fmt, "services", "service", items)

    async def service_definition(self, request: Request) -> Response:
        fmt = _format(request)
        code = request.path_params["service_code"]
        category = await run_in_threadpool(self._category, code)
        definition = {"service_code": category.code, "attributes": []}
        if fmt == "xml":
            body = render.xml_object("service_definition", definition)
            return Response(body, media_type=render.XML_TYPE)
        return Response(render.json_body(definition), media_type=render.JSON_TYPE)

    def _category(self, code: str):
        wanted = code.strip().casefold()
        for category in self.store.categories():
            if category.code.casefold() == wanted:
                return category
        raise Open311Error(404, TEXTS["service_unknown"].format(code=code))

    async def requests(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.create(request)
        fmt = _format(request)
        query = open311.request_query(_arguments(request), self.store.now())
        items = await run_in_threadpool(self._published, query)
        return _listed(fmt, "service_requests", "request", items)

    async def one_request(self, request: Request) -> Response:
        fmt = _format(request)
        reference = request.path_params["service_request_id"]
        items = await run_in_threadpool(
            self._published, open311.RequestQuery(references=(reference,))
        )
        if not items:
            raise Open311Error(404, TEXTS["request_unknown"].format(reference=reference))
        return _listed(fmt, "service_requests", "request", items)

    def _published(self, query: open311.RequestQuery) -> list[dict]:
        rows = keys_and_reads.published_requests(self.store, query)
        zone = self.store.calendar().zone
        town = keys_and_reads.town_name(self.store)
        return [open311.published(row, zone, town) for row in rows]

    async def create(self, request: Request) -> Response:
        fmt = _format(request)
        form = await _form(request)
        for name, value in request.query_params.multi_items():  # a key in the URL is accepted
            form.setdefault(name, []).append(value)
        key = next((value for value in form.get("api_key", []) if value.strip()), "")
        operator = await run_in_threadpool(keys_and_reads.operator_for_key, self.store, key)
        if operator is None:
            raise Open311Error(403, TEXTS["key"])
        submission = open311.submission(form)
        created = await run_in_threadpool(self._save, operator, submission)
        return _listed(fmt, "service_requests", "request", [created])

    def _save(self, operator, submission: open311.Submission) -> dict[str, object]:
        from allo_tui.domain.enums import Channel, ContactPreference
        from allo_tui.domain.records import CallerMatch, NewCaller, NewRequest

        category = self._category(submission.service_code)
        new_caller = None
        if submission.has_person:
            new_caller = NewCaller(
                surname=submission.last_name,
                given_name=submission.first_name,
                phones=(submission.phone,) if submission.phone else (),
                email=submission.email,
                contact_preference=(
                    ContactPreference.EMAIL if submission.email else ContactPreference.PHONE
                ),
            )
        street_number, street, landmark = submission.location(
            [street.name for street in self.store.streets()]
        )
        record = self.store.create_request(
            operator,
            NewRequest(
                category_id=category.id,
                description=submission.description,
                new_caller=new_caller,
                caller_match=CallerMatch.FORCE_NEW,  # never attached to a known caller
                channel=Channel.WEB,
                street_number=street_number,
                street=street,
                landmark=landmark,
                latitude=submission.latitude,
                longitude=submission.longitude,
            ),
        )
        zone = self.store.calendar().zone
        return {
            "service_request_id": record.reference,
            "service_notice": open311.service_notice(
                record.reference, record.intervention_due_at, zone
            ),
            "account_id": None,
        }

    async def openapi(self, request: Request) -> Response:
        return Response(render.json_body(openapi_document()), media_type=render.JSON_TYPE)


async def _form(request: Request) -> dict[str, list[str]]:
    """The urlencoded body, at most `MAX_BODY` bytes, as name -> values."""
    size = 0
    chunks: list[bytes] = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Open311Error(400, TEXTS["body"])
        chunks.append(chunk)
    try:
        text = b"".join(chunks).decode("utf-8")
        return parse_qs(text, keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise Open311Error(400, TEXTS["body"]) from None


async def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (no such route, a method not allowed) in the standard's form."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        description = TEXTS["method"].format(method=request.method)
    else:
        description = TEXTS["not_found"].format(path=request.url.path)
    response = error_response("json", error.status_code, description)
    if error.headers:
        response.headers.update(error.headers)
    return response


def create_app(store) -> Starlette:
    """The API over `store`."""
    api = Open311Api(store)
    routes = [
        Route("/services.{format}", _errors_as_standard(api.services), methods=["GET"]),
        Route(
            "/services/{service_code}.{format}",
            _errors_as_standard(api.service_definition),
            methods=["GET"],
        ),
        Route("/requests.{format}", _errors_as_standard(api.requests), methods=["GET", "POST"]),
        Route(
            "/requests/{service_request_id}.{format}",
            _errors_as_standard(api.one_request),
            methods=["GET"],
        ),
        Route("/openapi.json", api.openapi, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
