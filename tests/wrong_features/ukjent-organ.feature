# language: no
# forventet: Styringsgruppa
Egenskap: Et organ som ikke finnes
  Scenario: Styringsgruppa tilrår
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Når "Styringsgruppa" utfører "recommend"
    Så saken er i tilstanden "Tilrådd av FSU"
