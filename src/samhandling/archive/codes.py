"""The Noark 5 / Fiks Arkiv code lists an export uses, with the standard's Norwegian descriptions.

Values and descriptions are the code lists of ks-no/fiks-arkiv-specification (``Schema/V1/kodelister/
no.ks.fiks.arkiv.v1.kodelister.<navn>/<navn>.json``, as quoted in ``docs/sources/noark-fiks-arkiv.md``);
``arkivdelstatus`` is the example list the standard documents for M051 (in the annotation of ``metadatakatalog.xsd``).
Every coded element an export writes goes through :func:`code`, so no value outside these lists can be written.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from samhandling.errors import SamhandlingError

CODE_LISTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "journalposttype": MappingProxyType(
            {  # M082
                "I": "Inngående dokument",
                "U": "Utgående dokument",
                "N": "Organinternt dokument for oppfølging",
                "X": "Organinternt dokument uten oppfølging",
                "S": "Saksframlegg",
            }
        ),
        "journalstatus": MappingProxyType(
            {  # M053
                "J": "Journalført",
                "F": "Ferdigstilt av saksbehandler",
                "G": "Godkjent av leder",
                "E": "Ekspedert",
                "A": "Arkivert",
                "U": "Utgår",
                "M": "Midlertidig registrering av innkommende dokument",
                "S": "Saksbehandler har registrert innkommende dokument",
                "R": "Reservert dokument",
            }
        ),
        "saksstatus": MappingProxyType(
            {  # M052
                "B": "Under behandling",
                "A": "Avsluttet",
                "U": "Utgår",
                "R": "Opprettet av saksbehandler",
                "S": "Avsluttet av saksbehandler",
                "P": "Unntatt prosesstyring",
                "F": "Ferdig fra saksbehandler",
            }
        ),
        "moeteregistreringstype": MappingProxyType(
            {  # M085
                "MI": "Møteinnkalling",
                "SF": "Saksframlegg",
                "SP": "Saksprotokoll",
                "MP": "Møteprotokoll",
                "SL": "Saksliste",
                "OL": "Offentlig saksliste",
                "VL": "Vedlegg til møtesak",
            }
        ),
        "moetesakstype": MappingProxyType(
            {  # M088
                "PS": "Politisk sak",
                "DS": "Delegert møtesak",
                "RS": "Referatsak",
                "FO": "Forespørsel (interpellasjon)",
                "AN": "Annet",
            }
        ),
        "moetedeltakerfunksjon": MappingProxyType(
            {  # M373
                "M": "Møteleder",
                "R": "Referent",
            }
        ),
        "arkivdelstatus": MappingProxyType(
            {  # M051 (example list in the schema annotation)
                "A": "Aktiv periode",
                "O": "Overlappingsperiode",
                "P": "Avsluttet periode",
                "U": "Uaktuelle mapper",
            }
        ),
    }
)


class UnknownCodeError(SamhandlingError):
    """A value that is not in the standard's code list (a programming error in an export, or a bad input)."""

    code = "unknown-archive-code"


def code(list_name: str, value: str) -> tuple[str, str]:
    """``(value, description)`` from the code list ``list_name``; refuses a value the list does not have."""
    try:
        entries = CODE_LISTS[list_name]
    except KeyError:
        raise UnknownCodeError(
            f"kodelisten «{list_name}» finnes ikke; kjente lister: " + ", ".join(sorted(CODE_LISTS))
        ) from None
    if value not in entries:
        raise UnknownCodeError(
            f"«{value}» er ikke en kode i kodelisten {list_name}; gyldige koder: "
            + ", ".join(f"{k} ({v})" for k, v in entries.items())
        )
    return value, entries[value]
