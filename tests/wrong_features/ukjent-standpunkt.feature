# language: no
# forventet: ble godtatt, men skulle vært avvist | «unknown-position»
# «veto» er ikke et standpunkt: motoren godtar det ikke som «mot» (i dag: ikke imot; med sak 11 punkt 2: «unknown-position»).
Egenskap: Et standpunktord utenfor ordlisten
  Scenario: Kinn legger ned veto
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "decide" med Kinn veto og alle andre for
    Så handlingen avvises med koden "no-consensus"
