# language: no
Egenskap: Regionale forvaltningsnettverk i Ahus-området – saker til nettverksmøtet
  «Saker til møtet meldes inn til møteleder senest 10 dager før møtetidspunkt» (S2-R15).
  «Sakslisten sendes ut senest 1 uke før møtet» (S2-R16). Enebakk er med i to nettverk.

  Bakgrunn:
    Gitt strukturen "ahus-forvaltningsnettverk"

  Scenario: Strukturen med tre nettverk er gyldig
    Så strukturen er gyldig
    Og strukturen har 3 organer av typen "nettverk"
    Og organet "Forvaltningsnettverk Folloregionen" rapporterer til "SSU"

  Scenario: Enebakk sitter i både Follo-nettverket og Nedre Romerike-nettverket
    Så parten "Enebakk" sitter i "Folloregionen"
    Og parten "Enebakk" sitter i "Nedre Romerike og Gardermoregionen"
    Og parten "Enebakk" sitter ikke i "Kongsvingerregionen"

  Scenario: Enebakks organer, som tabell
    Så parten "Enebakk" sitter i 3 organer
    Og parten "Enebakk" sitter i disse organene:
      | organ                                                   |
      | Forvaltningsnettverk Folloregionen                      |
      | Forvaltningsnettverk Nedre Romerike og Gardermoregionen |
      | Felles nettverksmøte                                    |

  Scenario: Ahus sitter i alle tre nettverkene
    Så parten "Ahus" sitter i "Folloregionen"
    Og parten "Ahus" sitter i "Kongsvingerregionen"
    Og parten "Ahus" sitter i "Nedre Romerike"

  Scenario: Fristene før et møte 15. oktober
    Så fristen for saker til "Folloregionen" før møtet 2024-10-15 er 2024-10-05
    Og fristen for "sette saken på sakslisten" før møtet 2024-10-15 er 2024-10-08

  Scenario: En sak meldt inn i tide går gjennom begge delene av møtet og inn i årsrapporten
    Gitt dagens dato er 2024-10-01
    Og en ny sak "Felles rutine for vedtak om korttidsopphold"
    Når "Folloregionen" utfører "melde inn saken til møteleder" med:
      | meeting    |
      | 2024-10-15 |
    Og "Folloregionen" utfører "sette saken på sakslisten" med:
      | meeting    |
      | 2024-10-15 |
    Og "Folloregionen" utfører "drøfte saken i kommunedelen" den 2024-10-15
    Og "Folloregionen" utfører "drøfte saken i felles del med Ahus" den 2024-10-15
    Og "Folloregionen" utfører "føre saken i referatet" den 2024-10-20
    Og "Folloregionen" utfører "rapportere i årsrapporten" den 2025-01-31
    Så saken er i tilstanden "Rapportert i årsrapporten"
    Og saken er avsluttet

  Scenario: En sak meldt inn for sent til møtet avvises
    Gitt dagens dato er 2024-10-08
    Og en ny sak "Sen sak om hjemmesykepleie"
    Når "Folloregionen" forsøker å utføre "submit" med:
      | meeting    |
      | 2024-10-15 |
    Så handlingen avvises med koden "late-item"
    Og begrunnelsen nevner "2024-10-05"
    Og saken er uendret

  Scenario: Innmelding krever møtedatoen
    Gitt en ny sak "Sak uten møte"
    Når "Kongsvingerregionen" forsøker å utføre "submit"
    Så handlingen avvises med koden "missing-input"
    Og begrunnelsen nevner "møtedatoen"

  Scenario: Et annet nettverk kan ikke sette saken på sakslisten
    Gitt dagens dato er 2024-10-01
    Og en ny sak "Felles rutine for vedtak om korttidsopphold"
    Og "Folloregionen" utfører "submit" med:
      | meeting    |
      | 2024-10-15 |
    Når "Kongsvingerregionen" forsøker å utføre "put_on_agenda" med:
      | meeting    |
      | 2024-10-15 |
    Så handlingen avvises med koden "wrong-body"
    Og saken er uendret

  Scenario: Møteleder og referent går på omgang i Follo-nettverket hvert halvår
    Så møteleder i "Folloregionen" den 2024-09-01 er "Ås"
    Og referent i "Folloregionen" den 2024-09-01 er "Nesodden"
    Og møteleder i "Folloregionen" den 2025-02-01 er "Nesodden"
    Og referent i "Folloregionen" den 2025-02-01 er "Enebakk"
    Og møteleder i "Folloregionen" den 2025-08-01 er "Enebakk"

  Scenario: Enebakk er ikke møteleder i begge nettverkene samtidig
    Så møteleder i "Folloregionen" den 2025-08-01 er "Enebakk"
    Og møteleder i "Nedre Romerike" den 2025-08-01 er "Aurskog-Høland"
