"""Reply templates' reads and writes (`allo replies template export|import`): functions over a
`Store`; the text of a template file is its subject on the first line, a blank line, the body."""

from __future__ import annotations

from allo_tui.domain.errors import ValidationError
from allo_tui.domain.reply_templates import check_name, check_template


def template_text(store, name: str) -> str:
    """The template as a file's text; `ValidationError` when there is none of that name."""
    check_name(name)
    with store._read() as connection:
        row = connection.execute(
            "SELECT subject, body FROM reply_templates WHERE name = ?", (name,)
        ).fetchone()
    if row is None:
        raise ValidationError("template", f"aucun modèle nommé {name}")
    return f"{row[0]}\n\n{row[1]}"


def parse_template_text(text: str) -> tuple[str, str]:
    """(subject, body) of a template file's text; `ValidationError` when either is invalid."""
    subject, _, body = text.replace("\r\n", "\n").partition("\n")
    body = body.removeprefix("\n")
    if not subject.strip() or not body.strip():
        raise ValidationError(
            "template", "attendu : l'objet sur la 1re ligne, une ligne vide, le texte"
        )
    check_template(subject)
    check_template(body)
    return subject.strip(), body


def store_template(store, name: str, text: str) -> bool:
    """Save a template from a file's text (added or replaced); True when it was added."""
    check_name(name)
    subject, body = parse_template_text(text)
    with store._write() as connection:
        row = connection.execute(
            "SELECT id FROM reply_templates WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            connection.execute(
                "INSERT INTO reply_templates (name, subject, body) VALUES (?, ?, ?)",
                (name, subject, body),
            )
            return True
        connection.execute(
            "UPDATE reply_templates SET subject = ?, body = ? WHERE name = ?", (subject, body, name)
        )
        return False


def template_for(
    store, kind: str, category_code: str | None, request_kind: str | None = None
) -> tuple[str, str]:
    """(subject, body) of the category's override of a reply's template, else the one of the
    kind of request (`accuse_reception.reclamation`…), else the reply's own."""
    from allo_tui.domain.reply_templates import KIND_NAMES

    names = [f"{kind}.{category_code}"] if category_code else []
    if request_kind in KIND_NAMES:
        names.append(f"{kind}.{KIND_NAMES[request_kind]}")
    names.append(kind)
    with store._read() as connection:
        for name in names:
            row = connection.execute(
                "SELECT subject, body FROM reply_templates WHERE name = ?", (name,)
            ).fetchone()
            if row is not None:
                return row[0], row[1]
    raise ValidationError("template", f"aucun modèle {kind}")
