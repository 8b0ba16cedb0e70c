"""The La Poste address block: name in capitals, postcode and town last, 38 characters a line."""

from __future__ import annotations

from allo_tui.domain.postal_address import address_block


def test_a_full_address_is_laid_out_as_la_poste_expects() -> None:
    lines, reason = address_block(
        "Zoé Lœvenbruck", "12 bis", "rue de l'Église", "Bâtiment B", "89000", "Auxerre"
    )
    assert reason == ""
    assert lines == ["ZOE LOEVENBRUCK", "Bâtiment B", "12 bis rue de l'Église", "89000 AUXERRE"]
    assert all(len(line) <= 38 for line in lines)


def test_unaddressable_callers_are_held_back_with_a_reason() -> None:
    assert address_block("A B", "1", "", "", "89000", "Auxerre") == ([], "pas d'adresse postale")
    assert address_block("A B", "1", "rue X", "", "", "Auxerre")[1].startswith("code postal")
    long_street = "avenue " + "x" * 40
    lines, reason = address_block("A B", "1", long_street, "", "89000", "Auxerre")
    assert lines == [] and "38" in reason
