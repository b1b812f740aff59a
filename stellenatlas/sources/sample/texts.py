"""Text fragments for sample postings: tasks and profile lines per occupation family, employer intros,
benefits, and the wording of experience, remote work, working time and contract.

Placeholders: {employer}, {city}, {skill}, {skill2}, {occ} (neutral title), {hours}.
"""

from __future__ import annotations

from stellenatlas.domain.models import Sector

S = Sector

FAMILY_TASKS: dict[str, tuple[str, ...]] = {
    "it_pm": (
        "Sie koordinieren IT-Projekte von der Planung bis zur Abnahme und behalten Termine, Budget und Ressourcen im Blick",
        "Sie erstellen Projektpläne, Statusberichte und Entscheidungsvorlagen für die Projektleitung",
        "Sie moderieren Workshops und Abstimmungen mit Fachbereichen, Dienstleistern und der IT",
        "Sie pflegen Projektaufgaben und Risiken in {skill} und sorgen für eine saubere Dokumentation",
        "Sie unterstützen bei Ausschreibungen, Angeboten und der Steuerung externer Partner",
        "Sie begleiten die Einführung neuer Softwarelösungen und das Änderungsmanagement",
        "Sie bereiten Lenkungskreise vor und halten Ergebnisse nach",
        "Sie arbeiten nach {skill} und entwickeln das Projektvorgehen gemeinsam mit dem Team weiter",
    ),
    "it_dev": (
        "Sie entwickeln neue Funktionen für unsere Anwendungen mit {skill} und {skill2}",
        "Sie konzipieren Schnittstellen und wirken an der Architektur unserer Systeme mit",
        "Sie schreiben sauberen, getesteten Code und beteiligen sich an Code-Reviews",
        "Sie arbeiten eng mit Product Ownern und Fachbereichen zusammen",
        "Sie analysieren und beheben Fehler im laufenden Betrieb",
        "Sie automatisieren Build- und Deployment-Prozesse in unserer CI/CD-Pipeline",
        "Sie dokumentieren Ihre Lösungen und geben Wissen im Team weiter",
    ),
    "it_ops": (
        "Sie betreuen und administrieren unsere Server- und Netzwerkinfrastruktur",
        "Sie planen und setzen Updates, Patches und Sicherheitsmaßnahmen um",
        "Sie überwachen Systeme und beheben Störungen im 2nd- und 3rd-Level",
        "Sie administrieren {skill} und {skill2}",
        "Sie wirken an IT-Projekten wie Migrationen und der Einführung neuer Systeme mit",
        "Sie erstellen Dokumentationen und Betriebshandbücher",
        "Sie nehmen an der Rufbereitschaft teil",
    ),
    "it_support": (
        "Sie sind erste Anlaufstelle für Anfragen unserer Anwenderinnen und Anwender per Telefon, E-Mail und Ticketsystem",
        "Sie lösen Hard- und Softwareprobleme im 1st- und 2nd-Level-Support",
        "Sie richten Arbeitsplätze, Notebooks und Mobilgeräte ein",
        "Sie verwalten Benutzerkonten und Berechtigungen in {skill}",
        "Sie dokumentieren Lösungen in der Wissensdatenbank",
        "Sie unterstützen bei Rollouts und der Beschaffung von IT-Ausstattung",
    ),
    "it_data": (
        "Sie bereiten Daten aus verschiedenen Quellen auf und stellen ihre Qualität sicher",
        "Sie entwickeln Auswertungen, Dashboards und Modelle mit {skill} und {skill2}",
        "Sie beraten Fachbereiche bei datengetriebenen Fragestellungen",
        "Sie betreuen Datenbanken und optimieren Abfragen",
        "Sie automatisieren Datenflüsse und Berichte",
        "Sie präsentieren Ergebnisse verständlich für Entscheider",
    ),
    "it_consult": (
        "Sie beraten unsere Kunden bei der Einführung und Optimierung von {skill}",
        "Sie analysieren Geschäftsprozesse und übersetzen Anforderungen in Lösungskonzepte",
        "Sie übernehmen Customizing, Tests und Schulungen",
        "Sie begleiten Projekte von der Konzeption bis zum Go-live",
        "Sie unterstützen bei Angeboten und Aufwandsschätzungen",
        "Sie arbeiten in agilen Teams mit Kolleginnen und Kollegen aus Entwicklung und Fachbereich",
    ),
    "nursing": (
        "Sie übernehmen die ganzheitliche Pflege und Betreuung unserer Patientinnen und Patienten",
        "Sie planen, dokumentieren und evaluieren den Pflegeprozess",
        "Sie führen ärztlich angeordnete Maßnahmen der Behandlungspflege durch",
        "Sie arbeiten eng mit Ärzten, Therapeuten und dem Sozialdienst zusammen",
        "Sie leiten Auszubildende und neue Kolleginnen und Kollegen an",
        "Sie beraten Angehörige und wirken beim Entlassmanagement mit",
        "Sie arbeiten im Drei-Schicht-System in einem motivierten Team",
    ),
    "elderly": (
        "Sie pflegen und betreuen unsere Bewohnerinnen und Bewohner nach aktuellen Pflegestandards",
        "Sie erstellen Pflegeplanungen und dokumentieren nach dem Strukturmodell (SIS)",
        "Sie führen Maßnahmen der Grund- und Behandlungspflege durch",
        "Sie begleiten Menschen mit Demenz einfühlsam im Alltag",
        "Sie arbeiten vertrauensvoll mit Angehörigen, Ärzten und Therapeuten zusammen",
        "Sie versorgen Klientinnen und Klienten in der ambulanten Tour",
    ),
    "medical_office": (
        "Sie empfangen und betreuen unsere Patientinnen und Patienten",
        "Sie assistieren bei Untersuchungen und Behandlungen",
        "Sie übernehmen Blutentnahmen, EKG und Impfungen",
        "Sie organisieren Termine und die Praxisabläufe",
        "Sie erledigen die Abrechnung und Verwaltungsaufgaben mit unserer Praxissoftware",
        "Sie sorgen für die Einhaltung der Hygienevorschriften",
    ),
    "therapy": (
        "Sie führen Befunderhebung und Therapie eigenverantwortlich durch",
        "Sie behandeln Patientinnen und Patienten aus unterschiedlichen Fachbereichen",
        "Sie dokumentieren Therapieverläufe und stimmen sich im interdisziplinären Team ab",
        "Sie beraten Angehörige und leiten zu Übungen an",
        "Sie bringen Ihre Schwerpunkte wie {skill} in unser Konzept ein",
    ),
    "rescue": (
        "Sie versorgen Notfallpatientinnen und -patienten eigenverantwortlich",
        "Sie fahren Einsätze in der Notfallrettung und im qualifizierten Krankentransport",
        "Sie pflegen Fahrzeuge und medizinische Ausstattung",
        "Sie dokumentieren Einsätze und beteiligen sich an Fortbildungen",
        "Sie leiten Auszubildende an",
    ),
    "lab_med": (
        "Sie führen Analysen und Untersuchungen nach aktuellen Standards durch",
        "Sie bedienen und warten moderne Geräte",
        "Sie werten Ergebnisse aus und dokumentieren sie im System",
        "Sie sorgen für Qualitätskontrolle und Einhaltung von Hygiene- und Sicherheitsvorschriften",
        "Sie arbeiten eng mit Ärzten und Fachabteilungen zusammen",
    ),
    "doctor": (
        "Sie betreuen Patientinnen und Patienten auf Station und in der Notaufnahme",
        "Sie führen Diagnostik und Therapie nach aktuellen Leitlinien durch",
        "Sie nehmen am Bereitschaftsdienst teil",
        "Sie arbeiten in einem kollegialen interdisziplinären Team",
        "Sie erhalten eine strukturierte Weiterbildung",
    ),
    "pharmacy": (
        "Sie beraten unsere Kundinnen und Kunden kompetent zu Arzneimitteln",
        "Sie beliefern Rezepte und stellen Rezepturen her",
        "Sie kümmern sich um Warenwirtschaft und Bestellungen",
        "Sie wirken bei Aktionen und Gesundheitstagen mit",
    ),
    "craft_health": (
        "Sie beraten Kundinnen und Kunden individuell",
        "Sie übernehmen die Anpassung und Fertigung in unserer Werkstatt",
        "Sie arbeiten mit modernen Geräten und digitalen Verfahren",
        "Sie kümmern sich um Terminplanung und Dokumentation",
        "Sie bilden sich in Themen wie {skill} weiter",
    ),
    "childcare": (
        "Sie begleiten Kinder im Alter von 1 bis 6 Jahren in ihrer Entwicklung",
        "Sie gestalten den pädagogischen Alltag nach unserem Konzept",
        "Sie beobachten und dokumentieren Bildungsprozesse",
        "Sie führen Entwicklungsgespräche und arbeiten partnerschaftlich mit Eltern zusammen",
        "Sie bringen eigene Ideen in Projekte und Angebote ein",
        "Sie wirken bei der Weiterentwicklung unserer Konzeption mit",
        "Sie setzen Inklusion und alltagsintegrierte Sprachbildung um",
    ),
    "social": (
        "Sie beraten und begleiten Menschen in schwierigen Lebenslagen",
        "Sie planen Hilfen und arbeiten mit Ämtern, Schulen und Trägern zusammen",
        "Sie führen Gespräche, Hausbesuche und Hilfeplangespräche",
        "Sie dokumentieren Fallverläufe",
        "Sie gestalten Gruppenangebote und Projekte",
        "Sie arbeiten in einem multiprofessionellen Team",
    ),
    "teaching": (
        "Sie planen und gestalten Unterricht bzw. Kurse zielgruppengerecht",
        "Sie begleiten Lernende und bereiten auf Prüfungen vor",
        "Sie setzen digitale Medien ein",
        "Sie arbeiten im Kollegium an der Weiterentwicklung unserer Angebote",
        "Sie dokumentieren Lernfortschritte",
    ),
    "electro": (
        "Sie installieren und warten elektrische Anlagen in Neubau und Bestand",
        "Sie suchen und beheben Fehler an Anlagen und Steuerungen",
        "Sie führen Prüfungen nach DGUV V3 und VDE durch",
        "Sie arbeiten selbstständig auf Baustellen und bei Kunden",
        "Sie montieren {skill}-Anlagen und nehmen sie in Betrieb",
        "Sie dokumentieren Ihre Arbeiten digital",
        "Sie unterstützen bei der Instandhaltung unserer Produktionsanlagen",
    ),
    "shk": (
        "Sie installieren Heizungs-, Sanitär- und Lüftungsanlagen",
        "Sie montieren und warten Wärmepumpen und Brennwertgeräte",
        "Sie führen Badsanierungen fachgerecht durch",
        "Sie übernehmen Wartungen und Reparaturen im Kundendienst",
        "Sie beraten unsere Kundinnen und Kunden vor Ort",
        "Sie arbeiten im Team mit Kollegen und Auszubildenden",
    ),
    "auto": (
        "Sie führen Wartungs-, Inspektions- und Reparaturarbeiten an Fahrzeugen durch",
        "Sie diagnostizieren Fehler mit modernen Diagnosesystemen",
        "Sie arbeiten an Fahrzeugen mit Hochvolttechnik",
        "Sie bereiten Fahrzeuge für HU/AU vor",
        "Sie beraten unsere Kunden zu anstehenden Arbeiten",
        "Sie halten Ihren Arbeitsplatz und die Werkstatt in Ordnung",
    ),
    "metal": (
        "Sie richten Maschinen und Anlagen ein und fertigen Bauteile nach Zeichnung",
        "Sie führen Wartungs- und Instandhaltungsarbeiten durch",
        "Sie suchen Fehler an mechanischen, hydraulischen und pneumatischen Systemen",
        "Sie montieren Baugruppen und nehmen Anlagen in Betrieb",
        "Sie prüfen die Qualität Ihrer Arbeit mit moderner Messtechnik",
        "Sie arbeiten im Zwei- oder Drei-Schicht-System",
    ),
    "production": (
        "Sie bedienen und überwachen Produktionsanlagen",
        "Sie rüsten Maschinen um und führen kleinere Wartungen durch",
        "Sie prüfen Produkte auf Qualität und dokumentieren Ergebnisse",
        "Sie versorgen Linien mit Material und verpacken fertige Ware",
        "Sie halten Arbeitssicherheits- und Hygienevorschriften ein",
        "Sie arbeiten im Schichtbetrieb",
    ),
    "construction": (
        "Sie führen alle anfallenden Arbeiten auf unseren Baustellen selbstständig aus",
        "Sie arbeiten bei Neubau, Sanierung und Modernisierung mit",
        "Sie lesen Pläne und setzen sie fachgerecht um",
        "Sie arbeiten mit modernen Maschinen und Werkzeugen",
        "Sie sorgen für Sauberkeit und Sicherheit auf der Baustelle",
        "Sie leiten Helfer und Auszubildende an",
    ),
    "facility": (
        "Sie kümmern sich um die technische Betreuung unserer Gebäude",
        "Sie führen kleinere Reparaturen und Wartungen selbst durch",
        "Sie koordinieren externe Dienstleister und Handwerker",
        "Sie übernehmen Kontrollgänge und sind Ansprechpartner für Mieter bzw. Nutzer",
        "Sie kümmern sich um Außenanlagen und Winterdienst",
    ),
    "driver": (
        "Sie liefern Waren zuverlässig und termingerecht zu unseren Kunden",
        "Sie be- und entladen Ihr Fahrzeug und sichern die Ladung",
        "Sie führen Abfahrtskontrollen und kleinere Pflegearbeiten am Fahrzeug durch",
        "Sie erledigen die Liefer- und Frachtpapiere",
        "Sie sind im Nah- und Regionalverkehr unterwegs, abends zu Hause",
        "Sie vertreten unser Unternehmen freundlich bei den Kunden",
    ),
    "warehouse": (
        "Sie nehmen Waren an, prüfen sie und lagern sie ein",
        "Sie kommissionieren Aufträge mit Scanner und Pick-by-Voice",
        "Sie verpacken und verladen Sendungen",
        "Sie bedienen Flurförderzeuge wie Stapler und Ameise",
        "Sie buchen Warenbewegungen im Warenwirtschaftssystem",
        "Sie wirken bei der Inventur mit",
        "Sie halten Ordnung und Sauberkeit im Lager",
    ),
    "logistics_office": (
        "Sie disponieren Transporte im Nah- und Fernverkehr",
        "Sie planen Touren und setzen Fahrzeuge wirtschaftlich ein",
        "Sie kalkulieren Angebote und betreuen Kunden und Frachtführer",
        "Sie bearbeiten Reklamationen und Schadensfälle",
        "Sie arbeiten mit {skill} und {skill2}",
        "Sie optimieren logistische Prozesse gemeinsam mit dem Team",
    ),
    "office": (
        "Sie übernehmen allgemeine Büro- und Verwaltungsaufgaben",
        "Sie bearbeiten Korrespondenz, Anfragen und Aufträge",
        "Sie pflegen Daten in {skill} und erstellen Auswertungen mit Excel",
        "Sie koordinieren Termine, Besprechungen und Reisen",
        "Sie sind Ansprechpartner für Kunden, Lieferanten und Kollegen",
        "Sie unterstützen bei der Rechnungsprüfung und vorbereitenden Buchhaltung",
        "Sie organisieren die Ablage und digitale Aktenführung",
    ),
    "accounting": (
        "Sie kontieren und buchen laufende Geschäftsvorfälle",
        "Sie betreuen die Kreditoren- und Debitorenbuchhaltung",
        "Sie bereiten Monats-, Quartals- und Jahresabschlüsse vor",
        "Sie erstellen Umsatzsteuervoranmeldungen und Auswertungen",
        "Sie arbeiten mit {skill} und {skill2}",
        "Sie sind Ansprechpartner für Steuerberater und Wirtschaftsprüfer",
    ),
    "banking": (
        "Sie beraten Kundinnen und Kunden zu Produkten und Dienstleistungen",
        "Sie betreuen einen eigenen Kundenstamm aktiv",
        "Sie bearbeiten Anträge und Verträge",
        "Sie arbeiten vertriebsorientiert und erkennen Bedarfe",
        "Sie halten regulatorische Vorgaben ein",
    ),
    "hr": (
        "Sie betreuen Mitarbeitende von der Einstellung bis zum Austritt",
        "Sie erstellen Verträge, Bescheinigungen und Zeugnisse",
        "Sie begleiten Recruiting-Prozesse und führen Vorstellungsgespräche",
        "Sie arbeiten mit {skill}",
        "Sie beraten Führungskräfte in personellen Fragen",
        "Sie wirken an Projekten der Personalentwicklung mit",
    ),
    "legal": (
        "Sie organisieren das Sekretariat und den Schriftverkehr",
        "Sie überwachen Fristen und Termine",
        "Sie bearbeiten Mahn- und Vollstreckungsverfahren",
        "Sie kommunizieren mit Mandanten, Gerichten und Behörden über {skill}",
        "Sie erstellen Kostennoten",
    ),
    "public_admin": (
        "Sie bearbeiten Anträge und Vorgänge in Ihrem Sachgebiet",
        "Sie beraten Bürgerinnen und Bürger persönlich, telefonisch und schriftlich",
        "Sie erstellen Bescheide und Stellungnahmen",
        "Sie arbeiten mit Fachverfahren und der E-Akte",
        "Sie wirken bei Haushaltsangelegenheiten mit",
        "Sie arbeiten mit anderen Ämtern und Behörden zusammen",
    ),
    "engineering": (
        "Sie planen und betreuen Projekte von der Konzeption bis zur Umsetzung",
        "Sie erstellen technische Unterlagen, Berechnungen und Leistungsverzeichnisse",
        "Sie arbeiten mit {skill} und {skill2}",
        "Sie stimmen sich mit Auftraggebern, Behörden und Fachplanern ab",
        "Sie überwachen Termine, Kosten und Qualität",
        "Sie entwickeln bestehende Lösungen technisch weiter",
    ),
    "sales": (
        "Sie betreuen Bestandskunden und gewinnen neue Kunden",
        "Sie erstellen Angebote und verhandeln Konditionen",
        "Sie analysieren Markt und Wettbewerb",
        "Sie pflegen Kundendaten im CRM",
        "Sie arbeiten eng mit Technik, Einkauf und Logistik zusammen",
        "Sie präsentieren unser Unternehmen auf Messen",
    ),
    "retail": (
        "Sie beraten unsere Kundinnen und Kunden freundlich und kompetent",
        "Sie kassieren und rechnen die Kasse ab",
        "Sie präsentieren Ware ansprechend und verräumen Lieferungen",
        "Sie achten auf Frische, Qualität und Preisauszeichnung",
        "Sie wirken bei der Inventur mit",
    ),
    "marketing": (
        "Sie planen und steuern Kampagnen über verschiedene Kanäle",
        "Sie erstellen Inhalte für Website, Newsletter und Social Media",
        "Sie analysieren Kennzahlen und leiten Maßnahmen ab",
        "Sie arbeiten mit {skill} und {skill2}",
        "Sie koordinieren Agenturen und Dienstleister",
    ),
    "customer_service": (
        "Sie beantworten Anfragen unserer Kundinnen und Kunden per Telefon, E-Mail und Chat",
        "Sie bearbeiten Aufträge, Änderungen und Reklamationen",
        "Sie pflegen Kundendaten im CRM",
        "Sie finden Lösungen und behalten dabei die Kundenzufriedenheit im Blick",
        "Sie arbeiten eng mit den Fachabteilungen zusammen",
    ),
    "kitchen": (
        "Sie bereiten Speisen nach Rezeptur und eigenen Ideen zu",
        "Sie übernehmen die Vor- und Zubereitung in Ihrem Posten",
        "Sie achten auf Hygiene nach HACCP",
        "Sie kümmern sich um Warenannahme und Lagerung",
        "Sie halten Küche und Arbeitsgeräte sauber",
    ),
    "service_hosp": (
        "Sie betreuen unsere Gäste herzlich und aufmerksam",
        "Sie nehmen Bestellungen auf und servieren Speisen und Getränke",
        "Sie kassieren und rechnen ab",
        "Sie unterstützen bei Veranstaltungen und Banketten",
        "Sie sorgen für einen reibungslosen Ablauf an Rezeption und im Service",
    ),
    "cleaning": (
        "Sie reinigen Büros, Sanitärbereiche und Verkehrsflächen",
        "Sie arbeiten nach Reinigungsplan und Hygienevorgaben",
        "Sie bedienen Reinigungsmaschinen",
        "Sie melden Schäden und Auffälligkeiten",
        "Sie arbeiten selbstständig in festen Objekten",
    ),
    "security": (
        "Sie übernehmen Empfangs- und Pfortendienste",
        "Sie führen Kontrollgänge und Zugangskontrollen durch",
        "Sie reagieren auf Alarme und leiten Maßnahmen ein",
        "Sie dokumentieren Vorkommnisse im Wachbuch",
        "Sie arbeiten im Schichtdienst, auch am Wochenende",
    ),
}

SECTOR_INTROS: dict[Sector, tuple[str, ...]] = {
    S.PUBLIC: (
        "Die {employer} ist mit ihren Mitarbeitenden Dienstleisterin für die Bürgerinnen und Bürger in {city}.",
        "{employer} – moderne Verwaltung mitten in {city}. Wir gestalten das Zusammenleben in unserer Stadt aktiv mit.",
        "Als öffentlicher Arbeitgeber bietet {employer} sichere Arbeitsplätze mit Sinn.",
    ),
    S.HEALTH: (
        "{employer} steht seit vielen Jahren für menschliche Zuwendung und medizinische Qualität in {city}.",
        "Wir sind ein Träger mit mehreren Einrichtungen in {city} und Umgebung und begleiten Menschen in allen Lebenslagen.",
        "{employer} ist ein modernes Haus der Regelversorgung mit rund 400 Betten.",
    ),
    S.INDUSTRY: (
        "{employer} ist ein inhabergeführtes Industrieunternehmen mit rund 350 Mitarbeitenden am Standort {city}.",
        "Als international tätiger Mittelständler entwickeln und fertigen wir hochwertige Produkte für Kunden in über 40 Ländern.",
        "{employer} gehört zu den führenden Herstellern in seiner Branche und wächst seit Jahren stabil.",
    ),
    S.IT_SERVICES: (
        "{employer} ist ein IT-Dienstleister mit Sitz in {city} und betreut Kunden aus Mittelstand und öffentlicher Hand.",
        "Wir sind ein wachsendes Softwarehaus mit über 120 Kolleginnen und Kollegen und einer offenen Du-Kultur.",
        "{employer} begleitet Unternehmen bei der Digitalisierung – von der Beratung bis zum Betrieb.",
    ),
    S.STAFFING: (
        "{employer} ist ein etablierter Personaldienstleister und vermittelt Fachkräfte an namhafte Kunden in der Region {city}.",
        "Für unseren Kunden, ein renommiertes Unternehmen in {city}, suchen wir im Rahmen der Arbeitnehmerüberlassung mit Option auf Übernahme Verstärkung.",
        "Wir sind Ihr Partner für Jobs in der Region – persönlich, fair und tarifgebunden (GVP/DGB).",
    ),
    S.TRADE: (
        "{employer} ist ein Handelsunternehmen mit Filialen in ganz Nordrhein-Westfalen und darüber hinaus.",
        "Als Großhändler beliefern wir Handwerk und Industrie mit einem Sortiment von über 50.000 Artikeln.",
        "Bei {employer} stehen Kundinnen und Kunden im Mittelpunkt – vor Ort in {city} und online.",
    ),
    S.CRAFT: (
        "{employer} ist ein familiengeführter Meisterbetrieb in {city} mit 25 Mitarbeitenden.",
        "Seit über 40 Jahren steht {employer} für Qualität und Zuverlässigkeit im Handwerk.",
        "Wir sind ein modernes Handwerksunternehmen und arbeiten für private und gewerbliche Kunden in {city} und Umgebung.",
    ),
    S.LOGISTICS: (
        "{employer} ist ein mittelständischer Logistikdienstleister mit eigenem Fuhrpark und Lagerflächen in {city}.",
        "Als Kontraktlogistiker verbinden wir Lager, Transport und Mehrwertdienste für Kunden aus Handel und Industrie.",
    ),
    S.ENERGY: (
        "Die {employer} versorgt die Menschen in {city} zuverlässig mit Strom, Gas, Wasser und Wärme.",
        "Als kommunaler Versorger gestalten wir die Energiewende in {city} aktiv mit.",
    ),
    S.FINANCE: (
        "{employer} ist ein regional verwurzeltes Finanzinstitut mit persönlicher Beratung in {city}.",
        "Wir sind eine moderne Kanzlei bzw. Versicherung mit digitalen Prozessen und festen Mandanten.",
    ),
    S.HOSPITALITY: (
        "{employer} verwöhnt Gäste aus aller Welt mitten in {city}.",
        "Wir sind ein lebendiges Gastronomie-Team mit regionaler Küche und vielen Stammgästen.",
    ),
    S.EDUCATION: (
        "{employer} ist ein freier Träger von Bildungs- und Betreuungsangeboten in {city}.",
        "Wir betreiben Kitas, Schulen und Bildungsangebote und legen Wert auf Vielfalt und Teilhabe.",
    ),
    S.OTHER: (
        "{employer} ist ein etabliertes Dienstleistungsunternehmen in {city}.",
        "Wir sind ein wachsendes Team mit kurzen Entscheidungswegen und einem familiären Betriebsklima.",
    ),
}

LEADS: tuple[str, ...] = (
    "Zur Verstärkung unseres Teams in {city} suchen wir zum nächstmöglichen Zeitpunkt eine/n {occ}.",
    "Für unseren Standort {city} suchen wir Sie als {occ} – engagiert, zuverlässig und mit Freude an der Arbeit.",
    "Wir wachsen weiter und suchen deshalb ab sofort Unterstützung als {occ} in {city}.",
    "Sie möchten etwas bewegen? Dann werden Sie Teil unseres Teams als {occ}.",
    "Wir suchen Verstärkung als {occ} – in einem Umfeld, in dem Ihre Arbeit wirklich zählt.",
)

QUAL_BY_LEVEL: dict[int, tuple[str, ...]] = {
    1: (
        "Erste Erfahrung in einer ähnlichen Tätigkeit ist wünschenswert, aber keine Voraussetzung",
        "Sie arbeiten gerne praktisch und packen mit an",
    ),
    2: (
        "Abgeschlossene Berufsausbildung als {occ} oder eine vergleichbare Qualifikation",
        "Erfolgreich abgeschlossene Ausbildung als {occ}",
    ),
    3: (
        "Abgeschlossene Ausbildung mit Weiterbildung (Techniker, Meister, Fachwirt) oder ein Bachelorstudium",
        "Abgeschlossenes Studium oder Ausbildung als {occ} mit entsprechender Weiterbildung",
    ),
    4: (
        "Abgeschlossenes Hochschulstudium (Master/Diplom) in einer passenden Fachrichtung",
        "Abgeschlossenes Studium (Bachelor oder Master) in einem einschlägigen Fach",
    ),
}

EXPERIENCE_LINES: dict[str, tuple[str, ...]] = {
    "einstieg": (
        "Erste Berufserfahrung ist von Vorteil – auch Berufseinsteiger sind herzlich willkommen",
        "Berufseinsteiger und Absolventen sind willkommen",
        "Erste Berufserfahrung, z. B. aus Praktika oder der Ausbildung",
    ),
    "berufserfahren": (
        "Mehrjährige Berufserfahrung (3–5 Jahre) in einer vergleichbaren Position",
        "Mindestens 3 Jahre Berufserfahrung",
        "Einschlägige Berufserfahrung von mehreren Jahren",
    ),
    "senior": (
        "Langjährige Berufserfahrung, idealerweise mindestens 8 Jahre, davon einige in verantwortlicher Rolle",
        "Mindestens 8 Jahre Berufserfahrung und Erfahrung in der fachlichen Führung",
        "Umfassende Erfahrung (10+ Jahre) und Sicherheit in komplexen Projekten",
    ),
}

PROFILE_EXTRA: tuple[str, ...] = (
    "Sehr gute Deutschkenntnisse in Wort und Schrift (mindestens B2)",
    "Zuverlässigkeit, Teamgeist und eine strukturierte Arbeitsweise",
    "Freundliches Auftreten und Kommunikationsstärke",
    "Eigeninitiative und Freude an der Arbeit im Team",
    "Führerschein Klasse B wünschenswert",
    "Gute Englischkenntnisse",
    "Sicherer Umgang mit MS Office",
    "Flexibilität und Belastbarkeit",
)

SKILL_LINES: tuple[str, ...] = (
    "Kenntnisse in {skill} und {skill2}",
    "Erfahrung mit {skill}; Kenntnisse in {skill2} sind ein Plus",
    "Sicherer Umgang mit {skill}",
    "Idealerweise Erfahrung mit {skill} und {skill2}",
)

BENEFITS: tuple[str, ...] = (
    "30 Tage Urlaub",
    "28 Tage Urlaub plus Heiligabend und Silvester frei",
    "Betriebliche Altersvorsorge mit Arbeitgeberzuschuss",
    "Jobrad-Leasing",
    "Deutschlandticket als Jobticket",
    "Urlaubs- und Weihnachtsgeld",
    "Flexible Arbeitszeiten und Gleitzeit",
    "Strukturierte Einarbeitung und feste Ansprechpartner",
    "Fort- und Weiterbildungsmöglichkeiten",
    "Kostenlose Getränke und frisches Obst",
    "Betriebliches Gesundheitsmanagement und Firmenfitness",
    "Ein wertschätzendes Team und flache Hierarchien",
    "Mitarbeiterrabatte und Corporate Benefits",
    "Moderne Arbeitsmittel und Ausstattung",
    "Kostenfreie Parkplätze",
    "Zuschlagspflichtige Sonderdienste und Zulagen",
)
PUBLIC_BENEFITS: tuple[str, ...] = (
    "Jahressonderzahlung und Leistungsentgelt",
    "Zusatzversorgung (ZVK) als betriebliche Altersvorsorge",
    "Ein krisensicherer Arbeitsplatz im öffentlichen Dienst",
    "Vereinbarkeit von Familie und Beruf",
)

REMOTE_HYBRID: tuple[str, ...] = (
    "2 Tage Homeoffice pro Woche",
    "Bis zu 3 Tage mobiles Arbeiten pro Woche",
    "Hybrides Arbeiten: bis zu 60 % im Homeoffice",
    "Möglichkeit zum mobilen Arbeiten nach Absprache",
)
REMOTE_FULL: tuple[str, ...] = (
    "100 % remote möglich",
    "Vollständig remote – deutschlandweit",
    "Remote-first: Sie arbeiten von zu Hause, Treffen im Büro nur gelegentlich",
)
ONSITE_LINES: tuple[str, ...] = (
    "Die Tätigkeit erfolgt vor Ort",
    "Arbeitsort: unser Standort in {city}",
)

CONTRACT_PERMANENT: tuple[str, ...] = (
    "Ein unbefristetes Arbeitsverhältnis",
    "Unbefristete Festanstellung",
    "Einen sicheren, unbefristeten Arbeitsplatz",
)
CONTRACT_FIXED: tuple[str, ...] = (
    "Die Stelle ist zunächst befristet auf 2 Jahre",
    "Befristete Stelle (Elternzeitvertretung, 18 Monate)",
    "Zunächst befristet auf ein Jahr mit Option auf Übernahme",
)

QUEREINSTEIGER: tuple[str, ...] = (
    "Quereinsteiger willkommen!",
    "Auch Quereinsteigerinnen und Quereinsteiger mit Motivation sind willkommen.",
)

CLOSINGS: tuple[str, ...] = (
    "Wir freuen uns auf Ihre Bewerbung – gerne über unser Online-Formular.",
    "Bewerben Sie sich jetzt – ohne Anschreiben, in wenigen Minuten.",
    "Schwerbehinderte Menschen werden bei gleicher Eignung bevorzugt berücksichtigt.",
    "Wir begrüßen Bewerbungen aller Menschen unabhängig von Geschlecht, Herkunft, Religion, Alter oder Behinderung.",
)

CONTACT_NAMES: tuple[str, ...] = (
    "Frau Schneider", "Herr Yilmaz", "Frau Kowalski", "Herr Becker", "Frau Hoffmann", "Herr Nowak",
    "Frau Wagner", "Herr Schulz", "Frau Öztürk", "Herr Krüger", "Frau Lange", "Herr Schmitz",
)  # fmt: skip

# Stadtteile for "Gelsenkirchen-Buer" style locations.
DISTRICTS: dict[str, tuple[str, ...]] = {
    "Gelsenkirchen": ("Buer", "Horst", "Schalke", "Erle", "Ückendorf", "Hassel", "Bismarck", "Resse"),
    "Essen": ("Rüttenscheid", "Kettwig", "Steele", "Altenessen", "Werden", "Frohnhausen", "Borbeck"),
    "Bochum": ("Wattenscheid", "Langendreer", "Linden", "Gerthe", "Querenburg"),
    "Dortmund": ("Hörde", "Aplerbeck", "Eving", "Brackel", "Mengede", "Hombruch", "Lütgendortmund"),
    "Duisburg": ("Ruhrort", "Rheinhausen", "Hamborn", "Walsum", "Marxloh", "Homberg", "Neudorf"),
    "Oberhausen": ("Sterkrade", "Osterfeld", "Alt-Oberhausen"),
    "Mülheim an der Ruhr": ("Saarn", "Styrum", "Dümpten", "Heißen"),
    "Herne": ("Wanne", "Eickel", "Sodingen"),
    "Hagen": ("Hohenlimburg", "Haspe", "Boele"),
    "Hamm": ("Bockum-Hövel", "Heessen", "Uentrop", "Rhynern"),
    "Bottrop": ("Kirchhellen", "Eigen"),
    "Recklinghausen": ("Süd", "Hochlar"),
    "Berlin": ("Mitte", "Charlottenburg", "Spandau", "Kreuzberg", "Neukölln", "Adlershof", "Marzahn"),
    "Hamburg": ("Altona", "Harburg", "Wandsbek", "Bergedorf", "Eimsbüttel", "Billbrook"),
    "München": ("Schwabing", "Pasing", "Sendling", "Riem", "Freimann"),
    "Köln": ("Ehrenfeld", "Deutz", "Porz", "Mülheim", "Kalk", "Nippes"),
    "Frankfurt am Main": ("Höchst", "Sachsenhausen", "Bockenheim", "Fechenheim"),
    "Düsseldorf": ("Oberkassel", "Bilk", "Benrath", "Reisholz"),
    "Stuttgart": ("Vaihingen", "Feuerbach", "Zuffenhausen", "Bad Cannstatt"),
    "Leipzig": ("Plagwitz", "Grünau", "Connewitz"),
}
