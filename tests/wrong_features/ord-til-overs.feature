# language: no
# forventet: forstod ikke ordene «litt til»
Egenskap: Ord til overs etter standpunktene
  Scenario: Halen av steget blir ikke lest
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "decide" med Kinn mot og alle andre for og litt til
    Så handlingen avvises med koden "no-consensus"
