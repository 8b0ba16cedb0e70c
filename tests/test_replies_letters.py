"""`allo replies letters`: one PDF of the letters due to callers who prefer letters, read back
with pypdf (one page per letter, the La Poste address block, reference, dates, accents, œ, €),
each request recorded in one batch only (a second run, two runs at once), unaddressable callers
held back and listed, `--reprint`, and the board's "AR à faire" count."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS, FIXED_NOW, category
from pypdf import PdfReader
from store_helpers import query

from allo_tui.cli import main
from allo_tui.data.store import Store
from allo_tui.data.store.reply_letters import ACK, FINAL, letters_due, record_batch
from allo_tui.domain.enums import ContactPreference
from allo_tui.domain.letter_texts import long_date
from allo_tui.domain.records import NewCaller, NewRequest, Role
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("isolated_home")

LETTER = ContactPreference.LETTER
WEEK_AGO = FIXED_NOW - timedelta(days=7)


def add_request(store: Store, who, clock, caller, description: str = "Lampadaire éteint"):
    """A request of `caller` made a week ago (its acknowledgement is late); the clock back."""
    clock.set(WEEK_AGO)
    code = store.categories()[0].code
    made = store.create_request(
        who,
        NewRequest(
            category_id=category(store, code).id, description=description, caller_id=caller.id
        ),
    )
    clock.set(FIXED_NOW)
    return made


def add_caller(store: Store, who, **fields):
    values = dict(
        surname="Cœur",
        given_name="Éloïse",
        street_number="12",
        street="Rue de l'Église",
        postcode="89000",
        city="Auxerre",
        contact_preference=LETTER,
    )
    values.update(fields)
    return store.create_caller(who, NewCaller(**values))


def run(db_path, *args: str):
    return CliRunner().invoke(
        main, ["--db", str(db_path), "--operator", "admin", "replies", "letters", *args]
    )


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def today_long() -> str:
    return long_date(datetime.now(ZoneInfo("Europe/Paris")).date())


def batches(db_path) -> list[tuple]:
    return query(db_path, "SELECT id, kind, created_by FROM reply_letter_batches ORDER BY id")


def acknowledged(db_path, request_id: int) -> tuple:
    (row,) = query(
        db_path,
        "SELECT acknowledged_at IS NOT NULL, acknowledged_how FROM requests WHERE id = ?",
        (request_id,),
    )
    return tuple(row)


def test_a_letter_per_page_addressed_as_la_poste_wants_then_nothing_new(
    db_path, store, admin, clock, tmp_path
) -> None:
    coeur = add_caller(store, admin, address_extra="Bâtiment B")
    dupont = add_caller(store, admin, surname="Dupont", given_name="Jean", street="Rue du Pont")
    by_phone = add_caller(store, admin, surname="Martin", contact_preference="phone")
    first = add_request(store, admin, clock, coeur, "Facture de 150 € pour un œil-de-bœuf")
    second = add_request(store, admin, clock, dupont)
    phoned = add_request(store, admin, clock, by_phone)
    out = tmp_path / "ar.pdf"

    result = run(db_path, "--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.output == f"Lot n° 1 : 2 lettre(s) -> {out}\n"
    pages = pages_text(out)
    assert len(pages) == 2  # one page per letter, by reference; the phone caller has none
    lines = pages[0].splitlines()
    block = lines[lines.index("ELOISE COEUR") : lines.index("89000 AUXERRE") + 1]
    assert block == ["ELOISE COEUR", "Bâtiment B", "12 Rue de l'Église", "89000 AUXERRE"]
    assert lines.index("89000 AUXERRE") < lines.index(f"Le {today_long()}")
    assert f"Réf. : {first.reference}" in lines
    assert f"Objet : Votre demande {first.reference} a bien été reçue" in lines
    flat = " ".join(pages[0].split())
    assert (
        f"Nous avons bien reçu votre demande du 17/11/2026, enregistrée sous la référence {first.reference}."
        in flat
    )
    assert "Objet : Facture de 150 € pour un œil-de-bœuf" in lines
    assert "Madame, Monsieur Éloïse Cœur," in lines
    assert lines[-1] == f"{first.reference} — page 1/1"
    assert "JEAN DUPONT" in pages[1] and f"Réf. : {second.reference}" in pages[1]
    assert batches(db_path) == [(1, ACK, "admin")]
    assert acknowledged(db_path, first.id) == (True, "letter")
    assert acknowledged(db_path, second.id) == (True, "letter")
    assert acknowledged(db_path, phoned.id) == (False, "")
    notes = query(
        db_path,
        "SELECT new_value, note FROM events WHERE request_id = ? AND kind = 'acknowledgement'",
        (first.id,),
    )
    assert notes == [("letter", "Courrier, lot n° 1")]

    again = run(db_path, "--out", str(tmp_path / "again.pdf"))

    assert again.exit_code == 0 and again.output == "Aucune lettre à imprimer.\n"
    assert not (tmp_path / "again.pdf").exists()
    assert batches(db_path) == [(1, ACK, "admin")]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_caller_who_cannot_be_addressed_is_listed_and_not_acknowledged(
    db_path, store, admin, clock, tmp_path
) -> None:
    good = add_request(store, admin, clock, add_caller(store, admin))
    no_postcode = add_request(store, admin, clock, add_caller(store, admin, postcode=""))
    long_street = add_request(
        store, admin, clock, add_caller(store, admin, street="Allée " + "très longue " * 4)
    )
    no_glyph = add_request(
        store, admin, clock, add_caller(store, admin, surname="Zhang", given_name="伟")
    )
    out = tmp_path / "ar.pdf"

    result = run(db_path, "--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Lot n° 1 : 1 lettre(s) -> {out}",
        "Lettres retenues, adresse inutilisable (3) :",
        f"  {no_postcode.reference} : code postal absent ou invalide",
        f"  {long_street.reference} : ligne de plus de 38 caractères : 12 Allée très longue"
        " très longue très longue très longue",
        f"  {no_glyph.reference} : caractères impossibles à imprimer dans l'adresse : 伟",
    ]
    (page,) = pages_text(out)
    assert good.reference in page and no_postcode.reference not in page
    assert acknowledged(db_path, no_postcode.id) == (False, "")
    assert acknowledged(db_path, long_street.id) == (False, "")
    assert acknowledged(db_path, no_glyph.id) == (False, "")
    again = run(db_path, "--out", str(tmp_path / "again.pdf"))
    assert again.output.splitlines()[0] == "Aucune lettre à imprimer."
    assert f"  {no_postcode.reference} : code postal absent ou invalide" in again.output


def test_the_board_acknowledgements_to_do_drop_by_the_letters_printed(
    db_path, store, admin, clock, tmp_path
) -> None:
    for index in range(3):
        add_request(store, admin, clock, add_caller(store, admin, surname=f"Nom{index}"))
    add_request(store, admin, clock, add_caller(store, admin, contact_preference="phone"))
    before = store.board_snapshot(limit=10).counts.acks_due_today

    result = run(db_path, "--out", str(tmp_path / "ar.pdf"))

    assert "3 lettre(s)" in result.output
    assert before == 4
    assert store.board_snapshot(limit=10).counts.acks_due_today == before - 3


def test_reprint_rebuilds_a_batch_from_current_data_and_records_nothing(
    db_path, store, admin, clock, tmp_path
) -> None:
    caller = add_caller(store, admin)
    request = add_request(store, admin, clock, caller)
    assert run(db_path, "--out", str(tmp_path / "ar.pdf")).exit_code == 0
    store.update_caller(admin, caller.id, caller.version, street="Place Saint-Étienne")
    events = query(db_path, "SELECT count(*) FROM events")
    out = tmp_path / "copie.pdf"

    result = run(db_path, "--reprint", "1", "--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.output == f"Lot n° 1 réimprimé : 1 lettre(s) -> {out}\n"
    (page,) = pages_text(out)
    assert "12 Place Saint-Étienne" in page.splitlines() and request.reference in page
    assert query(db_path, "SELECT count(*) FROM events") == events
    assert batches(db_path) == [(1, ACK, "admin")]
    missing = run(db_path, "--reprint", "9", "--out", str(out))
    assert missing.exit_code != 0 and "aucun lot n° 9" in missing.output


def test_final_answers_go_out_once_per_end_and_again_after_a_reopen(
    db_path, store, admin, clock, tmp_path
) -> None:
    caller = add_caller(store, admin)
    request = add_request(store, admin, clock, caller)
    assert run(db_path, "--out", str(tmp_path / "ar.pdf")).exit_code == 0
    assert run(db_path, "--final", "--out", str(tmp_path / "f0.pdf")).output == (
        "Aucune lettre à imprimer.\n"
    )
    current = store.get_request_by_reference(request.reference)
    done = store.apply(
        admin, request.id, Action.DONE, expected_version=current.version, outcome_code="REPARE"
    )

    first = run(db_path, "--final", "--out", str(tmp_path / "f1.pdf"))

    assert first.exit_code == 0 and "Lot n° 2 : 1 lettre(s)" in first.output, first.output
    (page,) = pages_text(tmp_path / "f1.pdf")
    assert f"Objet : Votre demande {request.reference} : notre réponse" in page
    assert "a été traitée" in page
    assert run(db_path, "--final", "--out", str(tmp_path / "f2.pdf")).output == (
        "Aucune lettre à imprimer.\n"
    )
    clock.set(FIXED_NOW + timedelta(hours=1))
    reopened = store.apply(admin, request.id, Action.REOPEN, expected_version=done.version)
    store.apply(
        admin,
        request.id,
        Action.DONE,
        expected_version=reopened.version,
        outcome_code="REPARE",
    )
    assert (
        "Lot n° 3 : 1 lettre(s)"
        in run(db_path, "--final", "--out", str(tmp_path / "f3.pdf")).output
    )
    assert batches(db_path) == [(1, ACK, "admin"), (2, FINAL, "admin"), (3, FINAL, "admin")]


def test_until_limits_to_the_acknowledgements_due_by_that_day(
    db_path, store, admin, clock, tmp_path
) -> None:
    old = add_request(store, admin, clock, add_caller(store, admin))
    recent = store.create_request(
        admin,
        NewRequest(
            category_id=store.categories()[0].id,
            description="Hier",
            caller_id=add_caller(store, admin, surname="Récent").id,
        ),
    )
    out = tmp_path / "ar.pdf"

    result = run(db_path, "--until", "20/11/2026", "--out", str(out))

    assert result.exit_code == 0 and "1 lettre(s)" in result.output, result.output
    assert old.reference in pages_text(out)[0]
    assert acknowledged(db_path, recent.id) == (False, "")
    bad = run(db_path, "--until", "31/02/2026", "--out", str(out))
    assert bad.exit_code != 0 and "--until : Date impossible" in bad.output


def test_two_batches_at_once_never_share_a_request(db_path, store, admin, clock) -> None:
    """Both read what is due before either records: the unique index decides, the second
    batch keeps only what the first did not take, and rewrites its file for those."""
    requests = [
        add_request(store, admin, clock, add_caller(store, admin, surname=f"Nom{i}"))
        for i in range(3)
    ]
    other = Store(db_path, clock=clock)
    try:
        seen_first = letters_due(store, ACK)
        late = add_request(store, admin, clock, add_caller(store, admin, surname="Tardif"))
        seen_second = letters_due(other, ACK)
        rewritten: list[list[str]] = []

        def rewrite(kept) -> None:
            rewritten.append([item.request.reference for item in kept])

        first_id, first_kept = record_batch(store, admin, ACK, "a.pdf", seen_first, rewrite)
        second_id, second_kept = record_batch(other, admin, ACK, "b.pdf", seen_second, rewrite)
    finally:
        other.close()

    assert [item.request.id for item in first_kept] == [r.id for r in requests]
    assert [item.request.id for item in second_kept] == [late.id]
    assert rewritten == [[late.reference]]  # only the second batch lost letters
    assert sorted(
        query(db_path, "SELECT batch_id, request_id FROM reply_letters ORDER BY request_id")
    ) == sorted([(first_id, r.id) for r in requests] + [(second_id, late.id)])


def test_two_letters_processes_at_once_print_each_request_once(
    db_path, store, admin, clock, tmp_path
) -> None:
    made = [
        add_request(store, admin, clock, add_caller(store, admin, surname=f"Nom{i}"))
        for i in range(4)
    ]
    env = dict(os.environ, ALLO_DB=str(db_path), ALLO_OPERATOR="admin")
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "allo_tui",
                "replies",
                "letters",
                "--out",
                str(tmp_path / f"{n}.pdf"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    outputs = [child.communicate(timeout=120) for child in children]

    assert [child.returncode for child in children] == [0, 0], outputs
    printed = [
        text
        for n in range(2)
        if (tmp_path / f"{n}.pdf").exists()
        for text in pages_text(tmp_path / f"{n}.pdf")
    ]
    assert len(printed) == len(made)
    for request in made:
        assert sum(request.reference in text for text in printed) == 1
    rows = query(db_path, "SELECT request_id FROM reply_letters")
    assert sorted(row[0] for row in rows) == sorted(r.id for r in made)
    assert all("Traceback" not in err for _, err in outputs)


def test_an_existing_file_is_kept_unless_forced_and_only_the_call_centre_prints(
    db_path, store, admin, clock, tmp_path
) -> None:
    request = add_request(store, admin, clock, add_caller(store, admin))
    out = tmp_path / "ar.pdf"
    out.write_bytes(b"yesterday")

    refused = run(db_path, "--out", str(out))

    assert refused.exit_code != 0 and "existe déjà ; --force" in refused.output
    assert out.read_bytes() == b"yesterday" and batches(db_path) == []
    assert acknowledged(db_path, request.id) == (False, "")
    store.add_operator("voirie", Role.SERVICE, "Agent Voirie", services=["VOIRIE"])
    agent = CliRunner().invoke(
        main,
        [
            "--db",
            str(db_path),
            "--operator",
            "voirie",
            "replies",
            "letters",
            "--out",
            str(tmp_path / "agent.pdf"),
        ],
    )
    assert agent.exit_code != 0 and "réservé au centre d'appels" in agent.output
    assert batches(db_path) == [] and not (tmp_path / "agent.pdf").exists()
    nowhere = run(db_path, "--out", str(tmp_path / "missing" / "ar.pdf"))
    assert nowhere.exit_code != 0 and "dossier introuvable" in nowhere.output

    forced = run(db_path, "--out", str(out), "--force")

    assert forced.exit_code == 0, forced.output
    assert request.reference in pages_text(out)[0]
    assert out.stat().st_mode & 0o777 == 0o600  # personal data: the owner's alone
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".ar", "agent"))] == []
