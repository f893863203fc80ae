# language: no
Egenskap: Faggruppe innan helse og omsorg i Sogn – råd til rådmannsgruppa
  «Faggruppa rapporterer til rådmannsgruppa om sin aktivitet og planar» (S0-R9). Faggruppa er
  «fagleg rådgjevarar til rådmannsgruppa»: ho drøftar og gir råd, rådmannsgruppa avgjer.

  Bakgrunn:
    Gitt strukturen "faggruppe-sogn"
    Og dagens dato er 2012-05-10

  Scenario: Faggruppa er rådgivande og rapporterer til rådmannsgruppa
    Så organet "Faggruppa" er rådgivende
    Og organet "Faggruppa" rapporterer til "rådmannsgruppa"
    Og organet "Faggruppa" gir råd til "rådmannsgruppa"
    Og organet "Rådmannsgruppa i Sogn regionråd" er besluttende

  Scenario: Ei sak vert drøfta, faggruppa gir råd og rådmannsgruppa avgjer
    Gitt en ny sak "Felles IKT-løysing for pleie og omsorg"
    Når "Faggruppa" utfører "drøfte saka"
    Og "Faggruppa" utfører "gi fagleg råd til rådmannsgruppa" med:
      | advice                                 |
      | Tilrår felles anskaffing i regionen |
    Så neste ansvarlige organ er "rådmannsgruppa"
    Når "rådmannsgruppa" utfører "avgjere saka" med:
      | decision           |
      | Felles anskaffing |
    Så saken er i tilstanden "Avgjort i rådmannsgruppa"
    Og saken er avsluttet

  Scenario: Faggruppa kan ikkje avgjere saka sjølv
    Gitt en ny sak "Felles IKT-løysing"
    Og "Faggruppa" utfører "drøfte saka"
    Og "Faggruppa" utfører "gi fagleg råd til rådmannsgruppa" med:
      | advice          |
      | Tilrår anskaffing |
    Når "Faggruppa" forsøker å utføre "avgjere saka" med:
      | decision |
      | Ja       |
    Så handlingen avvises med koden "advisory-body"
    Og begrunnelsen nevner "Rådmannsgruppa i Sogn regionråd"
    Og saken er uendret

  Scenario: Rådet må ha innhald
    Gitt en ny sak "Samarbeid om kompetanseheving"
    Og "Faggruppa" utfører "drøfte saka"
    Når "Faggruppa" forsøker å utføre "advise"
    Så handlingen avvises med koden "missing-input"
    Og begrunnelsen nevner "rådet"

  Scenario: Rådmannsgruppa sender saka tilbake til faggruppa
    Gitt en ny sak "Kommunale akuttsenger"
    Og "Faggruppa" utfører "drøfte saka"
    Og "Faggruppa" utfører "advise" med:
      | advice           |
      | Tilrår samarbeid |
    Når "rådmannsgruppa" utfører "send_back" med:
      | til           | begrunnelse                  |
      | Drøfta i faggruppa | Treng kostnadsoverslag |
    Så saken er i tilstanden "Drøfta i faggruppa"
    Og neste ansvarlige organ er "Faggruppa"

  Scenario: Leiarvervet går på omgang mellom kommunane kvart år
    Så leder i "Faggruppa" den 2012-06-01 er "Aurland"
    Og leder i "Faggruppa" den 2013-06-01 er "Balestrand"
    Og leder i "Faggruppa" den 2019-06-01 er "Aurland"

  Scenario: Faggruppa vel sjølv leiar frå kommunen som har tur
    «Faggruppa vel sjølv leiar.» (S0-R3) og leiarvervet går på omgang (S0-R4): frå 30.03.2013 er det
    Balestrand sin tur.
    Gitt prosessen "leiarval"
    Og dagens dato er 2013-04-02
    Og en ny sak "Leiarval 2013"
    Når "rådmannsgruppa" forsøker å utføre "velje leiar" med:
      | leader     |
      | Balestrand |
    Så handlingen avvises med koden "wrong-body"
    Når "Faggruppa" forsøker å utføre "velje leiar" med:
      | leader |
      | Vik    |
    Så handlingen avvises med koden "not-their-turn"
    Og begrunnelsen nevner "Balestrand"
    Og saken er uendret
    Når "Faggruppa" utfører "velje leiar" med:
      | leader     |
      | Balestrand |
    Så saken er i tilstanden "Leiar er vald"
    Og saken er avsluttet
