# language: no
Egenskap: Innlandet – en sak fra fagutvalget via arbeidsutvalget til SSU
  «… begge partnerne i Helsefellesskap Innlandet, skal ha en likeverdig stemme og påvirke
  konsensusbeslutningene som tas.» (I3): SSU beslutter i konsensus mellom de to partnerne, kommunene og
  sykehuset (innstillingen consensus_among: sides), ikke mellom 42 kommuner hver for seg.

  Bakgrunn:
    Gitt strukturen "innlandet"
    Og dagens dato er 2024-04-10
    Og en ny sak "Felles plan for rehabilitering etter hjerneslag"

  Scenario: Fagutvalget tilrår, AU legger frem og SSU beslutter når begge partnerne er for
    Når "Fagutvalg" utfører "tilrå saken"
    Så saken er i tilstanden "Tilrådd av fagutvalget"
    Og neste ansvarlige organ er "Arbeidsutvalget"
    Når "AU" utfører "legge saken frem for SSU"
    Så neste ansvarlige organ er "SSU"
    Når "SSU" utfører "beslutte saken" med:
      | part            | standpunkt |
      | kommunene       | for        |
      | helseforetaket  | for        |
    Så saken er i tilstanden "Besluttet i SSU"
    Og saken er avsluttet

  Scenario: Ingen konsensus når sykehuset er imot
    Gitt "Fagutvalg" utfører "recommend"
    Og "AU" utfører "report"
    Når "SSU" forsøker å utføre "decide" med:
      | part           | standpunkt |
      | kommunene      | for        |
      | helseforetaket | mot        |
    Så handlingen avvises med koden "no-consensus"
    Og saken er i tilstanden "Lagt frem for SSU av arbeidsutvalget"

  Scenario: «alle andre» fyller den andre siden
    Gitt "Fagutvalg" utfører "recommend"
    Og "AU" utfører "report"
    Når "SSU" utfører "decide" med:
      | part       | standpunkt |
      | sykehuset  | for        |
      | alle andre | for        |
    Så saken er i tilstanden "Besluttet i SSU"

  Scenario: Begge partnerne må ta standpunkt
    Gitt "Fagutvalg" utfører "recommend"
    Og "AU" utfører "report"
    Når "SSU" forsøker å utføre "decide" med:
      | part      | standpunkt |
      | kommunene | for        |
    Så handlingen avvises med koden "positions-missing"
    Og begrunnelsen nevner "helseforetaket"

  Scenario: Fagutvalget er rådgivende og kan ikke beslutte
    Gitt "Fagutvalg" utfører "recommend"
    Og "AU" utfører "report"
    Når "Fagutvalg" forsøker å utføre "decide"
    Så handlingen avvises
    Og "Fagutvalg" kan ikke utføre "decide"
    Og saken er uendret

  Scenario: Saken kan ikke hoppe over arbeidsutvalget
    Gitt "Fagutvalg" utfører "recommend"
    Når "Fagutvalg" forsøker å utføre "decide"
    Så handlingen avvises med koden "invalid-state"
    Og saken er uendret
    Når "SSU" forsøker å utføre "decide" med:
      | part           | standpunkt |
      | kommunene      | for        |
      | helseforetaket | for        |
    Så handlingen avvises med koden "invalid-state"
    Og begrunnelsen nevner "legge saken frem for SSU"
    Og saken er i tilstanden "Tilrådd av fagutvalget"
