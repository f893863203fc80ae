# language: no
# forventet: Udefinert steg
# «saken er ikke i tilstanden» ble før lest som «saken er [ord] i tilstanden» og sa det motsatte.
Egenskap: Et ord midt i steget
  Scenario: Saken er ikke tilrådd
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Så saken er ikke i tilstanden "Tilrådd av FSU"
