# language: no
# forventet: ukjent felt «politisk behandlig»
Egenskap: Et felt som ikke finnes
  Scenario: Feilstavet svar
    Gitt strukturen "sor-rogaland"
    Og en ny sak "Forløp"
    Når "TMG barn og unge" utfører "draft_mandate" med politisk behandlig: ja
    Så saken er i tilstanden "Mandat utarbeidet"
