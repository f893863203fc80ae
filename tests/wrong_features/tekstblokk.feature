# language: no
# forventet: leser ingen tekstblokk
Egenskap: En tekstblokk som blir oversett
  Scenario: Merknaden står i en tekstblokk
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Når "FSU" utfører "recommend"
      """
      Hastesak: må behandles før sommeren
      """
    Så saken er i tilstanden "Tilrådd av FSU"
