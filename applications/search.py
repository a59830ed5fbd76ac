"""The stored search vector of an application (``Application.search_vector``): what the RP
overview's search reads, through a GIN index, instead of computing ``to_tsvector`` for every
row of the round on every request.

This module is the one place that writes the vector. It holds the application's title and
reference, the name of the lead municipality, the names of the partners that have not
declined, and the answers to the long text questions of its question set (issue 14).
Whoever changes that text refreshes the vectors of the applications concerned:

- the services: ``application_create``, ``application_update_section`` (title, answers),
  ``application_transition`` (the reference at submission), ``partner_add``,
  ``partner_remove`` and ``partner_respond``: each after its write, in its transaction;
- a municipality renamed: ``applications.apps`` connects ``municipality_names_changed`` (see
  there why a signal and not a trigger);
- code that writes rows directly (test factories, benchmark seeds) calls
  ``search_vectors_refresh`` itself.

To add text, add its fields to ``SEARCHED_FIELDS`` (the own fields whose save refreshes the
vector) and to ``_vector``, and fill existing rows with a data migration (as
``0019_strategy_question_sets`` did for the answers).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Replace

from applications.models import Application, ApplicationPartner, PartnerStatus
from municipalities.models import Municipality
from questionnaires.models import Question, QuestionType

# German stemming for the words (as the search before the stored vector had).
SEARCH_CONFIG = "german"
# The same text once more, word for word: the German configuration drops stop words, and some
# begin a place name ("Weiter", which a search for Weiterstadt starts with).
LITERAL_CONFIG = "simple"
# The application's own fields in the vector: saving one of them refreshes it.
SEARCHED_FIELDS = frozenset({"title", "reference", "answers", "question_set"})


def _vector() -> CombinedExpression:
    """The vector of the application of the row being updated (correlated subqueries, as an
    UPDATE cannot join). Every text goes in twice: as German text (stemmed), and word for word
    under the ``simple`` configuration, which keeps what the German one drops: stop words that
    begin a name (``Weiter``stadt) and the parts of the reference (its hyphens as spaces; the
    German configuration drops a prefix such as ``WIR`` and reads ``-0042`` as a signed
    number). ``search_query`` asks both for every word."""
    lead_name = Subquery(
        Municipality.objects.filter(pk=OuterRef("lead_municipality_id")).values("name")[:1]
    )
    partner_names = Subquery(
        ApplicationPartner.objects.filter(application=OuterRef("pk"))
        .exclude(status=PartnerStatus.DECLINED)
        .order_by()
        .values("application")
        .annotate(names=StringAgg("municipality__name", " ", order_by="municipality__name"))
        .values("names")[:1],
        output_field=TextField(),
    )
    long_answers = _long_answers()
    return SearchVector(
        "title", "reference", lead_name, partner_names, long_answers, config=SEARCH_CONFIG
    ) + SearchVector(
        "title",
        lead_name,
        partner_names,
        Replace("reference", Value("-"), Value(" ")),
        long_answers,
        config=LITERAL_CONFIG,
    )


def _long_answers() -> Subquery:
    """The answers of the application's long text questions (``answers ->> key`` for each
    long text question of its question set version), in the order of the form."""
    answer_text = Func(
        OuterRef("answers"),
        F("key"),
        arg_joiner=" ->> ",
        template="(%(expressions)s)",
        output_field=TextField(),
    )
    return Subquery(
        Question.objects.filter(
            question_set=OuterRef("question_set_id"), type=QuestionType.LONG_TEXT
        )
        .order_by()
        .values("question_set")
        .annotate(text=StringAgg(answer_text, " ", order_by=("section__position", "position")))
        .values("text")[:1],
        output_field=TextField(),
    )


def search_vectors_refresh(application_ids: Iterable[int] | QuerySet) -> int:
    """Recompute the stored vectors of these applications in one UPDATE; ``application_ids``
    may be a queryset of ids (it becomes a subquery). Returns the number of rows updated."""
    if not isinstance(application_ids, QuerySet):
        application_ids = sorted(set(application_ids))
        if not application_ids:
            return 0
    return Application.objects.filter(pk__in=application_ids).update(search_vector=_vector())


def search_vectors_refresh_for_municipalities(municipality_ids: Iterable[int]) -> int:
    """After municipalities were renamed: the applications they lead or are partners of
    (declined ones too, which costs nothing and keeps the rule in ``_vector``)."""
    ids = sorted(set(municipality_ids))
    if not ids:
        return 0
    as_partner = ApplicationPartner.objects.filter(municipality_id__in=ids).values("application_id")
    return search_vectors_refresh(
        Application.objects.filter(Q(lead_municipality_id__in=ids) | Q(pk__in=as_partner))
        .order_by()
        .values("pk")
    )


def search_vectors_affected(fields: Iterable[str]) -> bool:
    """Whether saving these fields of an application changes its vector."""
    return not SEARCHED_FIELDS.isdisjoint(fields)


def search_query(tokens: Sequence[str]) -> SearchQuery | None:
    """Every token as a prefix that must match, stemmed (German) or word for word: ``heppen``
    finds Heppenheim, ``weiter`` Weiterstadt. Tokens are letters and digits only, so nothing
    else reaches PostgreSQL's tsquery syntax."""
    words = [
        SearchQuery(f"{token}:*", search_type="raw", config=SEARCH_CONFIG)
        | SearchQuery(f"{token}:*", search_type="raw", config=LITERAL_CONFIG)
        for token in tokens
    ]
    return reduce(operator.and_, words) if words else None


def search_filter(query: SearchQuery) -> Q:
    """Applications whose stored vector matches ``query`` (``@@``, served by the GIN index)."""
    return Q(search_vector=query)


# Municipalities renamed -------------------------------------------------------------------------
# municipalities sits below applications and must not import it, so applications listens
# (connected in ``ApplicationsConfig.ready``). A signal rather than a PostgreSQL trigger: the
# vector stays defined in one Python function (``_vector``, which issue 14 extends), where a
# trigger would need a second definition in SQL and a migration for each change of it. The
# register changes names only through its import (``municipalities_import``, ``bulk_update``:
# no ``post_save``), which sends ``municipality_names_changed``; ``post_save`` covers saving a
# single municipality (shell, admin). A name changed by raw SQL or ``QuerySet.update`` is not
# seen: refresh with ``search_vectors_refresh_for_municipalities`` then.
def on_municipality_names_changed(sender, municipality_ids, **kwargs) -> None:
    search_vectors_refresh_for_municipalities(municipality_ids)


def on_municipality_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created or kwargs.get("raw") or (update_fields is not None and "name" not in update_fields):
        return  # nothing refers to a new municipality; fixtures refresh nothing
    search_vectors_refresh_for_municipalities([instance.pk])
