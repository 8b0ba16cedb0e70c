"""`allo request add`: a request saved without the interface (scripts, gateways), checked and
cleaned as the form does."""

from __future__ import annotations

import click

from allo_tui.cli.common import (
    Fail,
    cleaned,
    db_option,
    echo_result,
    one_line,
    open_store,
    resolve_operator,
    trimmed,
)


@click.group()
def request() -> None:
    """Demandes, sans l'interface (scripts, passerelles)."""


@request.command("add")
@click.option("--phone", default="", help="Téléphone du demandeur.")
@click.option("--name", default="", help="Nom du demandeur (NOM Prénom).")
@click.option("--category", required=True, help="Catégorie (code ou libellé).")
@click.option("--street", default="", help="Voie.")
@click.option("--number", "street_number", default="", help="Numéro dans la voie.")
@click.option("--landmark", default="", help="Repère (« devant l'école »).")
@click.option("--description", required=True, help="Description de la demande.")
@click.option(
    "--urgency", type=int, default=None, help="Urgence 1 à 4 (défaut : celle de la catégorie)."
)
@click.option(
    "--idempotency-key",
    "idempotency_key",
    default=None,
    metavar="CLÉ",
    help="Clé unique de la demande : relancée avec la même clé, la commande n'enregistre rien"
    " de plus et affiche le même numéro.",
)
@db_option
def request_add(
    phone: str,
    name: str,
    category: str,
    street: str,
    street_number: str,
    landmark: str,
    description: str,
    urgency: int | None,
    idempotency_key: str | None,
) -> None:
    """Enregistre une demande et affiche son numéro.

    Le demandeur est reconnu à son numéro entier (et à son nom si --name est donné) ;
    sinon il est créé.
    """
    from allo_tui.domain.errors import AlloError, SharedNumberError, ValidationError
    from allo_tui.domain.limits import too_long
    from allo_tui.domain.records import CallerMatch, NewCaller, NewRequest
    from allo_tui.domain.text import split_name

    if urgency is not None and urgency not in (1, 2, 3, 4):
        raise Fail(f"urgence {urgency} invalide : valeurs possibles 1, 2, 3, 4")
    phone = trimmed("--phone", cleaned("--phone", phone))
    name = trimmed("--name", cleaned("--name", name))
    category = trimmed("--category", cleaned("--category", category))
    street = cleaned("--street", street)
    street_number = cleaned("--number", street_number)
    landmark = cleaned("--landmark", landmark)
    description = cleaned("--description", description, multiline=True)
    for option, field, value in (
        ("--phone", "phone", phone),
        ("--name", "name", name),
        ("--category", "category", category),
        ("--street", "street", street),
        ("--number", "street_number", street_number),
        ("--landmark", "landmark", landmark),
        ("--description", "description", description),
    ):
        reason = too_long(field, value)  # the form's limits: nothing longer is stored
        if reason is not None:
            raise Fail(f"{option} : {reason}")
    store = open_store()
    operator_record = resolve_operator(store, demo=store.is_demo())
    found = store.find_category(category)
    if found is None:
        choices = ", ".join(c.code for c in store.categories())
        raise Fail(f"catégorie inconnue : {category!r} (catégories : {choices})")
    new_caller = None
    if phone.strip() or name.strip():
        # The Store attaches the known caller holding this whole number (with this name),
        # inside the transaction that saves: concurrent gateway calls make one caller.
        surname, given_name = split_name(name)
        new_caller = NewCaller(
            surname=surname, given_name=given_name, phones=(phone,) if phone.strip() else ()
        )
    new = NewRequest(
        category_id=found.id,
        description=description,
        new_caller=new_caller,
        caller_match=CallerMatch.NUMBER_AND_NAME,
        urgency=urgency,
        street=street,
        street_number=street_number,
        landmark=landmark,
        idempotency_key=idempotency_key,
    )
    try:
        record = store.create_request(operator_record, new)
    except SharedNumberError as error:
        raise Fail(
            f"--phone : le numéro {error.number} est celui de {len(error.names)} demandeurs"
            f" ({', '.join(error.names)}) : précisez --name"
        ) from None
    except ValidationError as error:
        raise Fail(f"{error.field} : {error.message}") from None
    except AlloError as error:
        raise Fail(str(error)) from None
    echo_result(one_line(record.reference))
