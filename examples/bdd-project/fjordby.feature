# language: no
Egenskap: Saker i Helsefellesskapet Fjordby
  FSU anbefaler, SSU vedtar i konsensus mellom de tre kommunene og Fjordby sykehus.

  Bakgrunn:
    Gitt strukturen "fjordby.yaml"
    Og dagens dato er 2025-03-03

  Scenario: Sammensetningen har paritet og to brukerrepresentanter i FSU
    Så strukturen er gyldig
    Og organet "FSU" har like mange representanter fra kommunene og helseforetaket
    Og organet "FSU" har 2 representanter fra "brukere"
    Og eskaleringsveien fra "FSU" er "FSU → SSU"

  Scenario: FSU anbefaler og SSU vedtar når alle er enige
    Gitt en ny sak "Felles forløp for hjerneslag"
    Når "FSU" utfører "anbefale saken"
    Så neste ansvarlige organ er "SSU"
    Når "SSU" utfører "vedta saken" der alle parter stemmer "for"
    Så saken er i tilstanden "Vedtatt i SSU"

  Scenario: Sørvik er imot, og SSU har ingen konsensus
    Gitt en ny sak "Felles legevakt"
    Og "FSU" utfører "anbefale saken"
    Når "SSU" forsøker å utføre "vedta saken" med:
      | part       | standpunkt |
      | Sørvik     | mot        |
      | alle andre | for        |
    Så handlingen avvises med koden "no-consensus"
    Og begrunnelsen nevner "Sørvik"
    Og saken er uendret

  Scenario: Det samme skrevet i steget: Sørvik er imot, og det er den eneste grunnen
    Gitt en ny sak "Felles legevakt"
    Og "FSU" utfører "anbefale saken" med merknad "hastesak"
    Når "SSU" forsøker å utføre "vedta saken" med Sørvik mot og alle andre for
    Så handlingen avvises bare med koden "no-consensus"
    Og begrunnelsen nevner "Sørvik"
