"""Posting attributes from title + description text: working time, remote, contract, experience, skills.

Pure functions returning domain enums. Text is capped (MAX_CHARS) and every pattern is a plain alternation
without nested quantifiers, so huge or hostile input stays linear and fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stellenatlas.domain.models import Contract, Experience, Remote, WorkingTime
from stellenatlas.normalize.prefix_search import PrefixSearch, pattern_prefixes
from stellenatlas.normalize.skills_vocab import MORE_SKILLS

MAX_CHARS = 30_000  # the attributes are stated in the first screens of a posting

# Patterns are written in lower case and run on lower-cased text: Python's IGNORECASE matching is several
# times slower than a plain match, and these run on every posting. The ones wrapped in PrefixSearch start with
# many branches, `\b` or digit classes, which defeat re's fast scan; the wrapper gives the same Match faster.
_I = 0


_last_cap: tuple[str, str] = ("", "")


def _cap(text: str | None) -> str:
    global _last_cap
    if not text or not isinstance(text, str):
        return ""
    # The pipeline hands the same text object to five of these functions in a row: lower it once.
    # (A tuple is swapped in whole, so a thread reading it sees a consistent pair or misses.)
    last = _last_cap
    if text is last[0]:
        return last[1]
    low = text[:MAX_CHARS].lower()
    _last_cap = (text, low)
    return low


# --- working time -------------------------------------------------------------------------------------------

_MINIJOB = PrefixSearch(
    re.compile(
        r"minijob|mini-job|geringfügig|geringfuegig|\b(?:450|520|538|556|603)[\s-]?(?:€|euro|eur)[\s-]?(?:job|basis)"
        r"|auf\s+(?:450|520|538|556|603)[\s-]?(?:€|euro|eur)|aushilfe\s+auf\s+minijob",
        _I,
    )
)
_FULL = PrefixSearch(re.compile(r"vollzeit|full[\s-]?time|\bvz\b|40\s?(?:std|stunden|h)\b", _I))
_PART = PrefixSearch(re.compile(r"teilzeit|part[\s-]?time|\btz\b|halbtags|stundenreduziert", _I))
_FULL_OR_PART = re.compile(
    r"(?:vollzeit|voll-)\s*(?:oder|/|bzw\.?|und|&|\|)\s*(?:in\s+)?teilzeit|teilzeit\s*(?:oder|/|bzw\.?|und|&)\s*vollzeit"
    r"|teilzeitfähig|auch\s+in\s+teilzeit|teilzeit\s+(?:ist\s+)?möglich",
    _I,
)


def working_time(text: str) -> WorkingTime:
    """Vollzeit / Teilzeit / Minijob.

    "Vollzeit oder Teilzeit" (and "auch in Teilzeit möglich") -> FULL_TIME: the position is a full-time one
    that can be shared; search filters for Teilzeit should use the text too, but the canonical value follows
    the default contract the employer advertises.
    """
    t = _cap(text)
    if not t:
        return WorkingTime.UNKNOWN
    if _MINIJOB.search(t):
        return WorkingTime.MINIJOB
    if _FULL_OR_PART.search(t):
        return WorkingTime.FULL_TIME
    full = _FULL.search(t)
    part = _PART.search(t)
    if full and part:
        return WorkingTime.FULL_TIME if full.start() < part.start() else WorkingTime.PART_TIME
    if full:
        return WorkingTime.FULL_TIME
    if part:
        return WorkingTime.PART_TIME
    return WorkingTime.UNKNOWN


# --- remote -------------------------------------------------------------------------------------------------

_FULL_REMOTE = PrefixSearch(
    re.compile(
        r"100\s?%\s?(?:remote|homeoffice|home-office|home\s+office|mobil)|full[\s-]?remote|fully\s+remote|"
        r"vollständig\s+(?:remote|im\s+home-?\s?office|mobil)|komplett\s+(?:remote|im\s+home-?\s?office|mobil)|"
        r"ausschließlich\s+(?:remote|im\s+home-?\s?office)|remote[\s-]first|remote[\s-]only|"
        r"deutschlandweit\s+remote|\(remote\)|\bremote\s*\(?\s*deutschland|"
        r"arbeitsort:?\s*remote|standort:?\s*remote|\bremote-?job\b|von\s+überall",
        _I,
    )
)
_HYBRID = PrefixSearch(
    re.compile(
        r"hybrid|home-?\s?office|home\s+office|mobile[ns]?\s+arbeiten|mobile\s+arbeit|remote|teilweise\s+mobil|"
        r"\d\s?(?:-\s?\d\s?)?tage?\s+(?:pro\s+woche\s+)?(?:im\s+)?(?:home|mobil|remote)|telearbeit|von\s+zu\s*hause",
        _I,
    )
)
_NO_REMOTE = PrefixSearch(
    re.compile(
        r"kein(?:e|)\s+(?:home-?\s?office|remote|mobile[ns]?\s+arbeiten)|(?:home-?\s?office|remote)\s+(?:ist\s+)?(?:leider\s+)?nicht\s+möglich"
        r"|ausschließlich\s+vor\s+ort|100\s?%\s?vor\s+ort|präsenzpflicht",
        _I,
    )
)
_ONSITE = re.compile(r"vor\s+ort|im\s+büro|on[\s-]?site|präsenz|in\s+unserem\s+(?:büro|werk|lager)", _I)


def remote(text: str) -> Remote:
    t = _cap(text)
    if not t:
        return Remote.UNKNOWN
    if _NO_REMOTE.search(t):
        return Remote.ONSITE
    if _FULL_REMOTE.search(t):
        return Remote.REMOTE
    if _HYBRID.search(t):
        return Remote.HYBRID
    if _ONSITE.search(t):
        return Remote.ONSITE
    return Remote.UNKNOWN


# --- contract -----------------------------------------------------------------------------------------------

_PERMANENT = re.compile(
    r"unbefristet|unbefristete[nrsm]?|festanstellung|feste\s+anstellung|permanent\s+position", _I
)
_FIXED = PrefixSearch(
    re.compile(
        r"(?<!un)befristet|befristung|zeitvertrag|elternzeitvertretung|mutterschutzvertretung|"
        r"krankheitsvertretung|projektstelle|für\s+\d{1,2}\s+(?:monate|jahre)\b|fixed[\s-]term",
        _I,
    )
)
_NO_FIXED = re.compile(r"ohne\s+befristung|nicht\s+befristet|sachgrundlose\s+befristung\s+entfällt", _I)
_FIXED_THEN_PERM = re.compile(r"(?:zunächst|vorerst|vorläufig)\s+(?:auf\s+\S+\s+\S+\s+)?befristet", _I)


def contract(text: str) -> Contract:
    """unbefristet / befristet. "zunächst auf 2 Jahre befristet (Übernahme angestrebt)" is still FIXED_TERM."""
    t = _cap(text)
    if not t:
        return Contract.UNKNOWN
    if _NO_FIXED.search(t):
        return Contract.PERMANENT
    if _FIXED_THEN_PERM.search(t):
        return Contract.FIXED_TERM
    perm = _PERMANENT.search(t)
    fixed = _FIXED.search(t)
    if perm and fixed:
        # both stated: the earlier mention is usually the headline fact ("unbefristet ... Befristung entfällt")
        return Contract.PERMANENT if perm.start() < fixed.start() else Contract.FIXED_TERM
    if perm:
        return Contract.PERMANENT
    if fixed:
        return Contract.FIXED_TERM
    return Contract.UNKNOWN


# --- experience ---------------------------------------------------------------------------------------------

_TITLE_SENIOR = re.compile(
    r"\bsenior\b|\bsr\.|\blead\b|\bleiter|\bleitung\b|teamleit|abteilungsleit|bereichsleit|\bhead\s+of\b|\bprincipal\b"
    r"|\bchief\b|\bdirector\b|\bdirektor|\bstaff\s+engineer|\bexpert(?:e|in)?\b|\barchitekt",
    _I,
)
_TITLE_ENTRY = re.compile(
    r"\bjunior\b|\bjr\.|einsteiger|berufseinst|trainee|absolvent|graduate|\bentry\b|werkstudent|praktik|azubi|ausbildung",
    _I,
)
_SENIOR = PrefixSearch(
    re.compile(
        r"(?:mindestens|mind\.|mehr\s+als|über|>)\s*(?:[7-9]|1\d|zehn|acht|sieben)\s*\+?\s*jahr"
        r"|(?:[7-9]|1\d)\s*\+\s*jahr|langjährige\s+(?:berufs)?erfahrung|langjährige\s+führungs|führungserfahrung"
        r"|fundierte\s+führungs|personalverantwortung\s+für|umfangreiche\s+berufserfahrung",
        _I,
    )
)
_PROFESSIONAL = PrefixSearch(
    re.compile(
        r"mehrjährige\s+(?:berufs)?erfahrung|mehrjährige\s+\w+\s*erfahrung|(?:mindestens|mind\.|min\.)\s*(?:[2-6]|zwei|drei|vier|fünf)\s*jahr"
        r"|\b[2-6]\s*(?:-|–|bis)\s*[3-7]\s*jahr|\b[2-6]\s*\+?\s*jahre?n?\s+(?:berufs|praxis|relevante|einschlägige|erfahrung)"
        r"|berufserfahrung\s+von\s+(?:mindestens\s+)?[2-6]|abgeschlossene\s+ausbildung\s+und\s+berufserfahrung"
        r"|einschlägige\s+berufserfahrung|fundierte\s+berufserfahrung|solide\s+berufserfahrung",
        _I,
    )
)
_ENTRY = re.compile(
    r"berufseinst|berufsanfänger|einsteiger|erste\s+berufserfahrung|erste\s+erfahrungen|ohne\s+berufserfahrung|"
    r"keine\s+berufserfahrung|berufserfahrung\s+(?:ist\s+)?(?:nicht\s+erforderlich|kein\s+muss|wünschenswert)|"
    r"frisch\s+(?:aus|nach)|absolvent|hochschulabsolvent|junior|quereinst|0\s*-\s*2\s*jahre|1\s*-\s*2\s*jahre",
    _I,
)


def experience(title: str, text: str) -> Experience:
    """Title words decide first (a "Senior" title beats a generic description); then the description."""
    ti = _cap(title)
    if _TITLE_SENIOR.search(ti):
        return Experience.SENIOR
    if _TITLE_ENTRY.search(ti):
        return Experience.ENTRY
    t = _cap(text)
    if _SENIOR.search(t):
        return Experience.SENIOR
    if _PROFESSIONAL.search(t):
        return Experience.PROFESSIONAL
    if _ENTRY.search(t):
        return Experience.ENTRY
    return Experience.UNKNOWN


# --- career changers, education -----------------------------------------------------------------------------

_CAREER_CHANGER = re.compile(
    r"quer-?einsteig|quer-?einstieg|quereinsteiger(?:innen)?\s+(?:sind\s+)?willkommen|seiteneinst|branchenfremd|"
    r"auch\s+ohne\s+(?:einschlägige\s+)?(?:ausbildung|vorkenntnisse|erfahrung)|keine\s+vorkenntnisse\s+(?:nötig|erforderlich)",
    _I,
)
_NO_CAREER_CHANGER = re.compile(
    r"kein(?:e)?\s+quer-?einst|quereinst\w*\s+(?:sind\s+)?(?:leider\s+)?(?:nicht|ausgeschlossen)", _I
)


def career_changer(text: str) -> bool:
    t = _cap(text)
    return bool(t) and bool(_CAREER_CHANGER.search(t)) and not _NO_CAREER_CHANGER.search(t)


_STUDIUM = PrefixSearch(
    re.compile(
        r"studium|hochschulabschluss|\bbachelor\b|\bmaster\b|diplom\b|diplom-|\bb\.\s?sc|\bm\.\s?sc|\bb\.\s?a\.|\bm\.\s?a\.|"
        r"promotion|universität|fachhochschul|\bfh\b|akademisch",
        _I,
    )
)

_AUSBILDUNG = re.compile(
    r"ausbildung|berufsausbildung|gesell|meister(?:in|brief|prüfung)?\b|techniker|fachwirt|examen|examiniert|"
    r"kaufmann|kauffrau|fachkraft|facharbeiter",
    _I,
)
_NONE = re.compile(
    r"ohne\s+(?:berufs)?ausbildung|keine\s+(?:abgeschlossene\s+)?ausbildung\s+(?:nötig|erforderlich|notwendig)|"
    r"ungelernt|angelernt|keine\s+vorkenntnisse|helfer|aushilfe",
    _I,
)


def education(text: str) -> str:
    """Required education level: "studium", "ausbildung", "keine" or "" (not stated).

    The highest level mentioned wins, since postings list "Studium oder Ausbildung" as alternatives with the
    preferred first; "ohne Ausbildung" outranks everything because it is stated on purpose.
    """
    t = _cap(text)
    if not t:
        return ""
    if _NONE.search(t):
        return "keine"
    if _STUDIUM.search(t):
        return "studium"
    if _AUSBILDUNG.search(t):
        return "ausbildung"
    return ""


# --- skills -------------------------------------------------------------------------------------------------

# canonical name -> regex alternatives (matched case-insensitively with word boundaries unless noted).
# Curated from the skills German postings name most: methods, certificates, software, licences, care.
SKILLS: dict[str, tuple[str, ...]] = {
    # project management and agile
    "Scrum": (r"scrum",),
    "PSM I": (r"psm\s?(?:i|1)", r"professional\s+scrum\s+master\s+(?:i|1)"),
    "PSPO": (r"pspo",),
    "Certified ScrumMaster": (r"csm", r"certified\s+scrum\s?master"),
    "Kanban": (r"kanban",),
    "SAFe": (r"scaled\s+agile", r"safe\s+(?:agilist|spc|framework|zertifizierung)", "SAFe"),
    "PRINCE2": (r"prince\s?2",),
    "PMP": (r"pmp",),
    "IPMA": (r"ipma",),
    "PMI": (r"pmi",),
    "Projektmanagement": (r"projektmanagement", r"project\s+management"),
    "Agile Methoden": (r"agile[nr]?\s+method\w*", r"agiles\s+arbeiten"),
    "Jira": (r"jira",),
    "Confluence": (r"confluence",),
    "MS Project": (r"ms[\s-]project", r"microsoft\s+project"),
    "ITIL": (r"itil(?:\s?v?4)?",),
    "Six Sigma": (r"six\s+sigma", r"lean\s+six\s+sigma"),
    "Lean Management": (r"lean[\s-]management", r"lean\s+production"),
    "ISO 9001": (r"iso\s?9001",),
    "ISO 27001": (r"iso\s?27001", r"iso/iec\s?27001"),
    "COBIT": (r"cobit",),
    "TOGAF": (r"togaf",),
    "Change Management": (r"change[\s-]management",),
    "Requirements Engineering": (r"requirements?[\s-]engineering", r"anforderungsmanagement"),
    "IREB CPRE": (r"ireb", r"cpre"),
    "ISTQB": (r"istqb",),
    # SAP and ERP
    "SAP": (r"sap(?!\s?(?:s/4|fi|co|mm|sd|pp|hcm|hr|bw|basis|abap|ewm|wm|qm|pm|ariba|successfactors))",),
    "SAP S/4HANA": (r"s/4\s?hana", r"s4\s?hana", r"sap\s+s/4"),
    "SAP FI/CO": (r"sap[\s-]fi\s?/\s?co", r"sap[\s-]fico"),
    "SAP FI": (r"sap[\s-]fi(?!\s?/)",),
    "SAP CO": (r"sap[\s-]co",),
    "SAP MM": (r"sap[\s-]mm",),
    "SAP SD": (r"sap[\s-]sd",),
    "SAP PP": (r"sap[\s-]pp",),
    "SAP HCM": (r"sap[\s-]h(?:cm|r)",),
    "SAP BW": (r"sap[\s-]bw",),
    "SAP EWM": (r"sap[\s-]e?wm",),
    "SAP ABAP": (r"abap",),
    "SAP Basis": (r"sap[\s-]basis",),
    "SAP SuccessFactors": (r"successfactors",),
    "DATEV": (r"datev",),
    "Microsoft Dynamics": (r"dynamics\s?(?:365|nav|ax|crm)", r"microsoft\s+dynamics"),
    "Navision": (r"navision",),
    "Salesforce": (r"salesforce",),
    "HubSpot": (r"hubspot",),
    "Lexware": (r"lexware",),
    "Addison": (r"addison",),
    "Personio": (r"personio",),
    # office
    "MS Office": (
        r"ms[\s-]office",
        r"microsoft\s+office",
        r"office[\s-]?(?:365|paket|anwendungen)",
        r"m365",
        r"microsoft\s+365",
    ),
    "Excel": (r"excel",),
    "Word": (r"ms[\s-]word", r"microsoft\s+word", r"word(?=\s*(?:,|und|/)\s*(?:excel|powerpoint|outlook))"),
    "PowerPoint": (r"power\s?point",),
    "Outlook": (r"outlook",),
    "SharePoint": (r"sharepoint",),
    "Microsoft Teams": (r"ms[\s-]teams", r"microsoft\s+teams"),
    "Power BI": (r"power\s?bi",),
    "Tableau": (r"tableau",),
    "Qlik": (r"qlik\s?(?:sense|view)?",),
    "VBA": (r"vba",),
    # programming
    "Python": (r"python",),
    "Java": (r"java(?![\s-]?script)",),
    "JavaScript": (r"javascript", r"java\s+script"),
    "TypeScript": (r"typescript",),
    "C#": (r"c#", r"c\s?sharp"),
    "C++": (r"c\+\+",),
    "C": (r"(?<![\w#+])c(?=\s*(?:/|,)\s*c\+\+)", r"programmiersprache\s+c(?![\w#+])"),
    ".NET": (r"\.net(?:\s?core)?", r"dotnet", r"asp\.net"),
    "Go": (r"golang", r"(?<=\s)go(?=\s*(?:,|/)\s*(?:rust|python|java|kotlin))"),
    "Rust": (r"rust(?=\s*(?:,|/|und|oder|\)))",),
    "Kotlin": (r"kotlin",),
    "Swift": (r"swift(?!\s?code)",),
    "PHP": (r"php",),
    "Ruby": (r"ruby(?:\s+on\s+rails)?",),
    "Scala": (r"scala(?![\w])",),
    "R": (
        r"(?<![\w])r(?=\s*(?:,|/|und|oder)\s*(?:python|sas|sql|spss|stata))",
        r"(?:python|sql)\s?(?:,|/|und|oder)\s?r(?![\w])",
    ),
    "MATLAB": (r"matlab",),
    "SAS": ("SAS",),
    "SPSS": (r"spss",),
    "SQL": (r"sql(?![\w])", r"t-sql", r"pl/sql"),
    "PostgreSQL": (r"postgres(?:ql)?",),
    "MySQL": (r"mysql", r"mariadb"),
    "Oracle": (r"oracle",),
    "MongoDB": (r"mongo\s?db",),
    "Microsoft SQL Server": (r"ms[\s-]sql", r"sql\s+server"),
    "HTML/CSS": (r"html5?", r"css3?"),
    "React": (r"react(?:\.js|js)?(?![\w])(?!\s+(?:auf|schnell))",),
    "Angular": (r"angular(?:js)?",),
    "Vue.js": (r"vue(?:\.js|js)?",),
    "Node.js": (r"node(?:\.js|js)",),
    "Spring": (r"spring\s?boot", r"spring\s+framework"),
    "Django": (r"django",),
    "Flask": (r"flask",),
    "Bash": (r"bash", r"shell[\s-]scripting"),
    "PowerShell": (r"powershell",),
    "Git": (r"git(?!hub|lab)(?![\w])",),
    "GitHub": (r"github",),
    "GitLab": (r"gitlab",),
    "CI/CD": (r"ci\s?/\s?cd", r"continuous\s+integration"),
    "Jenkins": (r"jenkins",),
    "REST API": (r"rest(?:ful)?[\s-]?(?:apis?|schnittstellen|services)",),
    "Microservices": (r"micro[\s-]?services",),
    "Machine Learning": (r"machine\s+learning", r"maschinelles\s+lernen"),
    "Deep Learning": (r"deep\s+learning",),
    "TensorFlow": (r"tensorflow",),
    "PyTorch": (r"pytorch",),
    "Pandas": (r"pandas",),
    "Spark": (r"apache\s+spark", r"pyspark", r"spark(?=\s*(?:,|/|und))"),
    "Kafka": (r"kafka",),
    "Hadoop": (r"hadoop",),
    "Databricks": (r"databricks",),
    "Snowflake": (r"snowflake",),
    "dbt": (r"dbt(?![\w])",),
    "Airflow": (r"airflow",),
    "ETL": (r"etl(?![\w])",),
    "Data Warehouse": (r"data\s?warehous\w*", r"dwh"),
    "LLM": (r"llms?(?![\w])", r"large\s+language\s+models?"),
    # cloud and ops
    "AWS": (r"aws", r"amazon\s+web\s+services"),
    "Azure": (r"azure",),
    "Google Cloud": (r"gcp", r"google\s+cloud"),
    "Docker": (r"docker",),
    "Kubernetes": (r"kubernetes", r"k8s"),
    "OpenShift": (r"openshift",),
    "Terraform": (r"terraform",),
    "Ansible": (r"ansible",),
    "Linux": (r"linux", r"ubuntu", r"debian", r"red\s?hat", r"rhel"),
    "Windows Server": (r"windows[\s-]server",),
    "Active Directory": (r"active\s+directory", r"entra\s+id"),
    "VMware": (r"vmware", r"vsphere"),
    "Citrix": (r"citrix",),
    "Netzwerktechnik": (r"netzwerktechnik", r"tcp/ip", r"lan/wan"),
    "Cisco": (r"cisco", r"ccna", r"ccnp"),
    "Firewall": (r"firewall\w*",),
    "IT-Sicherheit": (r"it[\s-]sicherheit", r"informationssicherheit", r"cyber[\s-]?security"),
    "SIEM": (r"siem",),
    "DevOps": (r"devops",),
    "Monitoring": (r"prometheus", r"grafana", r"nagios", r"zabbix"),
    "ServiceNow": (r"servicenow",),
    # engineering, CAD, automation
    "AutoCAD": (r"autocad",),
    "SolidWorks": (r"solidworks",),
    "CATIA": (r"catia",),
    "Siemens NX": (r"siemens\s+nx", r"unigraphics"),
    "Inventor": (r"autodesk\s+inventor", r"inventor(?=\s*(?:,|/|und))"),
    "Revit": (r"revit",),
    "BIM": (r"bim(?![\w])",),
    "CAD": (r"cad(?![\w])", r"cad-\w+"),
    "SPS": (r"sps(?![\w])", r"sps-programmierung", r"speicherprogrammierbare"),
    "Siemens S7": (r"simatic", r"s7(?:-\d{3,4})?(?![\w])", r"step\s?7", r"tia[\s-]portal"),
    "CNC": (r"cnc",),
    "Heidenhain": (r"heidenhain",),
    "Schweißen": (r"schweiß\w*", r"schweiss\w*", r"wig[\s-]", r"mag[\s-]schwei"),
    "Elektrofachkraft": (r"elektrofachkraft", r"efkft"),
    "Hydraulik": (r"hydraulik",),
    "Pneumatik": (r"pneumatik",),
    "FMEA": (r"fmea",),
    "HOAI": (r"hoai",),
    "VOB": (r"vob(?:/[abc])?",),
    "GAEB": (r"gaeb",),
    "AVA": (r"ava(?![\w])",),
    "Photovoltaik": (r"photovoltaik", r"pv-anlagen"),
    "Wärmepumpen": (r"wärmepumpe\w*",),
    "SHK": (r"shk(?![\w])", r"sanitär[\s-]?,?\s*heizung"),
    # driving and logistics licences
    "Führerschein Klasse B": (
        r"führerschein\s+(?:der\s+)?klasse\s+b(?![\w])",
        r"fs\s+kl\.?\s?b(?![\w])",
        r"führerschein\s+b(?![\w])",
        r"pkw-führerschein",
        r"klasse\s+b(?![\w])",
    ),
    "Führerschein Klasse C": (r"klasse\s+c(?![\w])", r"führerschein\s+c(?![\w])"),
    "Führerschein Klasse CE": (
        r"klasse\s+c\s?e(?![\w])",
        r"führerschein\s+c\s?e(?![\w])",
        r"\bce-führerschein",
        r"lkw-führerschein\s+(?:klasse\s+)?ce",
    ),
    "Führerschein Klasse C1": (r"klasse\s+c1(?:e)?(?![\w])",),
    "Führerschein Klasse D": (r"klasse\s+d(?:1|e)?(?![\w])", r"busführerschein"),
    "Berufskraftfahrer-Qualifikation": (
        r"\bbkrfqg",
        r"modul\s?95",
        r"code\s?95",
        r"eu-fahrerkarte",
        r"fahrerkarte",
    ),
    "ADR-Schein": (r"adr[\s-]?(?:schein|bescheinigung|zertifikat)", r"gefahrgutschein"),
    "Staplerschein": (
        r"staplerschein",
        r"gabelstaplerschein",
        r"flurförderzeug\w*",
        r"stapler[\s-]?führerschein",
        r"staplerfahrer\w*",
    ),
    "Kranschein": (r"kranschein", r"kranführerschein"),
    "Hubarbeitsbühne": (r"hubarbeitsbühne\w*", r"hubsteiger"),
    "Lagerverwaltungssystem": (r"lagerverwaltungssystem\w*", r"\blvs\b"),
    "Zollabwicklung": (r"zollabwicklung", r"atlas-zoll", r"zollanmeldung"),
    # care, health, education
    "Examen Pflege": (
        r"examinierte?r?\s+(?:pflege|alten|kranken|gesundheits)\w*",
        r"pflegefachm[aä]n+\w*",
        r"pflegefachfrau\w*",
        r"pflegefachkraft\w*",
        r"examen\s+(?:in\s+der\s+)?(?:pflege|gesundheits|kranken|alten)\w*",
        r"staatlich\s+anerkannte?r?\s+pflege\w*",
    ),
    "Pflegehelfer": (r"pflegehelfer\w*", r"pflegeassist\w*"),
    "Praxisanleitung": (r"praxisanleit\w*",),
    "Wundmanagement": (r"wundmanag\w*", r"wundexpert\w*"),
    "Intensivpflege": (r"intensivpflege", r"fachweiterbildung\s+intensiv\w*"),
    "Erste Hilfe": (r"erste[\s-]hilfe", r"ersthelfer\w*"),
    "Hygienebeauftragte": (r"hygienebeauftragt\w*",),
    "MFA": (r"medizinische[rn]?\s+fachangestellte", r"\bmfa(?![\w])"),
    "ZFA": (r"zahnmedizinische[rn]?\s+fachangestellte", r"\bzfa(?![\w])"),
    "Approbation": (r"approbation",),
    "Staatlich anerkannte Erzieher": (
        r"staatlich\s+anerkannte?r?\s+erzieher\w*",
        r"erzieher(?:in|innen)?(?![\w])",
    ),
    "Sozialpädagogik": (r"sozialpädagog\w*", r"soziale\s+arbeit"),
    "Heilerziehungspflege": (r"heilerziehungspfleg\w*",),
    "Lehramt": (r"lehramt\w*", r"lehrbefähigung"),
    "Ausbildereignung (AEVO)": (r"aevo", r"ausbildereignung\w*", r"ada-schein"),
    "HACCP": (r"haccp",),
    "Gesundheitszeugnis": (
        r"gesundheitszeugnis",
        r"belehrung\s+nach\s+§\s?43\s+ifsg",
        r"infektionsschutzbelehrung",
    ),
    # business, finance, HR
    "Buchhaltung": (r"buchhaltung", r"finanzbuchhaltung", r"kreditorenbuchhaltung", r"debitorenbuchhaltung"),
    "Bilanzbuchhalter": (r"bilanzbuchhalter\w*",),
    "Steuerfachangestellte": (r"steuerfachangestellte\w*",),
    "HGB": (r"hgb(?![\w])",),
    "IFRS": (r"ifrs",),
    "Controlling": (r"controlling",),
    "Lohnabrechnung": (r"lohnabrechnung\w*", r"entgeltabrechnung\w*", r"gehaltsabrechnung\w*", r"payroll"),
    "Arbeitsrecht": (r"arbeitsrecht\w*",),
    "Vergaberecht": (r"vergaberecht\w*", r"vgv(?![\w])", r"uvgo"),
    "Verwaltungsfachangestellte": (
        r"verwaltungsfachangestellte\w*",
        r"verwaltungsfachwirt\w*",
        r"angestelltenlehrgang\s+ii?",
        r"al\s?ii?(?![\w])",
    ),
    "CRM": (r"crm(?![\w])",),
    "SEO": (r"seo(?![\w])", r"suchmaschinenoptimierung"),
    "SEA": (r"sea(?![\w])", r"google\s+ads"),
    "Google Analytics": (r"google\s+analytics",),
    "Social Media": (r"social[\s-]media",),
    "Content Management": (r"content[\s-]management", r"\bcms\b", r"wordpress", r"typo3"),
    "Adobe Creative Cloud": (
        r"adobe\s+creative\s+(?:cloud|suite)",
        r"photoshop",
        r"indesign",
        r"illustrator",
    ),
    "Figma": (r"figma",),
    "UX/UI": (r"ux(?:/ui)?(?![\w])", r"user\s+experience"),
    "Einkauf": (r"strategische[rn]?\s+einkauf", r"beschaffung\w*"),
    "Vertrieb": (r"vertrieb\w*", r"\bsales\b"),
    "Key Account Management": (r"key[\s-]account\w*",),
    "Datenschutz (DSGVO)": (r"dsgvo", r"datenschutz\w*", r"gdpr"),
    # languages
    "Deutsch": (
        r"deutschkenntnisse",
        r"deutsch\s+(?:in\s+wort\s+und\s+schrift|\(?c1|\(?c2|\(?b2|fließend|verhandlungssicher)",
        r"sehr\s+gute[n]?\s+deutsch\w*",
    ),
    "Englisch": (
        r"englischkenntnisse",
        r"englisch\s+(?:in\s+wort\s+und\s+schrift|\(?c1|\(?c2|\(?b2|fließend|verhandlungssicher)",
        r"gute[n]?\s+englisch\w*",
        r"sehr\s+gute[n]?\s+englisch\w*",
        r"business[\s-]englisch",
        r"englisch(?=\s*(?:,|und|/)\s*deutsch)",
    ),
    "Französisch": (r"französisch\w*",),
    "Spanisch": (r"spanisch\w*",),
    "Polnisch": (r"polnisch\w*",),
    "Türkisch": (r"türkisch\w*",),
    "Niederländisch": (r"niederländisch\w*",),
}
# Trade, care, education, logistics, gastronomy and administration skills, appended after the entries above so
# their results and order stay exactly as they were (tests/normalize/test_attributes.py pins this).
SKILLS.update({name: alts for name, alts in MORE_SKILLS.items() if name not in SKILLS})


@cache
def _skill_patterns() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    """(name, compiled pattern, case_sensitive) per skill; a name can have one of each kind."""
    out = []
    for name, alts in SKILLS.items():
        # Case-sensitive short acronyms ("SAFe", "SAS") are listed literally and matched on the original text.
        cs = tuple(x for x in alts if x.isalpha() and any(c.isupper() for c in x))
        ci = tuple(x for x in alts if x not in cs)
        if ci:
            out.append((name, re.compile(rf"(?<![\w-])(?:{'|'.join(ci)})(?![\w])"), False))
        if cs:
            out.append((name, re.compile(rf"(?<![\w-])(?:{'|'.join(cs)})(?![\w])"), True))
    return tuple(out)


# --- skill matcher ------------------------------------------------------------------------------------------
#
# Every skill pattern starts with `(?<![\w-])`, which stops `re` from using its fast literal-prefix scan: a plain
# `search` costs ~15 ns per character and pattern. Instead each pattern is only *tried* (`match` at a position)
# where one of its literal prefixes occurs at the start of a word. A match can only start at such a position, so
# the result is exactly that of `pattern.search(text)`: the prefixes are read off the parsed pattern and are
# necessary, never guessed. The words of the text are split once and looked up in a cache word -> prefixes it
# starts with, so only the few prefixes that occur are searched for.

_WORDS = re.compile(r"\w+")  # maximal runs: every word start a skill can match at
_WORD_CHAR = re.compile(r"\w")
_LEADING_WORD = re.compile(r"\w*")


@dataclass(frozen=True, slots=True)
class _Probe:
    entry: int  # index into _skill_patterns()
    word: str  # leading word characters of the prefix: a word of the text must start with them
    at: re.Pattern[str]  # finds the prefix where a word starts
    # The prefix goes on after `word` with punctuation ("e-learning", "g 26"): the text's word there is then
    # exactly `word`, so only that word triggers the probe, not every word starting with "e".
    exact: bool


@dataclass(frozen=True, slots=True)
class _SkillIndex:
    probes: tuple[_Probe, ...]  # prefixes starting with a word character (lower-cased text)
    by_start: dict[str, tuple[int, ...]]  # first 1-3 chars of _Probe.word -> probe numbers
    non_word: tuple[tuple[int, str], ...]  # (entry, prefix) for prefixes starting with punctuation (".net")
    always: tuple[int, ...]  # entries without a usable prefix: searched in full
    case_sensitive: tuple[tuple[int, tuple[str, ...]], ...]  # (entry, prefixes) run on the original text


def _word_start(prefix: str) -> re.Pattern[str]:
    # Prefix first (so re scans for it at C speed), then look back over it for the word boundary.
    esc = re.escape(prefix)
    return re.compile(rf"{esc}(?<![\w-]{esc})")


@cache
def _skill_index() -> _SkillIndex:
    probes: list[_Probe] = []
    by_start: dict[str, list[int]] = {}
    non_word: list[tuple[int, str]] = []
    always: list[int] = []
    case_sensitive: list[tuple[int, tuple[str, ...]]] = []
    for j, (_name, pat, cs) in enumerate(_skill_patterns()):
        prefixes = pattern_prefixes(pat)
        if "" in prefixes:
            always.append(j)
        elif cs:
            case_sensitive.append((j, tuple(sorted(prefixes))))
        else:
            for prefix in sorted(prefixes):
                if not _WORD_CHAR.match(prefix):
                    non_word.append((j, prefix))
                    continue
                word = _LEADING_WORD.match(prefix).group(0)  # type: ignore[union-attr]
                by_start.setdefault(word[:3], []).append(len(probes))
                probes.append(_Probe(j, word, _word_start(prefix), len(word) < len(prefix)))
    return _SkillIndex(
        tuple(probes),
        {k: tuple(v) for k, v in by_start.items()},
        tuple(non_word),
        tuple(always),
        tuple(case_sensitive),
    )


# word -> probes whose word part it starts with. Words repeat across postings, so after a few hundred postings
# nearly every word is known; words without probes go to a set that removes them in one C-level difference.
# Both are plain caches of a pure function of the word (bounded, cleared when full).
_WORD_PROBES: dict[str, tuple[int, ...]] = {}
_NO_PROBES: set[str] = set()
_CACHE_MAX = 200_000


def _probes_of(word: str, index: _SkillIndex) -> tuple[int, ...]:
    out: list[int] = []
    for k in range(1, min(3, len(word)) + 1):
        for n in index.by_start.get(word[:k], ()):
            probe = index.probes[n]
            if word == probe.word if probe.exact else word.startswith(probe.word):
                out.append(n)
    return tuple(out)


def _matches_at(pat: re.Pattern[str], finder: re.Pattern[str], text: str) -> bool:
    # search() from one past each hit rather than finditer(): prefixes with spaces could overlap themselves
    m = finder.search(text)
    while m is not None:
        if pat.match(text, m.start()):
            return True
        m = finder.search(text, m.start() + 1)
    return False


def skills(text: str) -> tuple[str, ...]:
    """Canonical skill/certificate names found in the text, in vocabulary order, word-boundary aware."""
    if not text or not isinstance(text, str):
        return ()
    original = text[:MAX_CHARS]
    t = _cap(text)
    patterns = _skill_patterns()
    index = _skill_index()
    hit: set[int] = {j for j in index.always if patterns[j][1].search(t)}
    if len(_NO_PROBES) + len(_WORD_PROBES) > _CACHE_MAX:
        _NO_PROBES.clear()
        _WORD_PROBES.clear()
    tried: set[int] = set()
    for word in set(_WORDS.findall(t)) - _NO_PROBES:
        found_probes = _WORD_PROBES.get(word)
        if found_probes is None:
            found_probes = _probes_of(word, index)
            if found_probes:
                _WORD_PROBES[word] = found_probes
            else:
                _NO_PROBES.add(word)
                continue
        for n in found_probes:
            probe = index.probes[n]
            if n in tried or probe.entry in hit:
                continue
            tried.add(n)
            if _matches_at(patterns[probe.entry][1], probe.at, t):
                hit.add(probe.entry)
    for j, prefix in index.non_word:
        if j not in hit and prefix in t and patterns[j][1].search(t):
            hit.add(j)
    for j, prefixes in index.case_sensitive:
        if any(p in original for p in prefixes) and patterns[j][1].search(original):
            hit.add(j)
    found: list[str] = []
    for j in sorted(hit):
        name = patterns[j][0]
        if name not in found:
            found.append(name)
    if "SAP" in found and any(s.startswith("SAP ") for s in found):
        found.remove("SAP")  # the specific module says more than the generic mention
    if "SAP FI" in found and "SAP FI/CO" in found:
        found.remove("SAP FI")
    return tuple(found)
