# language: no
# forventet: nevnt to ganger
Egenskap: En part med to standpunkter
  Scenario: Kinn er både mot og for
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" utfører "decide" med Kinn mot og Kinn for og alle andre for
    Så saken er i tilstanden "Vedteke i SSU"
