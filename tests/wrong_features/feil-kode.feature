# language: no
# forventet: avvist med koden «advisory-body», ikke «wrong-body»
Egenskap: Feil kode
  Scenario: FSU vedtar
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Samarbeid om legevakt"
    Og "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "decide"
    Så handlingen avvises med koden "wrong-body"
