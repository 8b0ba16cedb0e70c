"""`allo replies template export|import NAME FILE` and `allo replies preview REFERENCE
[--final]`: the acknowledgement and final-answer templates shared by every console, edited in a
text editor, and the reply a request would get."""

from __future__ import annotations

from pathlib import Path

import click

from allo_tui.cli.common import Fail, db_option, open_store


@click.group()
def replies() -> None:
    """Réponses aux demandeurs (accusés de réception, réponses finales)."""


@replies.group()
def template() -> None:
    """Modèles de réponse (accuse_reception, reponse_finale[.CATÉGORIE])."""


@template.command("export")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def template_export(name: str, file: Path) -> None:
    """Écrit le modèle NAME dans FILE (objet, ligne vide, texte)."""
    from allo_tui.data.store.reply_templates import template_text
    from allo_tui.domain.errors import ValidationError

    store = open_store(create=False)
    try:
        text = template_text(store, name)
    except ValidationError as error:
        raise Fail(str(error)) from None
    file.write_text(text, encoding="utf-8")
    click.echo(f"{name} -> {file}")


@template.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
def template_import(name: str, file: Path) -> None:
    """Enregistre FILE comme modèle NAME (ajouté ou remplacé)."""
    from allo_tui.cli.operators import _admin
    from allo_tui.data.store.reply_templates import store_template
    from allo_tui.domain.errors import ValidationError

    store = open_store(create=False)
    _admin(store, "change les modèles de réponse")
    try:
        added = store_template(store, name, file.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as error:
        raise Fail(str(error)) from None
    click.echo(f"{name} {'ajouté' if added else 'remplacé'}")


@replies.command("preview")
@click.argument("reference")
@click.option("--final", is_flag=True, help="La réponse finale au lieu de l'accusé de réception.")
@db_option
def preview(reference: str, final: bool) -> None:
    """Affiche la réponse qu'aurait la demande REFERENCE."""
    from allo_tui.data.store.reply_templates import template_for
    from allo_tui.domain.errors import ValidationError
    from allo_tui.domain.reply_templates import ACKNOWLEDGEMENT, FINAL_ANSWER, render, reply_fields

    store = open_store(create=False)
    request = store.get_request_by_reference(reference)
    if request is None:
        raise Fail(f"aucune demande {reference}")
    caller = store.get_caller(request.caller_id) if request.caller_id else None
    codes = {c.id: c.code for c in store.categories()}
    try:
        subject, body = template_for(
            store, FINAL_ANSWER if final else ACKNOWLEDGEMENT, codes.get(request.category_id)
        )
        fields = reply_fields(request, caller, signature=_setting(store, "reply_signature"))
        click.echo(f"Objet : {render(subject, fields).strip()}\n")
        click.echo(render(body, fields))
    except ValidationError as error:
        raise Fail(str(error)) from None


def _setting(store, key: str) -> str:
    """A text site setting's value (its default when never set)."""
    from allo_tui.data.store.site_settings import stored_settings
    from allo_tui.domain.site_settings import spec_of

    return spec_of(key).shown(stored_settings(store).get(key))


@replies.command("letters")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier PDF à écrire.",
)
@click.option(
    "--final", is_flag=True, help="Les réponses finales au lieu des accusés de réception."
)
@click.option(
    "--until",
    "until",
    metavar="DATE",
    help="Seulement les accusés dus (ou les demandes terminées) au plus tard ce jour.",
)
@click.option("--reprint", "reprint", type=int, metavar="LOT", help="Refait le PDF du lot LOT.")
@db_option
def letters(out: Path, final: bool, until: str | None, reprint: int | None) -> None:
    """Écrit en un PDF les courriers dus aux demandeurs qui préfèrent le courrier, puis les
    enregistre (accusé de réception « courrier », lot) ; rien de nouveau : rien n'est écrit."""
    from allo_tui.cli.letters_texts import TEXTS

    if reprint is not None and (final or until):
        raise Fail(TEXTS["reprint_final"])
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise Fail(TEXTS["no_folder"].format(folder=folder))
    store = open_store(create=False)
    if reprint is not None:
        _reprint(store, reprint, out)
        return
    _new_batch(store, out, final, until)


def _templates(store, kind: str):
    """A function giving the (subject, body) template of a category code, read once each."""
    from allo_tui.data.store.reply_templates import template_for

    found: dict[str | None, tuple[str, str]] = {}

    def of(category_code: str | None) -> tuple[str, str]:
        if category_code not in found:
            found[category_code] = template_for(store, kind, category_code)
        return found[category_code]

    return of


def _compose(store, batch_kind: str, due):
    """(letters to print with their requests, letters held back) for the requests in `due`."""
    from allo_tui.data.store.reply_letters import ACK
    from allo_tui.domain.errors import ValidationError
    from allo_tui.domain.letters import HeldLetter, compose_letter
    from allo_tui.domain.reply_templates import ACKNOWLEDGEMENT, FINAL_ANSWER

    template = _templates(store, ACKNOWLEDGEMENT if batch_kind == ACK else FINAL_ANSWER)
    codes = {c.id: c.code for c in store.categories()}
    signature = _setting(store, "reply_signature")
    day = store.now().astimezone(store.calendar().zone).date()
    printed, held = [], []
    try:
        for item in due:
            letter = compose_letter(
                item.request,
                item.caller,
                template(codes.get(item.request.category_id)),
                signature=signature,
                day=day,
            )
            if isinstance(letter, HeldLetter):
                held.append(letter)
            else:
                printed.append((item, letter))
    except ValidationError as error:
        raise Fail(str(error)) from None
    return printed, held


def _write_pdf(store, path: Path, batch_kind: str, letters) -> None:
    """The letters as one PDF at `path`, with the site's letterhead."""
    from allo_tui.cli.letters_texts import TEXTS
    from allo_tui.data.store.reply_letters import ACK
    from allo_tui.domain.letter_pdf import write_letters

    letterhead = _setting(store, "letterhead") or _setting(store, "reply_signature")
    title = TEXTS["title_ack" if batch_kind == ACK else "title_final"]
    write_letters(path, letters, letterhead=letterhead, title=title)


def _show_held(held) -> None:
    from allo_tui.cli.letters_texts import TEXTS

    if not held:
        return
    click.echo(TEXTS["held"].format(count=len(held)))
    for letter in held:
        click.echo(TEXTS["held_line"].format(reference=letter.reference, reason=letter.reason))


def _new_batch(store, out: Path, final: bool, until: str | None) -> None:
    """Print the letters due and record them as one batch.

    Order of the steps, so that there is never a recorded batch without its file nor a file
    whose letters were not recorded: the PDF is written to a temporary file beside `out`
    first; the batch is recorded in one transaction (the letters another batch took
    meanwhile are left out, and the temporary file rewritten without them, before the commit);
    only once the commit succeeded is the temporary file renamed to `out` (atomic, same
    folder). A failure before the commit removes the temporary file and records nothing; a
    failed rename after it (rare: same folder) leaves the recorded letters in the temporary
    file, named in the error, and `--reprint` rebuilds them.
    """
    import os
    from datetime import datetime, timedelta

    from allo_tui.cli.common import resolve_operator
    from allo_tui.cli.letters_texts import TEXTS
    from allo_tui.data.store.reply_letters import ACK, FINAL, letters_due, record_batch
    from allo_tui.domain.periods import parse_day
    from allo_tui.domain.records import Role

    operator = resolve_operator(store, demo=store.is_demo())
    if not operator.role.includes(Role.OPERATOR):
        raise Fail(TEXTS["not_operator"].format(login=operator.login))
    zone = store.calendar().zone
    limit = None
    if until:
        try:
            day = parse_day(until, store.now(), zone)
        except ValueError as error:
            raise Fail(TEXTS["bad_until"].format(error=error)) from None
        limit = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    batch_kind = FINAL if final else ACK
    printed, held = _compose(store, batch_kind, letters_due(store, batch_kind, limit))
    if not printed:
        click.echo(TEXTS["nothing"])
        _show_held(held)
        return
    letter_of = {item.request.id: letter for item, letter in printed}
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")

    def rewrite(kept) -> None:
        _write_pdf(store, temporary, batch_kind, [letter_of[item.request.id] for item in kept])

    try:
        _write_pdf(store, temporary, batch_kind, [letter for _, letter in printed])
        batch_id, kept = record_batch(
            store, operator, batch_kind, str(out.resolve()), [i for i, _ in printed], rewrite
        )
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise Fail(TEXTS["write_failed"].format(file=out, error=error)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if not kept:
        temporary.unlink(missing_ok=True)
        click.echo(TEXTS["nothing"])
        _show_held(held)
        return
    try:
        os.replace(temporary, out)
    except OSError as error:
        raise Fail(
            TEXTS["rename_failed"].format(batch=batch_id, error=error, temporary=temporary)
        ) from None
    click.echo(TEXTS["written"].format(batch=batch_id, count=len(kept), file=out))
    _show_held(held)


def _reprint(store, batch_id: int, out: Path) -> None:
    """Rebuild a batch's PDF from the current data; nothing is recorded."""
    import os

    from allo_tui.cli.letters_texts import TEXTS
    from allo_tui.data.store.reply_letters import batch_letters, batch_of

    batch = batch_of(store, batch_id)
    if batch is None:
        raise Fail(TEXTS["no_batch"].format(batch=batch_id))
    printed, held = _compose(store, batch.kind, batch_letters(store, batch))
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        _write_pdf(store, temporary, batch.kind, [letter for _, letter in printed])
        os.replace(temporary, out)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise Fail(TEXTS["write_failed"].format(file=out, error=error)) from None
    click.echo(TEXTS["reprinted"].format(batch=batch_id, count=len(printed), file=out))
    _show_held(held)
