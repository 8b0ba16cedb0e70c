"""`allo replies letters --out FILE.pdf [--final] [--until DATE] [--reprint BATCH]`: the letters
due to callers who prefer letters, as one PDF, recorded as one batch (and, for
acknowledgements, an acknowledgement "courrier" on each request) in one transaction.

Order of the steps, so that there is never a recorded batch without its file nor a file whose
letters were not recorded: the PDF is written (and synced) to a temporary file beside FILE
first; the batch is recorded in one transaction (letters another batch took meanwhile are left
out, and the temporary file rewritten without them, before the commit); only once the commit
succeeded does the temporary file take FILE's name (same folder: atomic). A failure before the
commit removes the temporary file and records nothing. A failed rename after it (rare: same
folder) leaves the recorded letters in the temporary file, named in the error, and `--reprint`
rebuilds them anyway.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from allo_tui.cli.common import Fail, db_option, one_line, open_store
from allo_tui.cli.letters_texts import TEXTS


@click.command("letters")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
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
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe.")
@db_option
def letters(out: Path, final: bool, until: str | None, reprint: int | None, force: bool) -> None:
    """Écrit en un PDF les courriers dus aux demandeurs qui préfèrent le courrier, puis les
    enregistre (accusé de réception « courrier », lot) ; rien de nouveau : rien n'est écrit."""
    if reprint is not None and (final or until):
        raise Fail(TEXTS["reprint_final"])
    out = out.expanduser()
    if not out.parent.is_dir():
        raise Fail(TEXTS["no_folder"].format(folder=one_line(str(out.parent))))
    if out.is_dir():
        raise Fail(TEXTS["is_folder"].format(file=one_line(str(out))))
    store = open_store(create=False)
    if reprint is not None:
        _reprint(store, reprint, out, force)
    else:
        _new_batch(store, out, final, until, force)


def _setting(store, key: str) -> str:
    """A text site setting's value (its default when never set)."""
    from allo_tui.data.store.site_settings import stored_settings
    from allo_tui.domain.site_settings import spec_of

    return spec_of(key).shown(stored_settings(store).get(key))


def _templates(store, kind: str):
    """A function giving the (subject, body) template of a category code, read once each."""
    from allo_tui.data.store.reply_templates import template_for

    found: dict[tuple[str | None, str], tuple[str, str]] = {}

    def of(category_code: str | None, request_kind: str = "") -> tuple[str, str]:
        key = (category_code, request_kind)
        if key not in found:
            found[key] = template_for(store, kind, category_code, request_kind)
        return found[key]

    return of


def _compose(store, batch_kind: str, due):
    """(letters to print with their requests, letters held back) for the requests in `due`."""
    from allo_tui.data.store.reply_letters import ACK
    from allo_tui.domain.errors import ValidationError
    from allo_tui.domain.letter_pdf import unprintable
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
                template(codes.get(item.request.category_id), item.request.kind.value),
                signature=signature,
                day=day,
            )
            if not isinstance(letter, HeldLetter):
                missing = unprintable("".join(letter.address_lines))
                if missing:
                    letter = HeldLetter(
                        item.request.reference, TEXTS["unprintable"].format(characters=missing)
                    )
            if isinstance(letter, HeldLetter):
                held.append(letter)
            else:
                printed.append((item, letter))
    except ValidationError as error:
        raise Fail(str(error)) from None
    return printed, held


def _write_pdf(store, path: Path, batch_kind: str, letters: Sequence) -> None:
    """The letters as one PDF at `path`, with the site's letterhead, synced to the disk and
    readable by its owner alone (letters hold personal data)."""
    from allo_tui.data.store.reply_letters import ACK
    from allo_tui.domain.letter_pdf import write_letters

    letterhead = _setting(store, "letterhead") or _setting(store, "reply_signature")
    title = TEXTS["title_ack" if batch_kind == ACK else "title_final"]
    write_letters(path, letters, letterhead=letterhead, title=title)
    with open(path, "rb+") as written:
        os.fsync(written.fileno())
    os.chmod(path, 0o600)


def _temporary_beside(out: Path) -> Path:
    import tempfile

    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    return Path(name)


def _publish(temporary: Path, out: Path, force: bool) -> None:
    """The temporary file takes `out`'s name; without `force`, never over an existing file
    (a hard link fails if `out` appeared meanwhile; where links are not supported, a rename)."""
    if force:
        os.replace(temporary, out)
        return
    try:
        os.link(temporary, out)
    except FileExistsError:
        raise
    except OSError:
        if out.exists():
            raise FileExistsError(str(out)) from None
        os.replace(temporary, out)
        return
    temporary.unlink()


def _show_held(held) -> None:
    if not held:
        return
    click.echo(TEXTS["held"].format(count=len(held)))
    for letter in held:
        click.echo(
            TEXTS["held_line"].format(reference=letter.reference, reason=one_line(letter.reason))
        )


def _refuse_existing(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise Fail(TEXTS["exists"].format(file=one_line(str(out))))


def _new_batch(store, out: Path, final: bool, until: str | None, force: bool) -> None:
    """Print the letters due and record them as one batch (see the module's docstring)."""
    from datetime import datetime, timedelta

    from allo_tui.cli.common import resolve_operator
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
    _refuse_existing(out, force)
    letter_of = {item.request.id: letter for item, letter in printed}
    temporary = _temporary_beside(out)

    def rewrite(kept) -> None:
        _write_pdf(store, temporary, batch_kind, [letter_of[item.request.id] for item in kept])

    try:
        _write_pdf(store, temporary, batch_kind, [letter for _, letter in printed])
        batch_id, kept = record_batch(
            store, operator, batch_kind, str(out.resolve()), [i for i, _ in printed], rewrite
        )
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise Fail(TEXTS["write_failed"].format(file=one_line(str(out)), error=error)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if not kept:
        temporary.unlink(missing_ok=True)
        click.echo(TEXTS["nothing"])
        _show_held(held)
        return
    try:
        _publish(temporary, out, force)
    except OSError as error:
        raise Fail(
            TEXTS["rename_failed"].format(batch=batch_id, error=error, temporary=temporary)
        ) from None
    click.echo(TEXTS["written"].format(batch=batch_id, count=len(kept), file=one_line(str(out))))
    _show_held(held)


def _reprint(store, batch_id: int, out: Path, force: bool) -> None:
    """Rebuild a batch's PDF from the current data; nothing is recorded."""
    from allo_tui.data.store.reply_letters import batch_letters, batch_of

    batch = batch_of(store, batch_id)
    if batch is None:
        raise Fail(TEXTS["no_batch"].format(batch=batch_id))
    _refuse_existing(out, force)
    printed, held = _compose(store, batch.kind, batch_letters(store, batch))
    temporary = _temporary_beside(out)
    try:
        _write_pdf(store, temporary, batch.kind, [letter for _, letter in printed])
        _publish(temporary, out, force)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise Fail(TEXTS["write_failed"].format(file=one_line(str(out)), error=error)) from None
    click.echo(
        TEXTS["reprinted"].format(batch=batch_id, count=len(printed), file=one_line(str(out)))
    )
    _show_held(held)
