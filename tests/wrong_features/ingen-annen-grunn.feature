# language: no
# forventet: kodene var advisory-body, positions-missing
Egenskap: «og ingen annen grunn»
  Scenario: FSU vedtar uten standpunkter
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Samarbeid om legevakt"
    Og "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "decide"
    Så handlingen avvises med koden "positions-missing" og ingen annen grunn
