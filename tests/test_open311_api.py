"""The Open311 GeoReport v2 API on a real database: what other systems read and post.

Each test names the behaviour it protects and checks the HTTP answer or what the database
holds. The API runs in-process through Starlette's test client (the same ASGI application
`allo api` serves with uvicorn).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from conftest import ALL_BACKENDS
from starlette.testclient import TestClient
from store_helpers import query, request_for, scalar

from allo_tui.api.server import create_app
from allo_tui.data.store.open311 import add_api_key, revoke_api_key
from allo_tui.domain.open311 import MAX_REQUESTS, RequestQuery
from allo_tui.domain.records import NewCaller
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

DUPONT = NewCaller(
    surname="Dupontel",
    given_name="Jeanne",
    phones=("06 12 34 56 78",),
    email="jeanne.dupontel@example.fr",
    street="rue du Temple",
    street_number="12",
)


@pytest.fixture
def client(store):
    with TestClient(create_app(store)) as client:
        yield client


@pytest.fixture
def api_key(store, admin) -> str:
    key, _info = add_api_key(store, admin, "siteweb")
    return key


def _request(store, who, *args, **fields):
    """A request saved by `who`: `request_for`'s category code and description, then fields."""
    return store.create_request(who, request_for(store, *args, **fields))


def test_services_list_the_active_categories_in_json_and_xml(store, admin, client):
    answer = client.get("/services.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    services = answer.json()
    codes = [service["service_code"] for service in services]
    assert codes == [category.code for category in store.categories()]
    voirie = next(service for service in services if service["service_code"] == "VOIRIE")
    assert voirie["metadata"] is False and voirie["type"] == "realtime"
    xml = client.get("/services.xml")
    assert xml.headers["content-type"] == "text/xml; charset=utf-8"
    assert xml.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ElementTree.fromstring(xml.content)
    assert [item.findtext("service_code") for item in root.iter("service")] == codes


def test_a_service_definition_has_no_attributes_and_an_unknown_code_is_404(client):
    assert client.get("/services/VOIRIE.json").json() == {
        "service_code": "VOIRIE",
        "attributes": [],
    }
    unknown = client.get("/services/NOPE.xml")
    assert unknown.status_code == 404
    root = ElementTree.fromstring(unknown.content)
    assert root.tag == "errors" and root.findtext("error/code") == "404"
    assert "NOPE" in root.findtext("error/description")


def test_requests_say_open_or_closed_with_notes_and_carry_no_personal_data(store, admin, client):
    caller = store.create_caller(admin, DUPONT)
    open_one = _request(
        store,
        admin,
        description="Trou devant chez Jeanne Dupontel, rappeler au 06 12 34 56 78",
        caller_id=caller.id,
        street="rue du Temple",
        street_number="12",
        landmark="devant l'école",
    )
    done = _request(store, admin, "ECLAIRAGE", "Lampadaire éteint", caller_id=caller.id)
    store.apply(
        admin,
        done.id,
        Action.DONE,
        outcome_code="REPARE",
        expected_version=done.version,
        text="Lampe changée ; écrire à jeanne.dupontel@example.fr",
    )
    answer = client.get("/requests.json")
    assert answer.status_code == 200
    by_id = {item["service_request_id"]: item for item in answer.json()}
    first = by_id[open_one.reference]
    assert first["status"] == "open" and first["status_notes"] == "Nouvelle"
    assert first["service_code"] == "VOIRIE"
    assert first["address"].startswith("12 rue du Temple, devant l'école")
    assert first["requested_datetime"] == "2026-11-24T10:00:00+01:00"
    assert first["expected_datetime"] is not None
    assert first["description"] == "Trou devant chez […], rappeler au [téléphone]"
    second = by_id[done.reference]
    assert second["status"] == "closed"
    assert second["status_notes"] == "Lampe changée ; écrire à [courriel]"
    assert second["expected_datetime"] is None
    body = answer.text + client.get("/requests.xml").text
    for personal in ("Dupontel", "Jeanne", "06 12", "0612", "example.fr", "Temple 12"):
        assert personal not in body


def test_the_search_follows_the_standard_window_status_codes_and_references(
    store, admin, client, clock
):
    old = _request(store, admin, description="ancienne")
    clock.advance(days=100)
    recent = _request(store, admin, "ECLAIRAGE", "récente")
    listed = [item["service_request_id"] for item in client.get("/requests.json").json()]
    assert listed == [recent.reference], "the last 90 days by default"
    start = (clock.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    window = client.get("/requests.json", params={"start_date": start})
    assert [item["service_request_id"] for item in window.json()] == [old.reference]
    both = client.get(
        "/requests.json", params={"service_request_id": f"{old.reference},{recent.reference}"}
    )
    assert {item["service_request_id"] for item in both.json()} == {
        old.reference,
        recent.reference,
    }
    assert client.get("/requests.json", params={"service_code": "VOIRIE"}).json() == []
    assert client.get("/requests.json", params={"status": "closed"}).json() == []
    assert len(client.get("/requests.json", params={"status": "open"}).json()) == 1


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 jours"),
        ({"start_date": "hier"}, "date W3C"),
        ({"start_date": "2026-01-01T00:00:00"}, "date W3C"),
        ({"end_date": "2026-01-01T00:00:00Z", "start_date": "2026-02-01T00:00:00Z"}, "précéder"),
        ({"status": "pending"}, "open ou closed"),
    ],
)
def test_a_search_the_standard_refuses_is_a_400_error_list(client, arguments, said):
    answer = client.get("/requests.json", params=arguments)
    assert answer.status_code == 400
    [error] = answer.json()
    assert error["code"] == 400 and said in error["description"]


def test_one_request_by_its_reference_and_an_unknown_one_is_404(store, admin, client):
    made = _request(store, admin)
    [item] = client.get(f"/requests/{made.reference}.json").json()
    assert item["service_request_id"] == made.reference
    root = ElementTree.fromstring(client.get(f"/requests/{made.reference}.xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == made.reference
    missing = client.get("/requests/2026-99999.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    assert client.get("/requests.csv").status_code == 404


def test_a_post_with_a_key_saves_a_web_request_with_a_new_caller_seen_on_the_board(
    store, admin, client, api_key, db_path
):
    known = store.create_caller(admin, DUPONT)
    answer = client.post(
        "/requests.json",
        data={
            "api_key": api_key,
            "service_code": "voirie",
            "address_string": "12 rue du Temple",
            "lat": "47.7982",
            "long": "3.5673",
            "description": "Plaque [bold]arrachée\x1b[31m",
            "first_name": "Jeanne",
            "last_name": "Dupontel",
            "phone": "06 12 34 56 78",
            "media_url": "https://example.org/photo.jpg",
        },
    )
    assert answer.status_code == 200, answer.text
    [created] = answer.json()
    reference = created["service_request_id"]
    assert "enregistrée" in created["service_notice"] and created["account_id"] is None
    [row] = query(
        db_path,
        "SELECT r.channel, r.description, r.street_number || ' ' || r.street, r.latitude,"
        " r.caller_id, o.login"
        " FROM requests r JOIN operators o ON o.id = r.created_by_id WHERE r.reference = ?",
        (reference,),
    )
    channel, description, landmark, latitude, caller_id, login = row
    assert (channel, login) == ("web", "api:siteweb")
    assert description == "Plaque [bold]arrachée[31m", "text is data, escapes removed"
    assert landmark == "12 Rue du Temple", "a street of the register: number and street"
    assert latitude == pytest.approx(47.7982)
    assert caller_id is not None and caller_id != known.id, "never attached to a known caller"
    assert scalar(db_path, "SELECT count(*) FROM callers") == 2
    board = [request.reference for request in store.open_interventions()]
    assert reference in board


@pytest.mark.parametrize(
    ("form", "status", "said"),
    [
        ({"service_code": "VOIRIE", "address_string": "ici"}, 403, "api_key"),
        ({"api_key": "faux", "service_code": "VOIRIE", "address_string": "ici"}, 403, "api_key"),
        ({"service_code": "VOIRIE", "description": "x"}, 400, "lieu manquant"),
        ({"service_code": "NOPE", "address_string": "ici", "description": "x"}, 404, "NOPE"),
        ({"address_string": "ici", "description": "x"}, 400, "service_code"),
        ({"service_code": "VOIRIE", "lat": "91", "long": "3", "description": "x"}, 400, "WGS84"),
        (
            {"service_code": "VOIRIE", "address_string": "ici", "description": "x" * 4001},
            400,
            "4000",
        ),
    ],
)
def test_a_refused_post_saves_nothing_and_says_why(
    store, client, api_key, db_path, form, status, said
):
    if form.get("api_key") is None and status != 403:
        form = {**form, "api_key": api_key}
    answer = client.post("/requests.xml", data=form)
    assert answer.status_code == status
    root = ElementTree.fromstring(answer.content)
    assert root.findtext("error/code") == str(status)
    assert said in root.findtext("error/description")
    assert scalar(db_path, "SELECT count(*) FROM requests") == 0


def test_a_revoked_key_is_refused_at_once_and_its_login_disabled(
    store, admin, client, api_key, db_path
):
    form = {"api_key": api_key, "service_code": "VOIRIE", "address_string": "ici"}
    form["description"] = "avant"
    assert client.post("/requests.json", data=form).status_code == 200
    revoke_api_key(store, admin, "siteweb")
    form["description"] = "après"
    assert client.post("/requests.json", data=form).status_code == 403
    assert query(db_path, "SELECT description FROM requests") == [("avant",)]
    assert query(db_path, "SELECT active FROM operators WHERE login = 'api:siteweb'") in (
        [(0,)],
        [(False,)],
    )
    actions = [row[0] for row in query(db_path, "SELECT action FROM audit ORDER BY id")]
    assert actions[-2:] == ["api.key.add", "api.key.revoke"]
    assert api_key not in str(query(db_path, "SELECT * FROM api_keys"))


def test_a_search_returns_at_most_the_standard_cap_most_recent_first(store, admin):
    from allo_tui.data.store.open311 import published_requests

    made = [_request(store, admin, description=f"n° {i}") for i in range(3)]
    rows = published_requests(store, RequestQuery(limit=2))
    assert [row.reference for row in rows] == [made[2].reference, made[1].reference]
    assert RequestQuery().limit == MAX_REQUESTS == 1000


def test_unknown_addresses_and_methods_answer_the_standard_error_list(client):
    missing = client.get("/nothing")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    refused = client.delete("/requests.json")
    assert refused.status_code == 405 and "DELETE" in refused.json()[0]["description"]


def test_the_openapi_description_lists_every_endpoint_in_both_formats(client):
    paths = client.get("/openapi.json").json()["paths"]
    for fmt in ("json", "xml"):
        assert {
            f"/services.{fmt}",
            f"/services/{{service_code}}.{fmt}",
            f"/requests.{fmt}",
            f"/requests/{{service_request_id}}.{fmt}",
        } <= set(paths)
        assert "post" in paths[f"/requests.{fmt}"]


def test_dates_are_w3c_in_the_site_time(store, admin, client, clock):
    clock.set(datetime(2026, 7, 1, 6, 30, tzinfo=UTC))  # summer time: +02:00
    made = _request(store, admin)
    [item] = client.get(f"/requests/{made.reference}.json").json()
    assert item["requested_datetime"] == "2026-07-01T08:30:00+02:00"


def test_a_posted_address_outside_the_register_stays_on_the_landmark_line(
    store, client, api_key, db_path
):
    form = {"api_key": api_key, "service_code": "VOIRIE", "description": "Trou"}
    form["address_string"] = "3 chemin des Nulle-Part, près du lavoir"
    reference = client.post("/requests.json", data=form).json()[0]["service_request_id"]
    assert query(
        db_path, "SELECT street, landmark FROM requests WHERE reference = ?", (reference,)
    ) == [("", "3 chemin des Nulle-Part, près du lavoir")]
