# language: no
Egenskap: Sør-Rogaland – forankring i kommuner og sykehus
  «Saksbehandlingen må legges opp slik at hver av partene har nødvendig forankring» (S3-R8):
  FSU forankrer arbeidet i hver av de 15 kommunene og i Helse Stavanger før tjenestemodellgruppen
  utarbeider forløpet, med innspill fra klinikker og kommuner og brukerinvolvering.

  Bakgrunn:
    Gitt strukturen "sor-rogaland"
    Og dagens dato er 2024-02-01
    Og en ny sak "Forløp for barn og unge med sammensatte behov"
    Og "TMG barn og unge" utfører "utarbeide mandat"
    Og "FSU" utfører "godkjenne mandat"
    Og "SSU" utfører "godkjenne mandat" der alle parter stemmer "for"

  Scenario: Forankring i alle kommuner og Helse Stavanger åpner for forløpsarbeidet
    Når "FSU" utfører "forankre arbeidet" for hver part
    Så saken er i tilstanden "Forankret i kommuner og sykehus"
    Og historikken har 20 hendelser
    Og neste ansvarlige organ er "TMG barn og unge"

  Scenario: Forankringen er ufullstendig når to kommuner mangler
    Når "FSU" utfører "anchor" for hver part unntatt "Kvitsøy, Sola"
    Så saken er i tilstanden "Mandat godkjent"
    Når "TMG barn og unge" forsøker å utføre "draft_pathway" med:
      | innspill fra klinikkene | innspill fra kommunene | brukermedvirkning |
      | ja                      | ja                     | ja                |
    Så handlingen avvises med koden "anchoring-incomplete"
    Og begrunnelsen nevner "mangler 2: Sola og Kvitsøy"
    Og saken er uendret

  Scenario: Samme kommune kan ikke forankres to ganger
    Gitt "FSU" utfører "anchor" for "Sola"
    Når "FSU" forsøker å utføre "anchor" for "Sola"
    Så handlingen avvises med koden "already-recorded"
    Og begrunnelsen nevner "Sola"

  Scenario: Bare FSU forankrer arbeidet
    Når "SSU" forsøker å utføre "anchor" for "Sola"
    Så handlingen avvises med koden "wrong-body"
    Og saken er uendret

  Scenario: Forløpet krever innspill fra klinikker og kommuner og brukerinvolvering
    Gitt "FSU" utfører "anchor" for hver part
    Når "TMG barn og unge" forsøker å utføre "draft_pathway" med:
      | felt                    | verdi |
      | innspill fra klinikkene | ja    |
    Så handlingen avvises med koden "missing-input"
    Og begrunnelsen nevner "brukerinvolvering"
    Når "TMG barn og unge" utfører "draft_pathway" med:
      | innspill fra klinikkene | innspill fra kommunene | brukermedvirkning |
      | ja                      | ja                     | ja                |
    Så saken er i tilstanden "Forløp utarbeidet"

  Scenario: Bare tjenestemodellgruppen som utarbeidet mandatet, utarbeider forløpet
    Gitt "FSU" utfører "anchor" for hver part
    Når "TMG skrøpelige eldre" forsøker å utføre "draft_pathway" med:
      | innspill fra klinikkene | innspill fra kommunene | brukermedvirkning |
      | ja                      | ja                     | ja                |
    Så handlingen avvises med koden "wrong-body"
    Og begrunnelsen nevner "barn og unge"
