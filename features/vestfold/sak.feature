# language: no
Egenskap: Vestfold – en sak fra FSU til SSU
  Siden beskriver ingen egen beslutningsprosess; den generelle veien FSU → SSU (prosessen "fsu-ssu-sak")
  er en tolking [I]. SSU-vedtak krever konsensus mellom de seks kommunene og Sykehuset i Vestfold.

  Bakgrunn:
    Gitt strukturen "vestfold"
    Og dagens dato er 2024-03-01
    Og en ny sak "Felles rutine for utskrivningsklare pasienter"

  Scenario: FSU tilrår, og SSU vedtar når alle parter er for
    Når "FSU" utfører "tilrå saka"
    Så saken er i tilstanden "Tilrådd av FSU"
    Og neste ansvarlige organ er "SSU"
    Når "SSU" utfører "vedta saka" der alle parter stemmer "for"
    Så saken er i tilstanden "Vedteke i SSU"
    Og saken er avsluttet

  Scenario: Ingen konsensus når Larvik er imot
    Gitt "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "decide" med:
      | part       | standpunkt |
      | Larvik     | mot        |
      | alle andre | for        |
    Så handlingen avvises med koden "no-consensus"
    Og begrunnelsen nevner "Larvik"
    Og saken er i tilstanden "Tilrådd av FSU"

  Scenario: FSU kan ikke vedta saken selv
    Gitt "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "decide"
    Så handlingen avvises med koden "advisory-body"
    Og saken er uendret
