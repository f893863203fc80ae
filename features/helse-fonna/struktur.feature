# language: no
Egenskap: Helse Fonna – fem faglege samarbeidsutval under eitt SSU
  «Fem FSU-ar skal etablerast …» (F1): Barn og unge, Skrøpelege eldre, Personar med fleire kroniske
  lidingar, Psykisk helse og rus, Helseberedskap. Fem kompetansegrupper er felles for alle FSU-ane, og
  SSU har fem representantar frå kvar side, éin fastlege og to brukarrepresentantar (F3).

  Bakgrunn:
    Gitt strukturen "helse-fonna"

  Scenario: Strukturen bryt ingen av sine eigne reglar
    Så strukturen er gyldig
    Og strukturen har 5 organer av typen "faglig samarbeidsutvalg"
    Og strukturen har 5 organer av typen "arbeidsgruppe"
    Og strukturen har 1 organer av typen "strategisk samarbeidsutvalg"

  Scenario: SSU har like mange frå kommunane og føretaket
    Så organet "SSU" har like mange representanter fra kommunene og helseforetaket
    Og organet "SSU" har 1 representanter fra "fastlege"
    Og organet "SSU" har 2 representanter fra "brukerrepresentanter"
    Og organet "Strategisk samarbeidsutval" er besluttende

  Scenario: Nynorske og bokmålsnamn finn same organ
    Så organet "Fagleg samarbeidsutval Skrøpelege eldre" er rådgivende
    Og organet "FSU Helseberedskap" er rådgivende
    Og organet "Helseleiarnettverket" er uten beslutningsmyndighet

  Scenariomal: Kvart FSU rapporterer til SSU og blir følgt opp av FOUSAM
    Så organet "<fsu>" rapporterer til "SSU"
    Og organet "FOUSAM" følger opp "<fsu>"
    Og saker fra "<fsu>" avgjøres av "SSU"

    Eksempler:
      | fsu                                                       |
      | Fagleg samarbeidsutval Barn og unge                       |
      | Fagleg samarbeidsutval Skrøpelege eldre                   |
      | Fagleg samarbeidsutval Personar med fleire kroniske lidingar |
      | Fagleg samarbeidsutval Psykisk helse og rus               |
      | Fagleg samarbeidsutval Helseberedskap                     |

  Scenario: Kompetansegruppene er felles for alle FSU-ane
    Så organet "Kompetansegruppe Pasientsikkerhet" gir råd til "FSU Barn og unge"
    Og organet "Kompetansegruppe Koordinerende enhet (KE)" gir råd til "FSU Helseberedskap"

  Scenario: Ei sak frå eit FSU går til SSU, som avgjer
    Så eskaleringsveien fra "FSU Barn og unge" er "FSU Barn og unge → SSU"
    Og saker fra "Fagleg samarbeidsutval Helseberedskap" avgjøres av "SSU"
    Og "Kompetansegruppe Pasientsikkerhet" har ingen eskaleringsvei
