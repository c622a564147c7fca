"""Value generators for people: names (non-ASCII too), emails, usernames, handles.

A :class:`Person` keeps one person's name, email and username consistent
inside a file, so that an author named in the header can reappear later in
the code (where LABELING.md makes the later mention the plain category).
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# (first, last) pools. Latin names with and without accents; non-Latin names
# carry a romanisation used for their email and username.
FIRST_NAMES = (
    "James Mary Robert Patricia Michael Jennifer David Linda William Elizabeth Richard Susan Joseph Jessica "
    "Thomas Sarah Christopher Karen Daniel Nancy Matthew Lisa Anthony Margaret Mark Sandra Steven Ashley "
    "Andrew Kimberly Paul Emily Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda Timothy Melissa "
    "Ronald Deborah Jason Stephanie Ryan Rebecca Jacob Laura Gary Helen Nicholas Sharon Eric Cynthia "
    "Priya Rahul Ananya Arjun Wei Mei Hiroshi Yuki Kenji Sakura Olga Dmitri Ivan Natasha Ahmed Fatima "
    "Omar Layla Mateo Sofia Lucas Valentina Hugo Chloe Lars Ingrid Sven Astrid Kwame Amara Chidi Ngozi "
    "Tariq Aisha Diego Camila Pieter Anouk Niamh Cillian Tomasz Agnieszka Giulia Marco Bartosz Raphael "
    "Rohan Deepa Minh Linh Jae Seo-yeon Kai Leilani Gustavo Beatriz Anders Freya Emeka Zainab Florian"
).split()
FIRST_NAMES_ACCENTED = (
    "José Zoë Björn François Łukasz Søren Renée Zoltán Ólafur Jürgen Mónica Ágnes Ågot Inês Çağla "
    "Gökhan Noémie Andrés Héctor Jérôme Małgorzata Ľubomír Tomáš Eléonore Sébastien Jiří Åsa Núria Raúl"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson "
    "Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker "
    "Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell "
    "Patel Sharma Iyer Reddy Chen Wang Zhang Liu Tanaka Suzuki Watanabe Kim Park Choi Ivanov Petrov "
    "Kowalski Nowak Novak Horvat Jansen Bakker Visser Johansson Lindqvist Hansen Nielsen Okafor Mensah "
    "Abubakar Haddad Khalil Rossi Bianchi Ferrari Moreau Dubois Lambert Schmidt Fischer Weber Wagner "
    "O'Brien McAllister Fitzgerald Kaminski Oyelaran Castellanos Vasquez Whitfield Ashworth Delacroix"
).split()
LAST_NAMES_ACCENTED = (
    "Müller Gómez Löwis Núñez Øvergaard Strøm Żółkiewski Gonçalves Sánchez Dvořáková Ibáñez Bäcker "
    "Lefèvre Pérez Ångström Kovács Jiménez Çelik Yılmaz Wóźniak Šimůnek Þórsson Brontë Gauß Fernández"
).split()
# (display name, romanised first, romanised last)
NON_LATIN_NAMES = (
    ("王伟", "wei", "wang"), ("李娜", "na", "li"), ("张敏", "min", "zhang"), ("陈静", "jing", "chen"),
    ("田中 太郎", "taro", "tanaka"), ("佐藤 花子", "hanako", "sato"), ("김민준", "minjun", "kim"),
    ("Дмитрий Иванов", "dmitry", "ivanov"), ("Ольга Смирнова", "olga", "smirnova"),
    ("Γιώργος Παπαδόπουλος", "giorgos", "papadopoulos"), ("Νίκος Κωνσταντίνου", "nikos", "konstantinou"),
    ("Алексей Кузнецов", "alexey", "kuznetsov"), ("Nguyễn Văn An", "an", "nguyen"),
    ("Trần Thị Hương", "huong", "tran"), ("محمد علي", "mohammed", "ali"),
)
NAME_PARTICLES = ("van", "de", "von", "da", "van der", "de la", "del", "bin", "ter")

# Obvious placeholders: *_EXAMPLE (LABELING.md).
EXAMPLE_NAMES = (
    "John Doe", "Jane Doe", "Jane Smith", "John Smith", "Joe Bloggs", "Max Mustermann", "Erika Mustermann",
    "John Q. Public", "Foo Bar", "Alice", "Bob", "Carol", "Dave", "Eve", "Mallory", "Alice Smith", "Bob Jones",
)
EXAMPLE_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "foo.com", "test.com", "domain.com", "email.com")
EXAMPLE_USERNAMES = ("admin", "root", "user", "test", "foo", "username", "testuser", "alice", "bob", "demo", "jdoe", "user1")

FREE_MAIL = (
    "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "protonmail.com", "fastmail.fm", "gmx.de",
    "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "icloud.com", "hey.com", "posteo.de", "free.fr",
    "libero.it", "naver.com", "seznam.cz", "o2.pl",
)
ORG_WORDS = (
    "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "cyberdyne", "tyrell",
    "nimbus", "bluefin", "redwood", "quantex", "lumina", "orbital", "northwind", "contoso", "fabrikam",
    "zenith", "ironclad", "silverline", "kestrel", "polaris", "meridian", "copperleaf", "brightwave",
)
ORG_SUFFIXES = ("", "corp", "labs", "tech", "soft", "io", "systems", "data", "cloud", "net", "hq", "group")
TLDS = ("com", "io", "net", "org", "de", "co.uk", "fr", "nl", "dev", "ai", "ch", "se", "jp", "com.br", "in", "pl")
HANDLE_WORDS = (
    "pixel", "byte", "ninja", "wizard", "hacker", "coder", "panda", "fox", "wolf", "owl", "rust", "lambda",
    "kernel", "shadow", "quantum", "spark", "nova", "echo", "vector", "zen", "cobalt", "maple", "delta",
)


def ascii_fold(text: str) -> str:
    """``Łukasz Żółć`` -> ``Lukasz Zolc`` (for emails and usernames built from names)."""
    special = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "þ": "th", "Þ": "Th", "ı": "i", "đ": "d", "æ": "ae"}
    text = "".join(special.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@dataclass(frozen=True)
class Person:
    name: str  # display name as written in code
    first: str  # ASCII, lower case
    last: str  # ASCII, lower case
    email: str
    username: str
    handle: str  # a forge handle without the leading @


def person_name(rng: random.Random) -> tuple[str, str, str]:
    """(display name, ascii first, ascii last); ~25% non-ASCII."""
    roll = rng.random()
    if roll < 0.08:
        display, first, last = rng.choice(NON_LATIN_NAMES)
        return display, first, last
    first = rng.choice(FIRST_NAMES_ACCENTED if roll < 0.17 else FIRST_NAMES)
    last = rng.choice(LAST_NAMES_ACCENTED if rng.random() < 0.15 else LAST_NAMES)
    if rng.random() < 0.06:
        last = f"{rng.choice(NAME_PARTICLES)} {last}"
    if rng.random() < 0.05:
        first = f"{first}-{rng.choice(FIRST_NAMES)}"
    display = f"{first} {last}"
    if rng.random() < 0.08:
        display = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
    a_first = ascii_fold(first).lower().replace(" ", "").replace("'", "")
    a_last = ascii_fold(last).lower().replace(" ", "").replace("'", "")
    return display, a_first, a_last


def org_domain(rng: random.Random) -> str:
    word = rng.choice(ORG_WORDS) + rng.choice(ORG_SUFFIXES)
    if rng.random() < 0.15:
        return f"{rng.choice(('cs', 'math', 'eng', 'physics', 'dept'))}.{word}.edu"
    if rng.random() < 0.2:
        return f"{rng.choice(('mail', 'dev', 'eu', 'us', 'research'))}.{word}.{rng.choice(TLDS)}"
    return f"{word}.{rng.choice(TLDS)}"


def email_local(rng: random.Random, first: str, last: str) -> str:
    forms = (
        f"{first}.{last}", f"{first[0]}{last}", f"{first}", f"{first}_{last}", f"{last}.{first}",
        f"{first}{last}{rng.randint(1, 99)}", f"{first[0]}.{last}", f"{last}{first[0]}", f"{first}{rng.randint(70, 2005)}",
    )
    return rng.choice(forms)


def email_for(rng: random.Random, first: str, last: str) -> str:
    domain = rng.choice(FREE_MAIL) if rng.random() < 0.45 else org_domain(rng)
    local = email_local(rng, first, last)
    if rng.random() < 0.06:  # some people write their address capitalised
        local = ".".join(part.capitalize() for part in local.split("."))
    if rng.random() < 0.05:
        local += f"+{rng.choice(('github', 'lists', 'dev', 'spam'))}"
    return f"{local}@{domain}"


def username_for(rng: random.Random, first: str, last: str) -> str:
    forms = (
        f"{first[0]}{last}", f"{first}{last[0]}", f"{first}_{last}", f"{first}.{last}", f"{last}{rng.randint(1, 99)}",
        f"{first}{rng.randint(1, 9999)}", f"{first[:3]}{last[:3]}", f"{first}-{last}", f"{last}{first[0]}",
    )
    return rng.choice(forms)


def handle_for(rng: random.Random, first: str, last: str) -> str:
    if rng.random() < 0.5:
        return username_for(rng, first, last).replace(".", "")
    word = rng.choice(HANDLE_WORDS)
    forms = (f"{first}{word}", f"{word}{last}", f"{word}-{first}", f"{first}-{word}{rng.randint(1, 99)}", f"the{first}")
    return rng.choice(forms)


def make_person(rng: random.Random) -> Person:
    display, first, last = person_name(rng)
    return Person(
        name=display,
        first=first,
        last=last,
        email=email_for(rng, first, last),
        username=username_for(rng, first, last),
        handle=handle_for(rng, first, last),
    )


def example_name(rng: random.Random) -> str:
    return rng.choice(EXAMPLE_NAMES)


def example_email(rng: random.Random) -> str:
    local = rng.choice(("user", "john.doe", "jane", "foo", "test", "someone", "me", "admin", "alice", "bob", "you", "name"))
    return f"{local}@{rng.choice(EXAMPLE_EMAIL_DOMAINS)}"


def example_username(rng: random.Random) -> str:
    return rng.choice(EXAMPLE_USERNAMES)


def service_email(rng: random.Random) -> str:
    """An address that identifies no person (a hard negative)."""
    return rng.choice(
        (
            "noreply@github.com", "notifications@github.com", "no-reply@accounts.google.com",
            "support@" + org_domain(rng), "noreply@" + org_domain(rng), "security@" + org_domain(rng),
            "postmaster@localhost", "mailer-daemon@googlemail.com",
        )
    )
