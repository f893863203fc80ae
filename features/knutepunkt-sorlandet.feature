# language: no
Egenskap: Knutepunkt Sørlandet – forstudie av samarbeid innen omsorg, helse og sosial
  Styret vedtok 5.10.06 en forstudie; Kristiansand leder arbeidet, rapporten skal legges frem innen
  1. mars 2007; samarbeidet trer i kraft umiddelbart etter et eventuelt positivt styrevedtak (S1).

  Bakgrunn:
    Gitt strukturen "knutepunkt-sorlandet"
    Og en ny sak "Forstudie pleie, helse og sosial" opprettet 5.10.06

  Scenario: Styret vedtar forstudien, rapporten legges frem, og et positivt vedtak setter samarbeidet i kraft
    Når "Styret KnS" utfører "vedta forstudien"
    Og "forstudien" utfører "igangsette forstudien" den 1. november 2006
    Og "forstudien" utfører "legge frem rapporten" den 01.03.07 med:
      | samhandling med 2. linjetjenesten | kvalifisert arbeidskraft |
      | omtalt i kapittel 4               | omtalt i kapittel 5      |
    Så saken er i tilstanden "Rapport levert"
    Når "styret" utfører "styrevedtak om samarbeidet" den 04.05.07 med:
      | felt     | verdi |
      | positive | ja    |
    Så saken er i tilstanden "Samarbeidsavtalen i kraft"
    Og "Styret KnS" kan utføre "årlig evaluering"

  Scenario: Et negativt styrevedtak avslutter saken
    Gitt "Styret KnS" utfører "vedta forstudien"
    Og "forstudien" utfører "igangsette forstudien"
    Og "forstudien" utfører "legge frem rapporten" med:
      | samhandling med 2. linjetjenesten | kvalifisert arbeidskraft |
      | omtalt                            | omtalt                   |
    Når "styret" utfører "styrevedtak om samarbeidet" med:
      | positive |
      | nei      |
    Så saken er i tilstanden "Avslått av styret"
    Og saken er avsluttet

  Scenario: Styret må si om vedtaket er positivt
    Gitt "Styret KnS" utfører "vedta forstudien"
    Og "forstudien" utfører "igangsette forstudien"
    Og "forstudien" utfører "legge frem rapporten" med:
      | samhandling med 2. linjetjenesten | kvalifisert arbeidskraft |
      | omtalt                            | omtalt                   |
    Når "styret" forsøker å utføre "styrevedtak om samarbeidet"
    Så handlingen avvises med koden "missing-decision"
    Og begrunnelsen nevner "positivt"

  Scenario: Rapporten må omfatte samhandling med 2. linjetjenesten og arbeidskraften
    Gitt "Styret KnS" utfører "vedta forstudien"
    Og "forstudien" utfører "igangsette forstudien"
    Når "forstudien" forsøker å utføre "legge frem rapporten" med:
      | samhandling med 2. linjetjenesten |
      | omtalt                            |
    Så handlingen avvises med koden "missing-input"
    Og begrunnelsen nevner "kvalifisert arbeidskraft"
    Og saken er i tilstanden "Forstudie igangsatt"

  Scenario: Forstudien kan ikke starte før styret har vedtatt den
    Når "forstudien" forsøker å utføre "igangsette forstudien"
    Så handlingen avvises med koden "invalid-state"
    Og saken er uendret

  Scenario: Nettverket gir råd til styret, som gir oppdrag til forstudien
    Så organet "nettverket" er rådgivende
    Og organet "nettverket" gir råd til "styret"
    Og organet "Styret KnS" gir oppdrag til "forstudien"
    Og organet "forstudien" rapporterer til "styret"
    Og saker fra "Arbeidsgruppene" avgjøres av "Styret KnS"
