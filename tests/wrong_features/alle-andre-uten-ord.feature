# language: no
# forventet: skriv «alle andre» og ett standpunkt
Egenskap: «alle andre» uten standpunkt
  Scenario: Resten sier ingenting
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" utfører "decide" med Kinn for og alle andre
    Så saken er i tilstanden "Vedteke i SSU"
