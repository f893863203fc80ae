# language: no
# forventet: forstod ikke ordene «merknadd "hastesak"»
Egenskap: Et feilstavet nøkkelord etter «med»
  Scenario: Merknaden er feilstavet
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Hastesak"
    Når "FSU" utfører "recommend" med merknadd "hastesak"
    Så saken er i tilstanden "Tilrådd av FSU"
