# language: no
# forventet: «med» står uten detaljer
Egenskap: «med:» uten tabell
  Scenario: Tabellen ble glemt
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" utfører "decide" med:
    Så saken er avsluttet
