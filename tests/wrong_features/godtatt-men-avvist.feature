# language: no
# forventet: ble godtatt, men skulle vært avvist
Egenskap: En avvisning som ikke kom
  Scenario: FSU kan tilrå
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Når "FSU" forsøker å utføre "recommend"
    Så handlingen avvises
