"""Staff screens of the plans app. Thin: they translate HTTP into selectors and services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from doingoai.core import permissions

from . import calendar, imports, reports, selectors, services
from .forms import ImportUploadForm, ProgressForm, ReportCreateForm, UpdateForm
from .models import CalendarFeed, Plan, Report, Task, UpdateAttachment


def _error_text(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def overview(request, pk=None):
    plan = get_object_or_404(Plan, pk=pk) if pk else selectors.current_plan()
    if plan is None:
        return TemplateResponse(request, "plans/no_plan.html", {"page_title": _("Kế hoạch")})
    tasks = selectors.visible_tasks(request.user, plan)
    rows = selectors.rows(tasks, user=request.user)
    chart = {
        "tasks": {"labels": [f"NV {r.task.no}" for r in rows], "values": [r.task.progress for r in rows]},
        "units": [{"unit": name, "progress": value, "tasks": n} for name, value, n in selectors.progress_by_unit(plan)],
    }
    return TemplateResponse(request, "plans/overview.html", {
        "plan": plan, "rows": rows, "chart": chart,
        "page_title": _("Theo dõi kế hoạch"), "can_report": reports.can_compile(request.user, plan),
        "plans": Plan.objects.all()[:10],
    })


def my_unit(request):
    plan = selectors.current_plan()
    rows = selectors.rows(selectors.my_unit_tasks(request.user, plan), user=request.user) if plan else []
    memberships = request.user.memberships.select_related("unit")
    return TemplateResponse(request, "plans/my_unit.html", {
        "plan": plan, "rows": rows, "memberships": memberships, "page_title": _("Việc của đơn vị tôi"),
    })


def task_detail(request, pk):
    task = get_object_or_404(Task.objects.select_related("plan", "lead_unit"), pk=pk)
    if not services.can_view_task(request.user, task):
        raise PermissionDenied
    units = services.units_that_can_update(request.user, task)
    update_form = UpdateForm(units=units, initial={"date": timezone.localdate()})
    progress_form = ProgressForm(initial={"status": task.status, "progress": task.progress})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "progress":
                progress_form = ProgressForm(request.POST)
                if progress_form.is_valid():
                    services.set_progress(task, request.user, **progress_form.cleaned_data)
                    messages.success(request, _("Đã cập nhật trạng thái và tiến độ."))
                    return redirect(task.get_absolute_url())
            elif action == "update":
                update_form = UpdateForm(request.POST, request.FILES, units=units)
                if update_form.is_valid():
                    data = update_form.cleaned_data
                    services.add_update(task, request.user, unit=data["unit"], text=data["text"], day=data["date"],
                                        figures=data["figures"], files=data["files"], links=data["links"])
                    messages.success(request, _("Đã ghi nhận kết quả thực hiện."))
                    return redirect(task.get_absolute_url())
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
    return TemplateResponse(request, "plans/task.html", {
        "task": task, "history": selectors.history(task), "update_form": update_form, "progress_form": progress_form,
        "can_update": bool(units), "can_set_progress": services.can_set_progress(request.user, task),
        "page_title": _("Nhiệm vụ %(no)s") % {"no": task.no},
    })


# --- import ---------------------------------------------------------------------------------

def import_plan(request):
    if not services.can_import(request.user):
        raise PermissionDenied
    form = ImportUploadForm()
    if request.method == "POST" and "file" in request.FILES:
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                pending = imports.start(form.cleaned_data["file"], request.user)
            except imports.ImportFailed as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("plans_import_review", token=pending.token)
    return TemplateResponse(request, "plans/import_upload.html", {"form": form, "page_title": _("Nhập kế hoạch")})


def import_review(request, token):
    pending = imports.load(token, request.user)
    if pending is None:
        messages.error(request, _("Phiên nhập kế hoạch đã hết hạn hoặc không tồn tại. Xin tải tệp lên lại."))
        return redirect("plans_import")
    errors = []
    if request.method == "POST":
        try:
            plan = imports.confirm(pending, request.POST, request.user, update=request.POST.get("update") == "1")
        except services.DuplicatePlanError as exc:
            errors.append(str(exc))
        except (ValidationError, imports.ImportFailed) as exc:
            errors.append(_error_text(exc))
        else:
            messages.success(request, _("Đã lưu %(plan)s với %(n)s nhiệm vụ.") % {"plan": plan, "n": plan.tasks.count()})
            return redirect(plan.get_absolute_url())
    return TemplateResponse(request, "plans/import_review.html", {
        "pending": pending, "data": pending.data, "units": imports.unit_choices(), "errors": errors,
        "duplicate": imports.existing_plan(pending.data), "page_title": _("Kiểm tra kế hoạch đã đọc"),
    })


# --- reports --------------------------------------------------------------------------------

def report_list(request):
    plan = selectors.current_plan()
    form = ReportCreateForm(request.POST or None)
    if request.method == "POST" and plan is not None and form.is_valid():
        try:
            report = reports.compile_report(plan, request.user, kind=form.cleaned_data["kind"],
                                            start=form.cleaned_data["period_start"], end=form.cleaned_data["period_end"])
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            return redirect(report.get_absolute_url())
    return TemplateResponse(request, "plans/reports.html", {
        "plan": plan, "reports": Report.objects.select_related("plan")[:100], "form": form,
        "can_compile": plan is not None and reports.can_compile(request.user, plan), "page_title": _("Báo cáo định kỳ"),
    })


def report_detail(request, pk):
    report = get_object_or_404(Report.objects.select_related("plan"), pk=pk)
    if not (reports.can_compile(request.user, report.plan) or permissions.is_leader(request.user)):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("action") == "issue":
                report = reports.issue(report, request.user)
                messages.success(request, _("Đã ban hành báo cáo số %(number)s.") % {"number": report.number})
            else:
                sections = [
                    {"heading": h, "text": t}
                    for h, t in zip(request.POST.getlist("heading"), request.POST.getlist("text"), strict=False)
                ]
                reports.update_draft(
                    report, request.user, title=request.POST.get("title", report.title).strip() or report.title,
                    sections=sections,
                    recipients=[r.strip() for r in request.POST.get("recipients", "").splitlines() if r.strip()],
                    signer_mode=request.POST.get("signer_mode", ""), signer_authority=request.POST.get("signer_authority", ""),
                    signer_title=request.POST.get("signer_title", ""), signer_name=request.POST.get("signer_name", ""),
                )
                messages.success(request, _("Đã lưu dự thảo."))
            return redirect(report.get_absolute_url())
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
    return TemplateResponse(request, "plans/report.html", {
        "report": report, "can_issue": reports.can_issue(request.user, report.plan),
        "recipients_text": "\n".join(report.recipients), "page_title": str(report),
        "signer_modes": Report._meta.get_field("signer_mode").choices,
    })


def report_file(request, pk, fmt):
    report = get_object_or_404(Report.objects.select_related("plan"), pk=pk)
    if not (reports.can_compile(request.user, report.plan) or permissions.is_leader(request.user)):
        raise PermissionDenied
    if not report.is_issued:
        reports.render_files(report.pk)  # a draft is rendered afresh each time
        report.refresh_from_db()
    field = {"docx": report.docx, "pdf": report.pdf}.get(fmt)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=fmt == "docx", filename=field.name.rsplit("/", 1)[-1])


# --- calendar -------------------------------------------------------------------------------

def _year(request) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


def calendar_view(request):
    year = _year(request)
    entries = calendar.entries(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    feeds = [(m.unit, calendar.feed_for(m.unit)) for m in request.user.memberships.select_related("unit")]
    return TemplateResponse(request, "plans/calendar.html", {
        "year": year, "entries": entries, "feeds": feeds, "page_title": _("Lịch sự kiện và hạn nhiệm vụ"),
    })


def ical_feed(request, token):
    feed = get_object_or_404(CalendarFeed.objects.select_related("unit"), token=token)
    year = _year(request)
    body = calendar.ical(feed.unit, year, base_url=request.build_absolute_uri("/")[:-1])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="ke-hoach-{feed.unit.code.lower()}.ics"'
    return response



def attachment(request, pk):
    item = get_object_or_404(UpdateAttachment.objects.select_related("update__task"), pk=pk)
    if not services.can_view_task(request.user, item.update.task):
        raise PermissionDenied
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
