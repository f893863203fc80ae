# language: no
# forventet: er ikke en dato
Egenskap: En dato som ikke finnes
  Scenario: 31. februar
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Når "FSU" utfører "recommend" med datoen 31.02.2024
    Så saken er i tilstanden "Tilrådd av FSU"
