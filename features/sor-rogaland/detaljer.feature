# language: no
Egenskap: Sør-Rogaland – detaljene etter «med» skrevet i teksten
  Det stegene sier etter «med» blir lest til siste ord: standpunkter («Sola mot og alle andre for»),
  merknader, begrunnelser, datoer og svar («politisk behandling: ja»). Et ord som ikke forstås, feiler
  steget. Se «Detaljer etter «med»» i docs/steps.md.

  Bakgrunn:
    Gitt strukturen "sor-rogaland"
    Og at datoen er 01.03.2024
    Og en ny sak "Forløp for personer med flere kroniske lidelser"
    Og "TMG flere kroniske lidelser" utfører "utarbeide mandat" med merknad "hastesak"
    Og den siste hendelsen har merknad "hastesak"
    Og "FSU" utfører "godkjenne mandat"
    Og "SSU" utfører "godkjenne mandat"
    Og "FSU" utfører "forankre arbeidet" for hver part
    Og "TMG flere kroniske lidelser" utfører "draft_pathway" med innspill fra klinikkene: ja, innspill fra kommunene: ja og brukermedvirkning: ja
    Og "TMG flere kroniske lidelser" utfører "propose_implementation"
    Og "FSU" utfører "recommend"

  Scenario: Sola er imot, og det er den eneste grunnen til avvisningen
    Når "SSU" forsøker å utføre "approve_proposal" med Sola mot og alle andre for
    Så handlingen avvises bare med koden "no-consensus"
    Og begrunnelsen nevner "Sola"
    Og saken er uendret

  Scenario: To parter imot, skrevet med komma og «og»
    Når "SSU" forsøker å utføre "approve_proposal" med Sola mot, "Helse Stavanger" mot og alle andre for
    Så handlingen avvises med koden "no-consensus" og ingen annen grunn
    Og begrunnelsen nevner "Helse Stavanger"

  Scenario: Kvitsøy avstår, de andre er for, og SSU ber om politisk behandling
    Når "SSU" utfører "approve_proposal" med Kvitsøy avstår og alle andre for
    Så saken er i tilstanden "Forslag godkjent av SSU"
    Når "SSU" utfører "assess_consequences" med økonomiske konsekvenser: "økte driftsutgifter", organisatoriske konsekvenser: "nye stillinger" og politisk behandling: ja
    Så saken er i tilstanden "Til politisk behandling i kommunene"
    Og den siste hendelsen har politisk behandling "ja"

  Scenario: En dato i detaljene og klokken som går
    Når det har gått 10 virkedager
    Så datoen er 2024-03-15
    Når "SSU" utfører "approve_proposal" med datoen 14.03.2024 og alle andre for
    Så saken er i tilstanden "Forslag godkjent av SSU"
    Og historikken viser at "SSU" utførte "approve_proposal"
    Og den siste hendelsen gjelder fra 2024-03-14
    Når "SSU" utfører "assess_consequences" med økonomi: "ingen", organisasjon: "ingen" og politisk behandling: nei
    Så den siste hendelsen gjelder fra 2024-03-15
    Og saken er i tilstanden "Klar for implementering"
