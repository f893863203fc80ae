# language: no
# forventet: «Atlantis» er ingen part i strukturen
Egenskap: En part som ikke finnes
  Scenario: Atlantis er imot
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Ny ansvarsdeling"
    Og "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "decide" med Atlantis mot og alle andre for
    Så handlingen avvises med koden "no-consensus"
