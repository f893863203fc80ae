# language: no
# forventet: datoen er 2024-01-24, ikke 2024-01-25
# Ti virkedager fra onsdag 10. januar 2024 er onsdag 24. januar, ikke torsdag 25.
Egenskap: Klokken teller virkedager
  Scenario: Feil antall virkedager
    Gitt at datoen er 10.01.2024
    Når det har gått 10 virkedager
    Så datoen er 2024-01-25
