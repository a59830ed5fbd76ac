from django.shortcuts import get_object_or_404, render

from .models import Municipality


def municipality_list(request):
    return render(
        request,
        "municipalities/municipality_list.html",
        {"municipalities": Municipality.objects.all()[:50]},
    )


def municipality_detail(request, ags):
    municipality = get_object_or_404(Municipality, ags=ags)
    return render(request, "municipalities/municipality_detail.html", {"municipality": municipality})
