# language: no
# forventet: trenger en tabell
Egenskap: «med standpunktene» uten tabell
  Scenario: Standpunktene mangler
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" utfører "decide" med standpunktene
    Så saken er i tilstanden "Vedteke i SSU"
