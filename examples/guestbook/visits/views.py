from django.shortcuts import render

from visits.models import Visit


def index(request):
    visit = Visit.objects.create(user_agent=request.headers.get("User-Agent", "")[:200])
    return render(request, "visits/index.html", {
        "visit": visit,
        "recent": Visit.objects.all()[:10],
        "total": Visit.objects.count(),
    })
