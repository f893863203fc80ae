# language: no
Egenskap: Vestfold – organer, sammensetning og vei til beslutning
  «Utvalget består av en representant for hver kommune i opptaksområdet …, like mange representanter for
  helseforetaket …, samt to representanter for fastlegene og to representanter for brukerne» (V1).
  Seks kommuner (Færder, Holmestrand, Horten, Larvik, Sandefjord og Tønsberg) og Sykehuset i Vestfold.

  Bakgrunn:
    Gitt strukturen "Helsefellesskapet i Vestfold"

  Scenario: Strukturen bryter ingen av sine egne regler
    Så strukturen er gyldig
    Og strukturen har 1 organer av typen "strategisk samarbeidsutvalg"

  Scenario: SSU har én representant per kommune og like mange fra sykehuset
    Så organet "SSU" har like mange representanter fra kommunene og helseforetaket
    Og organet "SSU" har 2 representanter fra "fastlege"
    Og organet "SSU" har 2 representanter fra "brukerrepresentanter"
    Og organet "SSU" har 16 medlemmer
    Og parten "Larvik" sitter i "SSU"
    Og parten "Tønsberg" sitter i 2 organer

  Scenario: Partnerskapsmøtet har ordfører og kommunedirektør fra hver kommune
    Så organet "Partnerskapsmøtet" har 18 medlemmer
    Og organet "Partnerskapsmøtet" er uten beslutningsmyndighet

  Scenario: FSU er rådgivende og saker derfra avgjøres av SSU
    Så organet "FSU" er rådgivende
    Og organet "SSU" er besluttende
    Og organet "FSU" rapporterer til "SSU"
    Og eskaleringsveien fra "FSU" er "FSU → SSU → Partnerskapsmøtet"
    Og saker fra "Faglige samarbeidsutvalg" avgjøres av "SSU"
