# language: no
# forventet: kodene var advisory-body, positions-missing
Egenskap: Koden er ikke den eneste grunnen
  Scenario: FSU vedtar uten standpunkter
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Samarbeid om legevakt"
    Og "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "decide"
    Så handlingen avvises bare med koden "advisory-body"
