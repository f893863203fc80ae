# language: no
Egenskap: Sør-Rogaland – organer, sammensetning og eskalering
  Partnerskapsmøtet, SSU, FSU, fire tjenestemodellgrupper og fem videreførte fagråd (S3).

  Bakgrunn:
    Gitt strukturen "Helsefellesskapet Sør-Rogaland"

  Scenario: Strukturen bryter ingen av sine egne regler
    Så strukturen er gyldig
    Og strukturen har 5 organer av typen "fagråd"
    Og strukturen har 4 organer av typen "tjenestemodellgruppe"

  Scenario: SSU beslutter i konsensus, FSU er rådgivende
    Så organet "SSU" er besluttende
    Og organet "SSU" beslutter ved "konsensus"
    Og organet "FSU" er rådgivende
    Og organet "Partnerskapsmøtet" er uten beslutningsmyndighet

  Scenario: FSU har paritet, praksiskonsulent, fastlege og to brukerrepresentanter
    Så organet "FSU" har like mange representanter fra kommunene og helseforetaket
    Og organet "FSU" har 2 representanter fra "brukerrepresentanter"
    Og organet "FSU" har 1 representanter fra "fastlege"
    Og organet "FSU" har 1 representanter fra "praksiskonsulent"
    Og organet "FSU" har 16 medlemmer

  Scenario: Tjenestemodellgruppene har paritet når lederen ikke regnes med
    Så organet "TMG barn og unge" har like mange representanter fra kommunene og helseforetaket når lederen ikke regnes med
    Og organet "TMG barn og unge" ledes av "Helse Stavanger"
    Og organet "TMG skrøpelige eldre" ledes av "Kommuneklyngene"

  Scenario: Kommunene sitter i kommunestyrene, Helse Stavanger i SSU
    Så parten "Sola" sitter i "Kommunestyrene"
    Og parten "Sola" sitter ikke i "SSU"
    Og parten "Helse Stavanger" sitter i "SSU"

  Scenario: Rapporteringslinjer og oppfølging
    Så organet "FSU" rapporterer til "SSU"
    Og organet "FSU" følger opp "TMG psykisk helse og rus"
    Og organet "FSU" organiserer "Partnerskapsmøtet"
    Og organet "fagråd IKT" rapporterer til "FSU"

  Scenario: En sak fra en tjenestemodellgruppe eskaleres via FSU til SSU
    Så eskaleringsveien fra "TMG barn og unge" er "TMG barn og unge → FSU → SSU"
    Og eskaleringsveien fra "FSU" er "SSU"
    Og saker fra "TMG barn og unge" avgjøres av "SSU"
    Og organet "FSU" løfter saker til "SSU"

  Scenario: Partnerskapsmøtet har ingen eskaleringsvei
    Så "Partnerskapsmøtet" har ingen eskaleringsvei

  Scenario: Ledelsen av tjenestemodellgruppene bytter side hvert andre år
    Så leder i "TMG barn og unge" den 2024-06-01 er "helseforetakssiden"
    Og leder i "TMG barn og unge" den 2026-06-01 er "kommunesiden"
    Og leder i "TMG skrøpelige eldre" den 2025-12-31 er "kommunesiden"

  Scenariomal: Myndigheten til hvert organ
    Så organet "<organ>" er <myndighet>

    Eksempler:
      | organ                 | myndighet                 |
      | SSU                   | besluttende               |
      | FSU                   | rådgivende                |
      | Kommunestyrene        | besluttende               |
      | TMG barn og unge      | uten beslutningsmyndighet |
      | fagråd palliasjon     | uten beslutningsmyndighet |
