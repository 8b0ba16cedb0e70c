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
            store,
            FINAL_ANSWER if final else ACKNOWLEDGEMENT,
            codes.get(request.category_id),
            request.kind.value,
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


def _register_letters() -> None:
    from allo_tui.cli.reply_letters import letters
    from allo_tui.cli.reply_send import outbox_list, send

    replies.add_command(letters)
    replies.add_command(send)
    replies.add_command(outbox_list)


_register_letters()
