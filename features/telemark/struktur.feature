# language: no
Egenskap: Telemark – to strategiske samarbeidsutvalg og partnerskapsmøtet
  «Helsefellesskapet i Telemark har to strategisk samarbeidsutvalg ett for Nedre Telema…» (T2, avkuttet).
  «Utvalget beslutter saker av prinsipiell karakter og saker som har større økonomiske eller
  administrative konsekvenser.» (T1). «Partnerskapet møtes 2 ganger årlig.» (T1)

  Bakgrunn:
    Gitt strukturen "Helsefellesskapet i Telemark"

  Scenario: Strukturen bryter ingen av sine egne regler
    Så strukturen er gyldig
    Og strukturen har 2 organer av typen "strategisk samarbeidsutvalg"
    Og strukturen har 1 organer av typen "partnerskapsmøte"

  Scenario: Begge SSU-ene beslutter, FSU er rådgivende
    Så organet "SSU nedre Telemark" er besluttende
    Og organet "SSU 2" er besluttende
    Og organet "FSU" er rådgivende
    Og organet "Partnerskapsmøtet" er uten beslutningsmyndighet

  Scenario: SSU for nedre Telemark har seks navngitte kommuner og Sykehuset Telemark
    Så parten "Porsgrunn" sitter i "SSU nedre Telemark"
    Og parten "Nome" sitter i "SSU for nedre Telemark"
    Og parten "Sykehuset Telemark" sitter i "SSU nedre Telemark"
    Og parten "Skien" sitter ikke i "SSU 2"
    Og organet "SSU nedre Telemark" har 14 medlemmer
    Og parten "KS" sitter i "SSU nedre Telemark"
    Og parten "Pasient og brukerombudet" sitter i "Partnerskapsmøtet"

  Scenario: Begge SSU-ene rapporterer til partnerskapsmøtet
    Så organet "SSU nedre Telemark" rapporterer til "Partnerskapsmøtet"
    Og organet "SSU 2" rapporterer til "Partnerskapsmøtet"
    Og organet "FSU" rapporterer til "SSU nedre Telemark"
    Og organet "FSU" rapporterer til "SSU 2"

  Scenario: Hvert SSU beslutter selv og rapporterer til partnerskapsmøtet
    Så eskaleringsveien fra "SSU 2" er "SSU 2 → Partnerskapsmøte"
    Og saker fra "SSU nedre Telemark" avgjøres av "SSU nedre Telemark"
    Og saker fra "SSU 2" avgjøres av "SSU 2"
