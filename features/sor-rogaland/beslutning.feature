# language: no
Egenskap: Sør-Rogaland – FSU anbefaler, SSU beslutter i konsensus
  «FSU er et rådgivende organ, uten beslutnings-myndighet» (S3-R14). «Det må foreligge konsensus for at
  Strategisk samarbeidsutvalg skal ta beslutninger» (S3-R7). SSU vurderer konsekvensene og avgjør om
  kommunestyrene skal behandle saken politisk før implementering.

  Bakgrunn:
    Gitt strukturen "sor-rogaland"
    Og dagens dato er 2024-03-01
    Og en ny sak "Forløp for personer med flere kroniske lidelser"
    Og "TMG flere kroniske lidelser" utfører "utarbeide mandat"
    Og "FSU" utfører "godkjenne mandat"
    Og "SSU" utfører "godkjenne mandat" der alle parter stemmer "for"
    Og "FSU" utfører "forankre arbeidet" for hver part
    Og "TMG flere kroniske lidelser" utfører "draft_pathway" med:
      | innspill fra klinikkene | innspill fra kommunene | brukermedvirkning |
      | ja                      | ja                     | ja                |
    Og "TMG flere kroniske lidelser" utfører "propose_implementation"

  Scenario: Den rette veien fra forslag til implementering uten politisk behandling
    Når "FSU" utfører "recommend"
    Så saken er i tilstanden "Anbefalt til SSU"
    Og neste ansvarlige organ er "SSU"
    Når "SSU" utfører "approve_proposal" der alle parter stemmer "for"
    Så saken er i tilstanden "Forslag godkjent av SSU"
    Når "SSU" utfører "assess_consequences" der alle parter stemmer "for" med:
      | felt                         | verdi                 |
      | økonomiske konsekvenser      | innenfor rammene      |
      | organisatoriske konsekvenser | ny koordinatorrolle   |
      | politisk behandling          | nei                   |
    Så saken er i tilstanden "Klar for implementering"
    Når "SSU" utfører "implementere"
    Så saken er i tilstanden "Implementert"
    Og saken er avsluttet

  Scenario: Politisk behandling der alle kommunestyrene vedtar
    Gitt "FSU" utfører "recommend"
    Og "SSU" utfører "approve_proposal" der alle parter stemmer "for"
    Når "SSU" utfører "assess_consequences" der alle parter stemmer "for" med:
      | økonomiske konsekvenser | organisatoriske konsekvenser | politisk behandling |
      | økte driftsutgifter     | nye stillinger i kommunene   | ja                  |
    Så saken er i tilstanden "Til politisk behandling i kommunene"
    Og neste ansvarlige organ er "Kommunestyrene"
    Når "Kommunestyrene" utfører "politisk behandling" for hver kommune med:
      | utfall  |
      | vedtatt |
    Så saken er i tilstanden "Klar for implementering"
    Og neste ansvarlige organ er "SSU"

  Scenario: Et kommunestyre avviser, og saken går tilbake til SSU
    Gitt "FSU" utfører "recommend"
    Og "SSU" utfører "approve_proposal" der alle parter stemmer "for"
    Og "SSU" utfører "assess_consequences" der alle parter stemmer "for" med:
      | økonomiske konsekvenser | organisatoriske konsekvenser | politisk behandling |
      | økte driftsutgifter     | nye stillinger i kommunene   | ja                  |
    Når "Kommunestyrene" utfører "politisk behandling" for "Hå" med:
      | utfall |
      | avvist |
    Så saken er i tilstanden "Forslag godkjent av SSU"
    Og saken er ikke avsluttet

  Scenario: Kommunestyrene må oppgi utfallet av den politiske behandlingen
    Gitt "FSU" utfører "recommend"
    Og "SSU" utfører "approve_proposal" der alle parter stemmer "for"
    Og "SSU" utfører "assess_consequences" der alle parter stemmer "for" med:
      | økonomiske konsekvenser | organisatoriske konsekvenser | politisk behandling |
      | økte driftsutgifter     | nye stillinger i kommunene   | ja                  |
    Når "Kommunestyrene" forsøker å utføre "politisk behandling" for "Time"
    Så handlingen avvises med koden "missing-input"
    Og begrunnelsen nevner "utfall"

  Scenario: FSU forsøker å beslutte, men er et rådgivende organ
    Gitt "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "godkjenne forslaget"
    Så handlingen avvises med koden "advisory-body"
    Og begrunnelsen nevner "rådgivende"
    Og saken er uendret
    Og "FSU" kan ikke utføre "approve_proposal" fordi "rådgivende"

  Scenario: Ingen konsensus i SSU når Sola er imot
    Gitt "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "approve_proposal" med standpunktene:
      | part       | standpunkt |
      | Sola       | mot        |
      | alle andre | for        |
    Så handlingen avvises med koden "no-consensus"
    Og begrunnelsen nevner "Sola"
    Og saken er i tilstanden "Anbefalt til SSU"

  Scenario: Konsensus krever at hver part har tatt standpunkt
    Gitt "FSU" utfører "recommend"
    Når "SSU" forsøker å utføre "approve_proposal" med:
      | part             | standpunkt |
      | Helse Stavanger  | for        |
      | Stavanger        | for        |
    Så handlingen avvises med koden "positions-missing"
    Og begrunnelsen nevner "Kvitsøy"

  Scenario: Å avstå bryter ikke konsensus
    Gitt "FSU" utfører "recommend"
    Når "SSU" utfører "approve_proposal" med standpunktene:
      | part       | standpunkt |
      | Kvitsøy    | avstår     |
      | alle andre | for        |
    Så saken er i tilstanden "Forslag godkjent av SSU"

  Scenario: Uenighet av prinsipiell karakter i FSU løftes til SSU
    Når "FSU" utfører "løfte saken" med:
      | begrunnelse                               |
      | Uenighet om ansvarsdelingen etter utskriving |
    Så saken er i tilstanden "Løftet til SSU"
    Og neste ansvarlige organ er "SSU"
    Når "SSU" utfører "approve_proposal" der alle parter stemmer "for"
    Så saken er i tilstanden "Forslag godkjent av SSU"

  Scenario: SSU sender forslaget tilbake til tjenestemodellgruppen
    Gitt "FSU" utfører "recommend"
    Når "SSU" utfører "send_back" med:
      | felt        | verdi                     |
      | til         | Forløp utarbeidet         |
      | begrunnelse | Mangler brukerinvolvering |
    Så saken er i tilstanden "Forløp utarbeidet"
