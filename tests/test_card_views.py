"""The record of who opened a caller's card: written, listed to admins only, purged after the
retention period; both backends."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from allo_tui.cli import main
from allo_tui.domain.records import NewCaller
from tests.backends import ALL_BACKENDS

BACKENDS = ALL_BACKENDS


def test_card_views_recorded_listed_and_purged(store, admin, operator, clock, db_path) -> None:
    caller = store.create_caller(admin, NewCaller(surname="Dupont", phones=("0386123456",)))
    store.record_card_view(operator, caller.id)
    clock.advance(hours=1)
    store.record_card_view(admin, caller.id)
    views = store.card_views(caller.id)
    assert [view.login for view in views] == [admin.login, operator.login]
    assert views[0].viewed_at - views[1].viewed_at == timedelta(hours=1)

    runner = CliRunner()
    result = runner.invoke(
        main, ["--db", str(db_path), "--operator", admin.login, "gdpr", "views", f"#{caller.id}"]
    )
    assert result.exit_code == 0, result.output
    assert operator.login in result.output and admin.login in result.output
    refused = runner.invoke(
        main, ["--db", str(db_path), "--operator", operator.login, "gdpr", "views", "0386123456"]
    )
    assert refused.exit_code != 0
    assert "administrateur" in refused.output

    assert store.purge_card_views(views[0].viewed_at) == 1
    assert [view.login for view in store.card_views(caller.id)] == [admin.login]
