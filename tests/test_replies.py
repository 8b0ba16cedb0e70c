"""Replies to citizens: templates in the database (seeded French defaults, per-category
overrides, export/import), sandboxed rendering escaped in HTML, and `allo replies preview`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import category, create_at

from allo_tui.cli import main
from allo_tui.data.store.reply_templates import store_template, template_for, template_text
from allo_tui.data.store.site_settings import set_setting
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.reply_templates import (
    ACKNOWLEDGEMENT,
    FINAL_ANSWER,
    check_name,
    render,
    to_html,
)


def test_rendering_escapes_html_only_in_html_and_the_sandbox_refuses_internals() -> None:
    fields = {"name": "<b>Dupont & fils</b>"}
    assert render("{{ name }}", fields) == "<b>Dupont & fils</b>"
    assert render("{{ name }}", fields, html=True) == "&lt;b&gt;Dupont &amp; fils&lt;/b&gt;"
    with pytest.raises(ValidationError):
        render("{{ name.__class__.__mro__ }}", fields)
    with pytest.raises(ValidationError):
        render("{{ missing }}", fields)
    assert to_html("a <x>\nb\n\nc") == "<p>a &lt;x&gt;<br>\nb</p>\n<p>c</p>"


def test_names_are_a_kind_optionally_with_a_category() -> None:
    assert check_name("accuse_reception.VOIRIE") == "accuse_reception.VOIRIE"
    for bad in ("nimporte", "reponse_finale.", ""):
        with pytest.raises(ValidationError):
            check_name(bad)


def test_defaults_are_seeded_and_a_category_override_wins(store) -> None:
    assert "référence {{ reference }}" in template_text(store, ACKNOWLEDGEMENT)
    assert template_for(store, FINAL_ANSWER, "X")[0].startswith("Votre demande")
    assert store_template(store, "accuse_reception.X", "Objet {{ reference }}\n\nTexte X\n")
    assert template_for(store, ACKNOWLEDGEMENT, "X") == ("Objet {{ reference }}", "Texte X\n")
    assert not store_template(store, "accuse_reception.X", "Autre\n\nTexte Y\n")
    assert template_for(store, ACKNOWLEDGEMENT, "X")[1] == "Texte Y\n"
    with pytest.raises(ValidationError):
        store_template(store, ACKNOWLEDGEMENT, "Objet\n\n{% if %}\n")


def test_export_import_and_preview_commands(db_path, store, admin, clock, tmp_path) -> None:
    code = store.categories()[0].code
    request = create_at(store, admin, clock, clock.now(), code)

    def run(*args: str):
        return CliRunner().invoke(
            main, ["--db", str(db_path), "--operator", "admin", "replies", *args]
        )

    file = tmp_path / "ar.txt"
    assert run("template", "export", ACKNOWLEDGEMENT, str(file)).exit_code == 0
    file.write_text(
        "AR {{ reference }}\n\nBonjour, demande {{ reference }} <ok>.\n", encoding="utf-8"
    )
    assert run("template", "import", f"{ACKNOWLEDGEMENT}.{code}", str(file)).output.endswith(
        "ajouté\n"
    )
    shown = run("preview", request.reference)
    assert shown.exit_code == 0, shown.output
    assert f"Objet : AR {request.reference}" in shown.output
    assert f"Bonjour, demande {request.reference} <ok>." in shown.output
    set_setting(store, admin, "reply_signature", "Le maire, J. Dupont")
    final = run("preview", request.reference, "--final")
    assert "Le maire, J. Dupont" in final.output
    assert final.exit_code == 0 and "a été traitée" in final.output
    assert run("preview", "NOPE").exit_code != 0
    assert category(store, code).code == code


@pytest.mark.parametrize(
    ("kind", "ack_subject"),
    [
        ("intervention", "Votre demande 2026-00001 a bien été reçue"),
        ("complaint", "Votre réclamation 2026-00001 a bien été reçue"),
        ("remark", "Votre remarque 2026-00001 a bien été reçue"),
        ("information", "Votre demande d'information 2026-00001 a bien été reçue"),
    ],
)
def test_each_kind_of_request_gets_its_own_french_replies(store, admin, kind, ack_subject):
    from allo_tui.domain.records import Kind, NewRequest
    from allo_tui.domain.reply_templates import ACKNOWLEDGEMENT, FINAL_ANSWER, render, reply_fields

    made = store.create_request(
        admin,
        NewRequest(
            category_id=category(store, "AUTRE").id, description="Horaires", kind=Kind(kind)
        ),
    )
    fields = reply_fields(made)
    subject, body = template_for(store, ACKNOWLEDGEMENT, "AUTRE", made.kind.value)
    assert render(subject, fields).strip() == ack_subject
    acknowledgement = render(body, fields)
    assert "2026-00001" in acknowledgement
    if kind != "intervention":
        assert "intervenir" not in acknowledgement, "no intervention promised"
    subject, body = template_for(store, FINAL_ANSWER, "AUTRE", made.kind.value)
    assert "2026-00001" in render(subject, fields) and render(body, fields).strip()
