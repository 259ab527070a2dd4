"""The Import page (editors and admins): pick the source, upload, see the preview with the mappings
and the per-row report, change the mappings, confirm (thin: services and sources do the work).

Steps: "upload" (a file: kept for a day by accord.core.uploads, previewed as a dry run), "preview"
(the same upload again with edited mappings), "import" (the real run, all or nothing).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accord.core.errors import ServiceError
from accord.core.importfiles import DATE_FORMATS, DECIMALS, ENCODINGS
from accord.core.tabular import ImportFailed, RowError
from accord.core.uploads import keep, upload_path
from accord.roadmaps.models import Roadmap
from accord.workspaces.web import workspace_page

from . import engine, selectors, services
from .models import ImportSource, ImportTarget
from .sources import common, table

UPLOADS = "imports"
OPTION_KEYS = ("source", "target", "roadmap_id", "lists_as", "encoding", "decimal", "date_format")


def _options(post) -> tuple[str, services.Options]:
    roadmap = post.get("roadmap_id", "")
    options = services.Options(
        target=post.get("target", ImportTarget.IDEA),
        status_map={k[7:]: v for k, v in post.items() if k.startswith("status:") and v},
        mapping={k[4:]: v for k, v in post.items() if k.startswith("map_") and v},
        roadmap_id=int(roadmap) if roadmap.isdigit() and len(roadmap) < 18 else None,
        lists_as=post.get("lists_as", ""),
        include_archived=bool(post.get("include_archived")),
        encoding=post.get("encoding") or "auto",
        decimal=post.get("decimal") or "point",
        date_format=post.get("date_format") or "iso",
    )
    return post.get("source", ""), options


@workspace_page("import.run")
@require_http_methods(["GET", "POST"])
def imports_page(request: HttpRequest, member) -> HttpResponse:
    context: dict = {
        "sources": ImportSource.choices,
        "targets": ImportTarget.choices,
        "allowed": {s.value: [t.value for t in ts] for s, ts in services.TARGETS.items()},
        "roadmaps": Roadmap.objects.filter(workspace=member.workspace).exclude(kind="portfolio").only("pk", "name"),
        "file_options": {"encodings": ENCODINGS, "decimals": DECIMALS, "date_formats": DATE_FORMATS},
        "chosen": {k: request.POST.get(k, "") for k in OPTION_KEYS} | {"include_archived": request.POST.get("include_archived")},
    }  # fmt: skip
    status = 200
    if request.method == "POST":
        status = _post(request, member, context)
    context["runs"] = selectors.recent_runs(workspace=member.workspace, limit=10)  # with this one
    return render(request, "imports/page.html", context, status=status)


def _post(request: HttpRequest, member, context: dict) -> int:
    step = request.POST.get("step", "upload")
    source, options = _options(request.POST)
    context["mapping"] = options.mapping
    try:
        if step == "upload":
            upload = request.FILES.get("file")
            if upload is None:
                raise ImportFailed([RowError(0, "file", "Choose the file to import.")])
            data = upload.read(common.MAX_BYTES + 1)
            common.check_size(data)
            filename = upload.name[:200]
            upload_id = keep(UPLOADS, member, data)
        else:
            upload_id, filename = (
                request.POST.get("upload_id", ""),
                request.POST.get("filename", "")[:200],
            )
            path = upload_path(UPLOADS, member, upload_id)
            if not path.exists():
                raise ImportFailed(
                    [RowError(0, "file", "The upload expired; choose the file again.")]
                )
            data = path.read_bytes()
        context.update(upload_id=upload_id, filename=filename)
        if source == ImportSource.CSV:
            sheet = table.read(data, filename, options.encoding)
            context.update(
                columns=sheet.headers,
                sample=sheet.sample(5),
                fields=table.fields_for(options.target),
            )
        report = services.run_import(
            member=member,
            source=source,
            data=data,
            filename=filename,
            options=options,
            dry_run=step != "import",
        )
    except ImportFailed as exc:
        context["failed"] = exc
        return 422
    except services.ImportRefused as exc:
        report, status = exc.report, 422
        context["refused"] = True
    except ServiceError as exc:
        context["failed"] = ImportFailed(
            [RowError(0, e.field, e.message) for e in exc.errors] or [RowError(0, "", exc.detail)]
        )
        return 422
    else:
        status = 200
        if not report.dry_run:
            upload_path(UPLOADS, member, upload_id).unlink(missing_ok=True)
            c = report.counts
            messages.success(
                request,
                f"Imported: {c['created']} created, {c['updated']} updated, {c['skipped']} skipped.",
            )
    context.update(
        report=report, mapping=options.mapping, status_choices=engine.STATUSES[options.target]
    )
    return status
