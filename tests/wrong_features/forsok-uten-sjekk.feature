# language: no
# forventet: et forsøk («forsøker å utføre») ble aldri sjekket
Egenskap: Et steg som ikke sjekker noe
  Scenario: Forsøket blir ikke sjekket
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "decide"
