# language: no
Egenskap: Innlandet – SSU, arbeidsutvalget og fagutvalg med ledelse som veksler mellom sidene
  «Fagutvalg opprettes med mandat fra Strategisk samarbeidsutvalg og rapporter til Strategisk
  samarbeidsutvalg via Arbeidsutvalget.» (I2) «Ledervervet alterneres 2 år av gangen av hhv. representant
  fra kommune og  Sykehuset innlandet HF.» (I2) «I SSU møter en kommunalsjef fra hver av de syv
  helseregionene …» (I3)

  Bakgrunn:
    Gitt strukturen "Helsefellesskap Innlandet"

  Scenario: Strukturen bryter ingen av sine egne regler
    Så strukturen er gyldig
    Og strukturen har 1 organer av typen "arbeidsutvalg"

  Scenario: SSU beslutter i konsensus, fagutvalget gir råd
    Så organet "SSU" er besluttende
    Og organet "SSU" beslutter ved "konsensus"
    Og organet "Fagutvalg" er rådgivende
    Og organet "Arbeidsutvalget" er rådgivende
    Og organet "Partnerskapsmøtet" er besluttende

  Scenario: Én kommunalsjef fra hver av de syv helseregionene i SSU
    Så parten "Helseregion 1" sitter i "SSU"
    Og parten "Helseregion 7" sitter i "SSU"
    Og parten "Kommunedirektørutvalget i KS Innlandet" sitter i "SSU"
    Og parten "Kommunedirektørutvalget i KS Innlandet" sitter ikke i "Fagutvalg"
    Og organet "SSU" har 1 representanter fra "fastlege"

  Scenario: Fagutvalget rapporterer til SSU via arbeidsutvalget
    Så organet "Fagutvalg" rapporterer til "Arbeidsutvalget"
    Og organet "Arbeidsutvalget" rapporterer til "SSU"
    Og saker fra "Fagutvalg" avgjøres av "SSU"

  Scenario: Ledelsen av fagutvalget veksler mellom kommunene og sykehuset hvert andre år
    Så leder i "Fagutvalg" den 2022-06-01 er "kommunesiden"
    Og leder i "Fagutvalg" den 2024-06-01 er "helseforetakssiden"
    Og leder i "Fagutvalg" den 2026-06-01 er "kommunesiden"

  Scenario: Eskaleringsveien går fra fagutvalget via arbeidsutvalget til SSU
    Så eskaleringsveien fra "Fagutvalg" er "Fagutvalg → AU → SSU → Partnerskapsmøte"
    Og saker fra "Arbeidsutvalget" avgjøres av "SSU"
