# language: no
# forventet: leser ingen tabell
Egenskap: En tabell under et steg som ikke leser tabeller
  Scenario: Tabellen blir oversett
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Så saken er i tilstanden "Tilrådd av FSU":
      | part | standpunkt |
      | Kinn | mot        |
