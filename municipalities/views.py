"""The public register of municipalities: list with search and filters, and a detail page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .forms import MunicipalityFilterForm

PAGE_SIZE = 50


def municipality_list(request: HttpRequest) -> HttpResponse:
    form = MunicipalityFilterForm(request.GET or None, kreise=selectors.register_kreise())
    municipalities = form.filter(selectors.register_municipalities()).alphabetical()
    page = Paginator(municipalities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "municipalities/municipality_list.html",
        {
            "form": form,
            "page_obj": page,
            "municipalities": page.object_list,
            "source": _source(page.object_list),
        },
    )


def municipality_detail(request: HttpRequest, ags: str) -> HttpResponse:
    municipality = selectors.municipality_get(ags=ags)
    return render(
        request,
        "municipalities/municipality_detail.html",
        {"municipality": municipality, "source": _source([municipality])},
    )


def _source(municipalities) -> dict:
    """The edition shown, for the attribution under the data (from the rows already loaded)."""
    territory_dates = {m.territory_date for m in municipalities if m.territory_date}
    population_dates = {m.population_date for m in municipalities}
    return {
        "territory_date": max(territory_dates) if territory_dates else None,
        "population_date": population_dates.pop() if len(population_dates) == 1 else None,
    }
