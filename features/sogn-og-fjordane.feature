# language: no
Egenskap: Sogn og Fjordane helsefellesskap – sak frå FSU til SSU og møteplanen for 2024
  Fagleg samarbeidsutval (FSU) tilrår, Strategisk samarbeidsutval (SSU) vedtek i konsensus.
  Møteplanen for 2024 har fire møte i FSU og SSU og eitt partnarskapsmøte (S4).
  Nynorske namn fungerer i stega: «Fagleg samarbeidsutval» er same organ som «Faglig samarbeidsutvalg».

  Bakgrunn:
    Gitt strukturen "sogn-og-fjordane"

  Scenario: Strukturen er gyldig, og SSU vedtek i konsensus
    Så strukturen er gyldig
    Og organet "Strategisk samarbeidsutval" er besluttende
    Og organet "Strategisk samarbeidsutvalg" beslutter ved "konsensus"
    Og organet "Faglig samarbeidsutvalg" er rådgivende

  Scenario: FSU tilrår og SSU vedtek når alle partar er for
    Gitt dagens dato er 2024-02-14
    Og en ny sak "Felles plan for utskrivingsklare pasientar"
    Når "FSU" utfører "tilrå saka"
    Så saken er i tilstanden "Tilrådd av FSU"
    Og neste ansvarlige organ er "SSU"
    Når "SSU" utfører "vedta saka" den 2024-02-29 der alle parter stemmer "for"
    Så saken er i tilstanden "Vedteke i SSU"
    Og saken er avsluttet

  Scenario: FSU kan ikkje vedta saka sjølv
    Gitt en ny sak "Samarbeid om legevakt"
    Og "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "decide"
    Så handlingen avvises med koden "advisory-body"
    Og saken er uendret

  Scenario: Ingen konsensus i SSU når Helse Førde er imot
    Gitt en ny sak "Ny ansvarsdeling for rehabilitering"
    Og "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "decide" med:
      | part        | standpunkt |
      | Helse Førde | mot        |
      | alle andre  | for        |
    Så handlingen avvises med koden "no-consensus"
    Og begrunnelsen nevner "Helse Førde"

  Scenario: Usemje av prinsipiell karakter i FSU vert løfta til SSU
    Gitt en ny sak "Prioritering av samhandlingsmidlar"
    Når "FSU" utfører "løfte saka" med:
      | begrunnelse                         |
      | Partane er usamde om finansieringa |
    Så saken er i tilstanden "Løfta til SSU"
    Og eskaleringsveien fra "Fagleg samarbeidsutval" er "FSU → SSU"
    Og saker fra "FSU" avgjøres av "SSU"

  Scenario: Å løfte ei sak krev ei grunngjeving
    Gitt en ny sak "Prioritering av samhandlingsmidlar"
    Når "FSU" forsøker å utføre "escalate"
    Så handlingen avvises med koden "missing-input"
    Og begrunnelsen nevner "begrunnelse"

  Scenario: Organa finst frå desember 2021, då helsefellesskapet vart etablert
    Gitt dagens dato er 2021-10-01
    Og en ny sak "Sak frå før helsefellesskapet"
    Når "FSU" forsøker å utføre "recommend" den 2021-11-30
    Så handlingen avvises med koden "body-not-in-force"
    Og begrunnelsen nevner "desember 2021"
    Og saken er uendret
    Når "FSU" utfører "recommend" den 2021-12-01
    Så saken er i tilstanden "Tilrådd av FSU"

  Scenario: Møteplanen for 2024 har fire møte i FSU og SSU og eitt partnarskapsmøte
    Så "FSU" har 4 møter i 2024
    Og "SSU" har 4 møter i 2024
    Og "Partnarskapsmøtet" har 1 møter i 2024
    Og "SSU" har møte 2024-02-29

  Scenario: Arrangøren vekslar mellom kommunane og Helse Førde
    Så møtet i "FSU" 2024-02-14 arrangeres av "Kommunane"
    Og møtet i "FSU" 2024-05-16 arrangeres av "Helse Førde"
    Og møtet i "SSU" 2024-10-03 arrangeres av "Kommunane"

  Scenario: SSU møtest etter FSU i kvar syklus
    Så neste møte i "SSU" etter 2024-02-14 er 2024-02-29
    Og neste møte i "FSU" etter 2024-05-16 er 2024-09-05
    Og neste møte i "SSU" etter 2024-10-03 er 2024-12-05
