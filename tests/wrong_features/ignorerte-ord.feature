# language: no
# forventet: ikke «positions-missing»
# Funnet i sak 11: ordene etter «med» ble ignorert, og avvisningen var «positions-missing».
Egenskap: Standpunktene i teksten blir lest
  Scenario: Forfatteren tror SSU mangler standpunkter
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "decide" med Kinn mot og alle andre for
    Så handlingen avvises med koden "positions-missing"
