"""The Open311 API checked by others' code: schemathesis against the OpenAPI description the API
serves, and the PyPI `georeport` client against `allo api` listening on a port.

Schemathesis generates requests from the description (valid and invalid arguments, odd
strings, a key that works on POST) and checks each answer: no server error, a status and a
content type the description lists, a JSON body that matches its schema.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
import schemathesis
from browser_helpers import free_port, quiet_environment
from conftest import category
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from store_helpers import scalar

from allo_tui.api.server import create_app
from allo_tui.data.store import Store
from allo_tui.data.store.open311 import add_api_key
from allo_tui.domain.records import NewRequest

EXAMPLES = 100
"""Generated requests per operation (10 operations: well under the 3 minutes allowed)."""


def test_schemathesis_finds_no_answer_outside_the_description(store, admin):
    store.create_request(
        admin, NewRequest(category_id=category(store, "VOIRIE").id, description="Nid de poule")
    )
    key, _info = add_api_key(store, admin, "schemathesis")
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case) -> None:
            if case.method == "POST" and isinstance(case.body, dict):
                case.body["api_key"] = key  # the creation path, not only the refusal
            # A search and a POST have rules no schema can say (the 90-day window; one of
            # three locations): a schema-valid one may be refused with a 400, as the standard
            # wants. Every other check runs on them.
            rules = case.operation.path.startswith("/requests.")
            case.call_and_validate(excluded_checks=[positive_data_acceptance] if rules else None)

        conforms()


@pytest.fixture
def served(tmp_path: Path, session_template: Path):
    """`allo api` running on a port of its own, on a file with one request."""
    import shutil

    path = tmp_path / "allo.sqlite3"
    shutil.copyfile(session_template, path)
    store = Store(path)
    admin = store.resolve_operator("admin")
    made = store.create_request(
        admin, NewRequest(category_id=category(store, "VOIRIE").id, description="Nid de poule")
    )
    store.close()
    port = free_port()
    environment = {**quiet_environment(tmp_path), "ALLO_OPERATOR": "admin"}
    process = subprocess.Popen(
        [sys.executable, "-m", "allo_tui", "--db", str(path), "api", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx2.get(f"{url}/services.json", timeout=2)
            break
        except httpx2.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"allo api did not start: {process.communicate()}")
            time.sleep(0.2)
    yield url, path, made.reference, environment
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_lists_services_and_fetches_requests(served, fmt):
    from georeport import GeoReport

    url, _path, reference, _environment = served
    client = GeoReport(url, output_format=fmt)
    services = client.get_service_list()
    assert "VOIRIE" in [service["service_code"] for service in services]
    assert client.get_service_definition("VOIRIE")["service_code"] == "VOIRIE"
    listed = client.get_service_requests(service_code="VOIRIE", status="open")
    listed = listed if isinstance(listed, list) else [listed]
    assert [item["service_request_id"] for item in listed] == [reference]
    one = client.get_service_request(reference)
    assert one["service_request_id"] == reference and one["status"] == "open"


def test_a_key_made_by_the_command_posts_a_request_over_http(served):
    url, path, _reference, environment = served
    made = subprocess.run(
        [sys.executable, "-m", "allo_tui", "--db", str(path), "api", "key", "add", "portail"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    key = made.stdout.strip()
    assert len(key) >= 32 and "notez-la" in made.stderr
    answer = httpx2.post(
        f"{url}/requests.json",
        data={
            "api_key": key,
            "service_code": "VOIRIE",
            "address_string": "place de l'Hôtel de Ville",
            "description": "Pavés descellés",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    reference = answer.json()[0]["service_request_id"]
    assert scalar(path, "SELECT description FROM requests WHERE reference = ?", (reference,)) == (
        "Pavés descellés"
    )
    listing = subprocess.run(
        [sys.executable, "-m", "allo_tui", "--db", str(path), "api", "key", "list"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "portail" in listing and key not in listing and key[:8] in listing
