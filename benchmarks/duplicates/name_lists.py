"""Built-in lists generate_people.py draws from: given and family names,
nicknames, email domains, company words and legal forms.

Each list is in rank order (most frequent first); generate_people.py weights
them Zipf-like by rank, so "Hansen" and "Anne" are common and the tail is
rare, as in a Norwegian customer base. Nothing here is random: the lists are
data, and the order of every list is part of the generator's output (changing
a list changes the files a seed makes).
"""

# Given names seen in Norway: Norwegian first, then Nordic and European ones
# (accents kept), then English ones, many of which have a nickname below.
GIVEN_NAMES = (
    # Norwegian, most common first (a mix of women's and men's names).
    "Anne", "Jan", "Inger", "Per", "Kari", "Bjørn", "Marit", "Ole", "Ingrid",
    "Lars", "Liv", "Kjell", "Eva", "Knut", "Berit", "Arne", "Astrid", "Svein",
    "Bjørg", "Thomas", "Hilde", "Hans", "Anna", "Geir", "Solveig", "Tor",
    "Marianne", "Morten", "Randi", "Terje", "Ida", "Odd", "Nina", "Erik",
    "Maria", "Martin", "Elisabeth", "Andreas", "Kristin", "Rune", "Bente",
    "Trond", "Heidi", "Anders", "Silje", "Tore", "Hanne", "Jon", "Gro",
    "Harald", "Ellen", "Kristian", "Turid", "Stein", "Camilla", "Øyvind",
    "Tone", "Espen", "Wenche", "Jørgen", "Gunn", "Nils", "Else", "Eirik",
    "Mona", "Magnus", "Line", "Frode", "Ragnhild", "Gunnar", "Torill",
    "Daniel", "Sissel", "Christian", "Grete", "Marius", "Laila", "Jonas",
    "Julie", "Kjetil", "Nora", "Helge", "Emma", "Rolf", "Sofie", "Steinar",
    "Ingeborg", "Leif", "Thea", "Einar", "Sara", "Ivar", "Maja", "Petter",
    "Åse", "Henrik", "Sølvi", "Alexander", "Kjersti", "Sindre", "Synnøve",
    "Fredrik", "Tuva", "Håkon", "Vilde", "Sander", "Hege", "Mathias",
    "Gunhild", "Emil", "Aud", "Tobias", "Unni", "Sigurd", "Sigrid", "Even",
    "Guro", "Vegard", "Siri", "Ståle", "Mette", "Arild", "Trine", "Johannes",
    "Anne-Lise", "Kristoffer", "Anne-Marie", "Kåre", "Mari-Ann", "Sverre",
    "Ingvild", "Torbjørn", "Karoline", "Asbjørn", "Marte", "Halvor", "Tiril",
    "Audun", "Oda", "Bård", "Ragna", "Sigmund", "Eline", "Ragnar", "Hedda",
    "Aksel", "Frida", "Oskar", "Amalie", "Filip", "Signe", "Jakob", "Åshild",
    "Lukas", "Helene", "Olav", "Ane", "Hans-Petter", "Birgitte", "Jan-Erik",
    "Borghild", "Per-Olav", "Dagny", "Karl-Johan", "Herdis", "Øystein",
    "Torunn", "Ørjan", "Gudrun", "Jørn", "Målfrid", "Pål", "Brynhild",
    "Endre", "Kirsti", "Eivind", "Idunn", "Gaute", "Sunniva", "Njål", "Tora",
    "Torstein", "Ylva", "Vidar", "Åsne", "Yngve", "Eldbjørg",
    # Swedish, Danish, Finnish, German, French, Polish and others.
    "Björn", "Åsa", "Göran", "Märta", "Søren", "Jens", "Niels", "Mikkel",
    "Jürgen", "Günther", "Jörg", "Ursula", "Sébastien", "André", "René",
    "Frédéric", "Hélène", "Céline", "Amélie", "Émile", "Noémie", "François",
    "Zoë", "José", "María", "João", "Łukasz", "Paweł", "Agnieszka",
    "Małgorzata", "Piotr", "Katarzyna", "Tomasz", "Mohammed", "Ahmed",
    "Fatima", "Ali", "Hassan", "Amir", "Aisha", "Mehmet", "Ayşe", "Juha",
    "Päivi", "Jyrki", "Sinéad", "Siobhán", "Seán", "Raphaël", "Loïc",
    # English; most have a nickname in NICKNAMES.
    "Robert", "William", "Elizabeth", "Katherine", "Catherine", "James",
    "Michael", "Richard", "Margaret", "Jennifer", "Christopher", "Joseph",
    "Matthew", "Anthony", "Steven", "Edward", "Andrew", "Patricia", "Susan",
    "Deborah", "Rebecca", "Jonathan", "Nicholas", "Benjamin", "Samuel",
    "Timothy", "Charles", "Frederick", "Lawrence", "Gregory", "Jacqueline",
    "Victoria", "Christina", "Kimberly", "Theodore", "Ronald", "Donald",
    "Kenneth", "Peter", "Philip", "Raymond", "Gerald", "Douglas", "Abigail",
    "Samantha", "Jessica", "Judith", "Dorothy", "Barbara", "Eleanor",
    "Josephine", "Harold", "Henry", "Albert", "Stephanie", "Nathaniel",
    "Zachary", "Vincent", "Jeffrey", "Cynthia", "Pamela", "Alfred", "Emily",
    "Oliver", "Charlotte", "George", "Sophie", "Jack", "Lucy",
)

# Common English nicknames: given name -> the nicknames it is written as.
# The generator uses one of them for a duplicate's "nickname" variation.
NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Betsy"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Catherine": ("Cathy", "Cate"),
    "James": ("Jim", "Jimmy"),
    "Michael": ("Mike", "Mick"),
    "Thomas": ("Tom", "Tommy"),
    "Richard": ("Dick", "Rick", "Richie"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Jennifer": ("Jenny", "Jen"),
    "Christopher": ("Chris",),
    "Christian": ("Chris",),
    "Joseph": ("Joe", "Joey"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Steven": ("Steve",),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Andrew": ("Andy", "Drew"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Debbie", "Deb"),
    "Rebecca": ("Becky",),
    "Jonathan": ("Jon", "Johnny"),
    "Nicholas": ("Nick",),
    "Alexander": ("Alex", "Sasha"),
    "Benjamin": ("Ben",),
    "Samuel": ("Sam",),
    "Timothy": ("Tim",),
    "Charles": ("Charlie", "Chuck"),
    "Frederick": ("Fred", "Freddie"),
    "Fredrik": ("Fred",),
    "Lawrence": ("Larry",),
    "Gregory": ("Greg",),
    "Jacqueline": ("Jackie",),
    "Victoria": ("Vicky", "Tori"),
    "Christina": ("Tina", "Chris"),
    "Kimberly": ("Kim",),
    "Theodore": ("Ted", "Teddy", "Theo"),
    "Ronald": ("Ron", "Ronnie"),
    "Donald": ("Don", "Donnie"),
    "Kenneth": ("Ken", "Kenny"),
    "Peter": ("Pete",),
    "Philip": ("Phil",),
    "Raymond": ("Ray",),
    "Gerald": ("Jerry", "Gerry"),
    "Douglas": ("Doug",),
    "Abigail": ("Abby",),
    "Samantha": ("Sam",),
    "Jessica": ("Jess", "Jessie"),
    "Judith": ("Judy",),
    "Dorothy": ("Dot", "Dottie"),
    "Barbara": ("Barb", "Babs"),
    "Eleanor": ("Ellie", "Nell"),
    "Josephine": ("Josie", "Jo"),
    "Harold": ("Harry", "Hal"),
    "Henry": ("Harry", "Hank"),
    "Albert": ("Al", "Bert"),
    "Stephanie": ("Steph",),
    "Nathaniel": ("Nate", "Nat"),
    "Zachary": ("Zach",),
    "Vincent": ("Vince",),
    "Jeffrey": ("Jeff",),
    "Cynthia": ("Cindy",),
    "Pamela": ("Pam",),
    "Alfred": ("Alf", "Fred"),
}

# The most common Norwegian family names, in order, then Swedish, Danish,
# German, French, Polish, English and others found in a Norwegian register.
COMMON_FAMILY_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen",
    "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen",
    "Dahl", "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen",
    "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken",
    "Kristoffersen", "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen",
    "Ali", "Lunde", "Solheim", "Berge", "Moe", "Nygård", "Bakke", "Kristensen",
    "Fredriksen", "Holm", "Lien", "Hauge", "Christensen", "Andresen",
    "Nielsen", "Knudsen", "Evensen", "Sæther", "Aas", "Myhre", "Hanssen",
    "Ahmed", "Haugland", "Thomassen", "Sivertsen", "Simonsen", "Danielsen",
    "Berntsen", "Sandvik", "Rønning", "Arnesen", "Antonsen", "Næss", "Vik",
    "Haug", "Ellingsen", "Thorsen", "Edvardsen", "Birkeland", "Isaksen",
    "Gulbrandsen", "Ruud", "Aasen", "Strøm", "Myklebust", "Tangen", "Ødegård",
    "Eliassen", "Helland", "Bøe", "Jenssen", "Aune", "Mikkelsen", "Tveit",
    "Brekke", "Abrahamsen", "Madsen", "Hoel", "Engen", "Lorentzen", "Steen",
    "Bjerke", "Sunde", "Nordby", "Jensen-Berg", "Hovland", "Ødegaard",
    "Aasland", "Vold", "Røed", "Wold", "Fjeld", "Kvam", "Sørlie", "Bråten",
    "Østby", "Hovde", "Kleven", "Løken", "Tønnessen", "Ottesen", "Husby",
    "Våge", "Grønli", "Lønning", "Skaar", "Sæle", "Haugen-Olsen", "Øien",
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",
    "Olsson", "Persson", "Svensson", "Gustafsson", "Lindqvist", "Sjöberg",
    "Åberg", "Öberg", "Lindström", "Bäckström", "Højgaard", "Mølgaard",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
    "Becker", "Schäfer", "Köhler", "Krüger", "Schröder", "Dubois", "Lefèvre",
    "Moreau", "Girard", "Mercier", "Benoît", "Rossi", "Russo", "Ferrari",
    "García", "Martínez", "López", "González", "Fernández", "Pereira",
    "Gonçalves", "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński",
    "Lewandowski", "Zieliński", "Szymański", "Smith", "Jones", "Taylor",
    "Brown", "Williams", "Wilson", "O'Brien", "McDonald", "Khan", "Hussain",
    "Mohammed", "Yilmaz", "Öztürk", "Tran", "Le", "Pham", "Virtanen",
    "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Novák", "Dvořák",
    "Horváth", "Kovačević", "Petrović", "Popescu", "Ivanov", "Smirnova",
)

# Farm-name parts: family names made of a prefix and a suffix (Sandvik,
# Bergheim, Østrem, ...), the long tail of a Norwegian register.
FARM_PREFIXES = (
    "Aa", "Al", "Bak", "Berg", "Bjør", "Bred", "Bø", "Dal", "Eng", "Fjell",
    "Flat", "Foss", "Grøn", "Gran", "Ham", "Hol", "Haug", "Hov", "Kval",
    "Kvit", "Lang", "Lille", "Lund", "Li", "Mo", "Myk", "Nord", "Ny", "Øst",
    "Ren", "Rød", "Rø", "Sand", "Skog", "Sol", "Stor", "Strand", "Sæ", "Sør",
    "Tveit", "Vest", "Vik", "Åk", "Ås", "Elv", "Furu", "Gjerde", "Heg",
    "Kirke", "Kleiv", "Mel", "Nes", "Rise", "Skar", "Stein", "Sund", "Tor",
    "Vass", "Ulv", "Ørn",
)
FARM_SUFFIXES = (
    "vik", "dal", "berg", "heim", "lund", "stad", "land", "rud", "haug",
    "bakken", "nes", "set", "li", "gård", "voll", "hus", "bø", "mo", "eng",
    "strand", "øy", "rem", "seth", "vold", "tun", "myr", "ås", "bekk",
    "sæter", "holt", "stø", "fjord", "sveen", "aker", "stue", "bråten",
    "lien", "moen", "haugen", "rønning",
)

# Email providers of private addresses, by share. The first five deliver
# sub-addresses (local+tag) to the same mailbox, and Gmail also ignores dots
# in the local part: a duplicate keeping its address writes it in such an
# equivalent form (see generate_people.py, "email_alias").
PRIVATE_DOMAINS = (
    ("gmail.com", 34), ("hotmail.com", 12), ("outlook.com", 8),
    ("icloud.com", 6), ("live.com", 2), ("online.no", 9), ("yahoo.no", 5),
    ("yahoo.com", 4), ("getmail.no", 3), ("broadpark.no", 2),
    ("c2i.net", 2), ("frisurf.no", 2), ("start.no", 2), ("me.com", 2),
    ("gmx.de", 1), ("mail.com", 1), ("lyse.net", 2), ("altibox.no", 3),
)
# Gmail's dots are not significant; these deliver local+tag to local.
DOT_INSENSITIVE_DOMAINS = ("gmail.com",)
SUBADDRESS_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com",
                      "icloud.com", "live.com")
SUBADDRESS_TAGS = ("crm", "news", "nyhetsbrev", "shop", "post", "kunde",
                   "web", "jobb", "2023", "2024", "tilbud", "reg")

# Company names: a name word (a family or place name, or a coined word) and
# a trade, then a legal form.
COMPANY_WORDS = (
    "Nordlys", "Fjordkraft", "Havblikk", "Solstrand", "Fjellheim", "Nordvik",
    "Vestkyst", "Østlandet", "Midtnorsk", "Polar", "Aurora", "Bris",
    "Kystlinje", "Trollheimen", "Nordkapp", "Varde", "Fosse", "Bølge", "Skjær",
    "Lofoten", "Hardanger", "Sunnmøre", "Romsdal", "Telemark", "Agder",
    "Viken", "Ryfylke", "Jæren", "Valdres", "Hallingdal", "Gudbrand", "Namdal",
    "Helgeland", "Salten", "Senja", "Finnmark", "Sogn", "Nordfjord", "Oslo",
    "Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø", "Ålesund", "Drammen",
    "Kristiansand", "Fredrikstad", "Hamar", "Gjøvik", "Lillehammer", "Molde",
    "Acme", "Nova", "Vega", "Orion", "Atlas", "Fenix", "Zenit", "Alfa",
)
COMPANY_TRADES = (
    "Bygg", "Elektro", "Data", "Consulting", "Regnskap", "Transport",
    "Eiendom", "Rør", "Maskin", "Marine", "Fisk", "Invest", "Holding",
    "Media", "Design", "Auto", "Bil", "Maling", "Snekkerverksted", "Handel",
    "Import", "Sjømat", "Energi", "Solutions", "Technology", "Systems",
    "Partners", "Gruppen", "Service", "Entreprenør", "Frisør", "Blomster",
    "Bakeri", "Kafé", "Catering", "Reklame", "Arkitekter", "Revisjon",
    "Logistikk", "Tannklinikk", "Eiendomsmegling", "Regnskapsbyrå", "IT",
    "Montasje", "Anlegg", "Utleie", "Sikkerhet", "Helse", "Trafikkskole",
    "Interiør", "Optikk", "Dykk", "Båt", "Landbruk", "Gartneri", "Tre",
    "Stål", "Betong", "Ventilasjon", "Kjøling",
)
# Legal forms by share, with the other ways a person types them. "" is a
# company written without its form.
LEGAL_FORMS = (
    ("AS", 78, ("AS", "A/S", "as", "A.S.", "")),
    ("ASA", 2, ("ASA", "asa", "")),
    ("ANS", 5, ("ANS", "ans", "")),
    ("DA", 2, ("DA", "")),
    ("AB", 3, ("AB", "Aktiebolag", "")),
    ("ApS", 2, ("ApS", "APS", "")),
    ("GmbH", 3, ("GmbH", "GMBH", "")),
    ("Ltd", 3, ("Ltd", "Ltd.", "Limited", "")),
    ("Oy", 2, ("Oy", "OY", "")),
)
