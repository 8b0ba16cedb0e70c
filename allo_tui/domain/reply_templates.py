"""Reply templates (acknowledgements and final answers to citizens): names, French defaults and
their rendering in a sandboxed Jinja2 environment (HTML escaped by default, plain text not).

A template is named after its kind (`accuse_reception`, `reponse_finale`), optionally followed by
a dot and a category code to override it for that category (`accuse_reception.VOIRIE_NIDPOULE`).
Jinja2 is imported only when a template is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allo_tui.domain.errors import ValidationError

ACKNOWLEDGEMENT = "accuse_reception"
FINAL_ANSWER = "reponse_finale"
KINDS = (ACKNOWLEDGEMENT, FINAL_ANSWER)

DEFAULT_SUBJECTS = {
    ACKNOWLEDGEMENT: "Votre demande {{ reference }} a bien été reçue",
    FINAL_ANSWER: "Votre demande {{ reference }} : notre réponse",
}

DEFAULT_BODIES = {
    ACKNOWLEDGEMENT: """{{ civility_name }},

Nous avons bien reçu votre demande du {{ call_date }}, enregistrée sous la référence {{ reference }}.

Catégorie : {{ category }}
{% if location %}Lieu : {{ location }}
{% endif %}Objet : {{ description_start }}

Nos services s'engagent à intervenir avant le {{ intervention_due }}. Nous vous tiendrons informé(e) de la suite donnée.

Nous vous prions d'agréer l'expression de nos salutations distinguées.

{{ signature }}
""",
    FINAL_ANSWER: """{{ civility_name }},

Votre demande du {{ call_date }}, référence {{ reference }} ({{ category }}), a été traitée.

{% if location %}Lieu : {{ location }}
{% endif %}Objet : {{ description_start }}

Suite donnée : {{ outcome }}
{% if answer %}{{ answer }}
{% endif %}
Nous vous remercions de votre signalement et vous prions d'agréer l'expression de nos salutations distinguées.

{{ signature }}
""",
}

KIND_NAMES = {
    "complaint": "reclamation",
    "remark": "remarque",
    "information": "information",
}
"""The name suffix of a kind of request's own templates (`accuse_reception.reclamation`); an
intervention uses the plain ones."""

_CLOSING = (
    "Nous vous prions d'agréer l'expression de nos salutations distinguées.\n\n{{ signature }}\n"
)
_ABOUT = (
    "Catégorie : {{ category }}\n{% if location %}Lieu : {{ location }}\n{% endif %}"
    "Objet : {{ description_start }}\n"
)
_OUTCOME = (
    "{% if outcome %}Suite donnée : {{ outcome }}\n{% endif %}"
    "{% if answer %}{{ answer }}\n{% endif %}"
)
KIND_TEMPLATES: dict[str, tuple[str, str]] = {
    f"{ACKNOWLEDGEMENT}.reclamation": (
        "Votre réclamation {{ reference }} a bien été reçue",
        "{{ civility_name }},\n\nNous avons bien reçu votre réclamation du {{ call_date }},"
        " enregistrée sous la référence {{ reference }}.\n\n" + _ABOUT + "\nElle a été"
        " transmise au service concerné, qui l'examinera avec attention. Nous reviendrons vers"
        " vous dès qu'une réponse pourra vous être apportée.\n\n" + _CLOSING,
    ),
    f"{FINAL_ANSWER}.reclamation": (
        "Votre réclamation {{ reference }} : notre réponse",
        "{{ civility_name }},\n\nVotre réclamation du {{ call_date }}, référence"
        " {{ reference }} ({{ category }}), a été examinée.\n\n" + _OUTCOME + "\nNous vous"
        " remercions de nous en avoir fait part.\n\n" + _CLOSING,
    ),
    f"{ACKNOWLEDGEMENT}.remarque": (
        "Votre remarque {{ reference }} a bien été reçue",
        "{{ civility_name }},\n\nNous avons bien reçu votre remarque du {{ call_date }},"
        " enregistrée sous la référence {{ reference }}, et nous vous en remercions.\n\n"
        + _ABOUT
        + "\nElle a été transmise au service concerné.\n\n"
        + _CLOSING,
    ),
    f"{FINAL_ANSWER}.remarque": (
        "Votre remarque {{ reference }} : la suite donnée",
        "{{ civility_name }},\n\nÀ la suite de votre remarque du {{ call_date }}, référence"
        " {{ reference }} ({{ category }}) :\n\n" + _OUTCOME + "\nNous vous remercions de"
        " votre attention à la vie de la commune.\n\n" + _CLOSING,
    ),
    f"{ACKNOWLEDGEMENT}.information": (
        "Votre demande d'information {{ reference }} a bien été reçue",
        "{{ civility_name }},\n\nNous avons bien reçu votre demande d'information du"
        " {{ call_date }}, enregistrée sous la référence {{ reference }}.\n\n"
        + _ABOUT
        + "\nNous vous répondrons dans les meilleurs délais.\n\n"
        + _CLOSING,
    ),
    f"{FINAL_ANSWER}.information": (
        "Votre demande d'information {{ reference }} : notre réponse",
        "{{ civility_name }},\n\nEn réponse à votre demande d'information du {{ call_date }},"
        " référence {{ reference }} ({{ category }}) :\n\n" + _OUTCOME + "\n" + _CLOSING,
    ),
}
"""The French templates of the kinds of request other than interventions (migration 0025)."""

NAME_MAX = 80


def template_name(kind: str, category_code: str | None = None) -> str:
    """The name of a kind's template, or of its override for one category."""
    if kind not in KINDS:
        raise ValidationError("template", f"type de modèle inconnu : {kind}")
    return f"{kind}.{category_code}" if category_code else kind


def check_name(name: str) -> str:
    """A template name as typed: a known kind, optionally `.CATEGORY`; `ValidationError` if not."""
    kind, _, category = name.partition(".")
    if kind not in KINDS or len(name) > NAME_MAX or (_ and not category.strip()):
        known = ", ".join(KINDS)
        raise ValidationError(
            "template", f"nom de modèle invalide : {name} (attendu : {known}[.CATÉGORIE])"
        )
    return name


def _environment(html: bool):
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        autoescape=html, undefined=StrictUndefined, keep_trailing_newline=True
    )


def check_template(source: str) -> None:
    """`ValidationError` when the text is not a valid template."""
    from jinja2 import TemplateSyntaxError

    try:
        _environment(False).parse(source)
    except TemplateSyntaxError as error:
        raise ValidationError(
            "template", f"modèle invalide ligne {error.lineno} : {error.message}"
        ) from None


def render(source: str, fields: Mapping[str, Any], *, html: bool = False) -> str:
    """The template filled with the fields; HTML-escaped when `html`. `ValidationError` when the
    template is invalid, uses an unknown field or tries something the sandbox refuses."""
    from jinja2 import TemplateError

    try:
        return _environment(html).from_string(source).render(**fields)
    except TemplateError as error:
        raise ValidationError("template", f"modèle impossible à remplir : {error}") from None


def to_html(text: str) -> str:
    """A rendered plain-text letter as escaped HTML paragraphs (the email's HTML part)."""
    from markupsafe import escape

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n".join(
        "<p>" + str(escape(p.strip())).replace("\n", "<br>\n") + "</p>" for p in paragraphs
    )


DESCRIPTION_START = 200


def reply_fields(
    request, caller=None, *, signature: str = "Le service Allô Mairie"
) -> dict[str, Any]:
    """The fields a template may use, from a request record and its caller's record (or None)."""
    from allo_tui.domain.display import format_date

    location = (
        " ".join(part for part in (request.street_number, request.street) if part)
        or request.landmark
    )
    description = " ".join(request.description.split())
    if len(description) > DESCRIPTION_START:
        description = description[: DESCRIPTION_START - 1].rstrip() + "…"
    if caller is not None:
        name = f"{caller.given_name} {caller.surname}".strip()
    else:
        name = request.caller_name
    return {
        "reference": request.reference,
        "call_date": format_date(request.created_at),
        "category": request.category_label,
        "location": location,
        "description_start": description,
        "ack_due": format_date(request.ack_due_at),
        "intervention_due": format_date(request.intervention_due_at),
        "outcome": request.outcome_label or request.rejection_reason_label or "",
        "answer": request.answer,
        "caller_name": name,
        "civility_name": f"Madame, Monsieur {name}".strip() if name else "Madame, Monsieur",
        "street_number": caller.street_number if caller else "",
        "street": caller.street if caller else "",
        "postcode": caller.postcode if caller else "",
        "city": caller.city if caller else "",
        "signature": signature,
    }
