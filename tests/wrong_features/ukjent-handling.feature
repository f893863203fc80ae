# language: no
# forventet: ingen handling «vedta saka no»
Egenskap: En handling som ikke finnes
  Scenario: Vedta med en gang
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Når "SSU" utfører "vedta saka no" der alle parter stemmer "for"
    Så saken er avsluttet
