# language: no
Egenskap: Sør-Rogaland – mandat for nye forløp
  Tjenestemodellgruppen utarbeider mandat; Faglig samarbeidsutvalg (FSU) og deretter
  Strategisk samarbeidsutvalg (SSU) godkjenner det (S3, «Beslutningsprosessen»).

  Bakgrunn:
    Gitt strukturen "sor-rogaland"
    Og dagens dato er 2024-01-15
    Og en ny sak "Nytt forløp for skrøpelige eldre"

  Scenario: En ny sak starter i tilstanden «Ny sak» hos tjenestemodellgruppene
    Så saken er i tilstanden "Ny sak"
    Og neste ansvarlige organ er "TMG skrøpelige eldre"
    Og historikken har 1 hendelser

  Scenario: Mandatet utarbeides og godkjennes av FSU og deretter SSU
    Når "TMG skrøpelige eldre" utfører "utarbeide mandat"
    Så saken er i tilstanden "Mandat utarbeidet"
    Og neste ansvarlige organ er «FSU»
    Når "FSU" utfører "godkjenne mandat"
    Så saken er fortsatt i tilstanden "Mandat utarbeidet"
    Og neste ansvarlige organ er "SSU"
    Når "SSU" utfører "approve_mandate"
    Så saken er i tilstanden "Mandat godkjent"
    Og historikken har 4 hendelser
    Og historikken viser at "FSU" utførte "godkjenne mandat"

  Scenario: SSU kan ikke godkjenne mandatet før FSU har gjort det
    Gitt "TMG skrøpelige eldre" utfører "draft_mandate"
    Når "SSU" forsøker å utføre "approve_mandate"
    Så handlingen avvises bare med koden "out-of-order"
    Og saken er uendret

  Scenario: FSU kan ikke utarbeide mandatet – det gjør tjenestemodellgruppen
    Når "FSU" forsøker å utføre "draft_mandate"
    Så handlingen avvises med koden "wrong-body"
    Og begrunnelsen nevner "tjenestemodellgruppe"
    Og saken er uendret

  Scenario: En handling i feil rekkefølge avvises med hva som er mulig nå
    Når "FSU" forsøker å utføre "recommend"
    Så handlingen avvises med koden "invalid-state"
    Og begrunnelsen nevner "Ny sak"

  Scenario: Et ukjent organ kan ikke handle i saken
    Gitt "TMG barn og unge" utfører "draft_mandate"
    Så "Kommunestyrene" kan ikke utføre "approve_mandate"
    Og "FSU" kan utføre "approve_mandate"

  Scenario: Saken kan trekkes med en begrunnelse
    Gitt "TMG barn og unge" utfører "draft_mandate"
    Når "SSU" utfører "trekke saken" med:
      | felt        | verdi                   |
      | begrunnelse | Dekkes av et annet løp |
    Så saken er i tilstanden "Trukket"
    Og saken er avsluttet

  Scenario: Å trekke saken uten begrunnelse avvises
    Når "FSU" forsøker å utføre "withdraw"
    Så handlingen avvises med koden "missing-input"
    Og begrunnelsen nevner "begrunnelse"
    Og saken er ikke avsluttet

  Scenario: Tekst limt inn fra Word: «typografiske» anførselstegn og harde mellomrom
    Når «TMG skrøpelige eldre» utfører “utarbeide mandat”
    Så saken er i tilstanden «Mandat utarbeidet»
    Og NESTE ANSVARLIGE ORGAN ER "fsu"
