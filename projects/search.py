"""The folded text the public index searches, and its one- and two-character grams."""

import unicodedata

# The searched fields of a project, then its organisation's name and reading. Rows keep what
# the host typed; `Project.search_text` keeps these folded, so one LIKE finds every form.
SEARCHED_PROJECT_FIELDS = ("title", "summary", "vision", "intern_role", "location")
SEARCHED_ORGANIZATION_FIELDS = ("name", "name_kana")

# Fields are joined with a line break: a search term never holds white space (the query is
# split on it), so a term cannot match across the end of one field and the start of the next.
SEPARATOR = "\n"


def fold(text: str) -> str:
    """NFKC, then lower case: ＩＴ, ｉｔ and IT become "it", ｶﾌｪ becomes カフェ.

    Applied to the stored text and to every term alike, so matching no longer depends on the
    database's case folding (SQLite folds ASCII only, PostgreSQL's UPPER all of Unicode).
    """
    return unicodedata.normalize("NFKC", text or "").lower()


def project_search_text(
    *, organization_name: str = "", organization_name_kana: str = "", **fields
) -> str:
    """The folded text of a project's searched fields and its organisation's names.

    `fields` are the project's SEARCHED_PROJECT_FIELDS by name (a missing one counts as empty);
    seed_scale calls this with plain row values, Project.save() with its own attributes.
    """
    parts = [fields.get(name) or "" for name in SEARCHED_PROJECT_FIELDS]
    parts += [organization_name or "", organization_name_kana or ""]
    return SEPARATOR.join(fold(part) for part in parts)


def search_grams(text: str) -> str:
    """Every character and every pair of neighbouring characters of `text`'s words, each
    between spaces: " 光 観 観光 " for "観光".

    A trigram index cannot serve LIKE '%観光%' (a two-character pattern has no trigram), and
    one- and two-character terms are common in Japanese. A term of two characters or fewer
    occurs in the text exactly when it is one of these grams, and LIKE '% 観光 %' on this
    column is a whole word to pg_trgm, which its trigram index does serve (pg_bigm's idea,
    without the extension).
    """
    grams: set[str] = set()
    for word in text.split():
        grams.update(word)
        grams.update(word[i : i + 2] for i in range(len(word) - 1))
    return f" {' '.join(sorted(grams))} " if grams else ""
