"""The interface text of the dashboard: one declared table, Persian first, and ``t(key, lang)``.

Layouts never hold user-facing literals; they call ``t``. Data (agency, pillar and indicator names)
comes with its own ``name_fa`` / ``name_en`` from the store and the catalogue and is not repeated here.
A test checks that every key has non-empty Persian and English text and the same placeholders in both.
"""

from __future__ import annotations

from typing import Literal, cast

Lang = Literal["fa", "en"]
LANGS: tuple[Lang, ...] = ("fa", "en")
DEFAULT_LANG: Lang = "fa"

TEXT: dict[str, dict[Lang, str]] = {
    # --- the shell ----------------------------------------------------------------------------------------
    "product.name": {"fa": "کارنامه دولت الکترونیک", "en": "E-government scorecard"},
    "product.tagline": {
        "fa": "پایش دستگاه‌های اجرایی استان در برنامه پنجم توسعه",
        "en": "Monitoring provincial agencies under the Fifth Development Plan",
    },
    "lang.fa": {"fa": "فارسی", "en": "فارسی"},
    "lang.en": {"fa": "English", "en": "English"},
    "lang.switch": {"fa": "زبان", "en": "Language"},
    "nav.label": {"fa": "صفحه‌ها", "en": "Pages"},
    "nav.toggle": {"fa": "نمایش یا پنهان کردن فهرست صفحه‌ها", "en": "Show or hide the page list"},
    "page.home": {"fa": "خانه", "en": "Home"},
    "page.methodology": {"fa": "روش‌شناسی", "en": "Methodology"},
    "page.reporting": {"fa": "وضعیت گزارش‌دهی", "en": "Reporting"},
    "page.upload": {"fa": "بارگذاری گزارش", "en": "Upload a report"},
    "page.not_found": {"fa": "صفحه پیدا نشد", "en": "Page not found"},
    "not_found.body": {
        "fa": "نشانی این صفحه درست نیست. از فهرست صفحه‌ها یکی را برگزینید.",
        "en": "This address does not match a page. Choose one from the page list.",
    },
    # --- accounts -----------------------------------------------------------------------------------------
    "login.title": {"fa": "ورود به کارنامه دولت الکترونیک", "en": "Sign in to the e-government scorecard"},
    "login.name": {"fa": "نام کاربری", "en": "User name"},
    "login.password": {"fa": "گذرواژه", "en": "Password"},
    "login.submit": {"fa": "ورود", "en": "Sign in"},
    "login.wrong": {"fa": "نام کاربری یا گذرواژه درست نیست.", "en": "The user name or password is not right."},
    "login.paused": {
        "fa": "تلاش‌های ناموفق زیاد بود؛ {minutes} دقیقه دیگر دوباره امتحان کنید.",
        "en": "Too many failed attempts; try again in {minutes} minutes.",
    },
    "shell.sign_out": {"fa": "خروج", "en": "Sign out"},
    "auth.sign_in_first": {"fa": "ابتدا وارد شوید", "en": "sign in first"},
    "auth.not_permitted": {"fa": "اجازه این کار را ندارید", "en": "not permitted"},
    "auth.stale_form": {
        "fa": "فرم کهنه شده است؛ صفحه را دوباره بارگیری کنید",
        "en": "the form is out of date; reload the page",
    },
    "shell.signed_in_as": {"fa": "کاربر: {name} ({role})", "en": "Signed in: {name} ({role})"},
    "role.admin": {"fa": "مدیر سامانه", "en": "administrator"},
    "role.governor": {"fa": "استانداری", "en": "governor's office"},
    "role.it_director": {"fa": "مدیر فناوری اطلاعات دستگاه", "en": "agency IT director"},
    "role.analyst": {"fa": "تحلیلگر", "en": "analyst"},
    "page.review": {"fa": "بررسی گزارش‌ها", "en": "Review"},
    "page.audit": {"fa": "رویدادنامه", "en": "Audit log"},
    "review.intro": {
        "fa": "گزارش‌های در انتظار بررسی استان شما. تأییدشده‌ها در امتیازها حساب می‌شوند؛ برگشتی‌ها با توضیح به دستگاه بازمی‌گردند.",
        "en": "Your province's submissions waiting for review. Approved ones count in the scores; returned ones go back to the agency with your comment.",
    },
    "review.pick": {"fa": "گزارش در انتظار بررسی", "en": "Submission waiting for review"},
    "review.pick_first": {"fa": "ابتدا یک گزارش را برگزینید.", "en": "Choose a submission first."},
    "review.comment": {"fa": "توضیح (برای برگشت لازم است)", "en": "Comment (needed to return)"},
    "review.approve": {"fa": "تأیید", "en": "Approve"},
    "review.return": {"fa": "برگشت برای اصلاح", "en": "Return for correction"},
    "review.late": {"fa": "دیرهنگام", "en": "late"},
    "review.refused": {"fa": "انجام نشد: {reason}", "en": "Not done: {reason}"},
    "review.done.approved": {"fa": "گزارش {number} تأیید شد.", "en": "Submission {number} approved."},
    "review.done.returned": {"fa": "گزارش {number} برگشت داده شد.", "en": "Submission {number} returned."},
    "review.status.pending": {"fa": "در انتظار بررسی", "en": "pending"},
    "review.status.approved": {"fa": "تأییدشده", "en": "approved"},
    "review.status.returned": {"fa": "برگشتی", "en": "returned"},
    "review.col.number": {"fa": "شماره", "en": "No."},
    "review.col.agency": {"fa": "دستگاه", "en": "Agency"},
    "review.col.period": {"fa": "دوره", "en": "Period"},
    "review.col.submitted": {"fa": "زمان ارسال", "en": "Submitted"},
    "review.col.by": {"fa": "ارسال‌کننده", "en": "By"},
    "review.col.status": {"fa": "وضعیت", "en": "Status"},
    "scorecard.review_pending": {
        "fa": "گزارش سال {year} این دستگاه در انتظار بررسی استانداری است؛ امتیازها فقط داده‌های تأییدشده را می‌شمارند.",
        "en": "This agency's {year} report is waiting for the governor's office's review; the scores count approved data only.",
    },
    "scorecard.review_returned": {
        "fa": "گزارش سال {year} این دستگاه برای اصلاح برگشت داده شده است: {comment}",
        "en": "This agency's {year} report was returned for correction: {comment}",
    },
    "ranking.include_pending": {
        "fa": "با گزارش‌های در انتظار بررسی",
        "en": "Include submissions waiting for review",
    },
    "ranking.pending_note": {
        "fa": "شامل داده‌های تأییدنشده: {mark} کنار نام دستگاهی است که امتیازش از گزارشِ در انتظار بررسی آمده است.",
        "en": "Includes unapproved data: {mark} follows the name of an agency scored from a submission waiting for review.",
    },
    "review.col.review": {"fa": "بررسی استانداری", "en": "Review"},
    "review.col.reviewer": {"fa": "بررسی‌کننده", "en": "Reviewer"},
    "review.col.comment": {"fa": "توضیح", "en": "Comment"},
    "audit.intro": {
        "fa": "{shown} رویداد آخر؛ خروجی اکسل همه رویدادها را دارد. هیچ رویدادی ویرایش یا حذف نمی‌شود.",
        "en": "The latest {shown} events; the Excel export holds them all. No event is ever edited or deleted.",
    },
    "audit.export": {"fa": "دریافت اکسل رویدادنامه", "en": "Download the audit log (Excel)"},
    "audit.col.when": {"fa": "زمان", "en": "When"},
    "audit.col.what": {"fa": "رویداد", "en": "Event"},
    "audit.col.who": {"fa": "کاربر", "en": "Who"},
    "audit.col.from": {"fa": "از نشانی", "en": "From"},
    "audit.col.agency": {"fa": "دستگاه", "en": "Agency"},
    "audit.col.period": {"fa": "دوره", "en": "Period"},
    "audit.col.submission": {"fa": "گزارش", "en": "Submission"},
    "audit.col.file": {"fa": "پرونده و چکیده", "en": "File and hash"},
    "audit.col.comment": {"fa": "توضیح", "en": "Comment"},
    "store.unavailable": {"fa": "پایگاه داده در دسترس نیست", "en": "The database is not reachable"},
    "store.unavailable_body": {
        "fa": "چیزی از دست نرفته است. چند لحظه دیگر دوباره امتحان کنید؛ اگر ادامه یافت به مدیر سامانه خبر دهید.",
        "en": "Nothing was lost. Try again in a moment; if it goes on, tell the administrator.",
    },
    "store.try_again": {"fa": "دوباره امتحان کنید", "en": "Try again"},
    "page.admin": {"fa": "مدیریت کاربران و مهلت‌ها", "en": "Users and deadlines"},
    "admin.users": {"fa": "کاربران", "en": "Users"},
    "admin.name": {"fa": "نام کاربری", "en": "Sign-in name"},
    "admin.display": {"fa": "نام نمایشی", "en": "Display name"},
    "admin.role": {"fa": "نقش", "en": "Role"},
    "admin.place": {"fa": "کد استان یا دستگاه", "en": "Province or agency code"},
    "admin.add": {"fa": "افزودن کاربر", "en": "Add user"},
    "admin.reset": {"fa": "گذرواژه تازه", "en": "New password"},
    "admin.disable": {"fa": "غیرفعال کردن", "en": "Disable"},
    "admin.help": {
        "fa": "استانداری به کد استان (مثلاً QM) و مدیر فناوری اطلاعات به کد دستگاه بسته است. گذرواژه تازه یک بار نشان داده می‌شود.",
        "en": "A governor's office is tied to a province code (e.g. QM), an IT director to an agency code. A new password is shown once.",
    },
    "admin.name_first": {"fa": "نام کاربری را بنویسید.", "en": "Type the sign-in name first."},
    "admin.not_yourself": {
        "fa": "حساب خودتان را نمی‌توانید غیرفعال کنید.",
        "en": "You cannot disable your own account.",
    },
    "admin.disabled": {"fa": "کاربر {name} غیرفعال شد.", "en": "{name} is disabled."},
    "admin.refused": {"fa": "انجام نشد: {reason}", "en": "Not done: {reason}"},
    "admin.password_once": {
        "fa": "گذرواژه {name} (فقط همین یک بار نشان داده می‌شود؛ به خود کاربر بدهید):",
        "en": "The password of {name} (shown this once only; hand it to the user):",
    },
    "admin.deadlines": {"fa": "مهلت گزارش‌دهی", "en": "Reporting deadlines"},
    "admin.deadline": {"fa": "مهلت (تاریخ شمسی)", "en": "Deadline (Jalali date)"},
    "admin.set_deadline": {"fa": "ثبت مهلت", "en": "Set deadline"},
    "admin.period_first": {"fa": "ابتدا سال را برگزینید.", "en": "Choose the year first."},
    "admin.bad_date": {
        "fa": "تاریخ شمسی به شکل ۱۳۹۵-۰۲-۳۱ لازم است.",
        "en": "A Jalali date like 1395-02-31 is needed.",
    },
    "admin.deadline_set": {"fa": "مهلت سال {period} ثبت شد.", "en": "The deadline of {period} is set."},
    "admin.col.name": {"fa": "نام کاربری", "en": "Name"},
    "admin.col.display": {"fa": "نام نمایشی", "en": "Display name"},
    "admin.col.role": {"fa": "نقش", "en": "Role"},
    "admin.col.place": {"fa": "استان یا دستگاه", "en": "Province or agency"},
    "admin.col.active": {"fa": "فعال", "en": "Active"},
    "admin.col.period": {"fa": "سال", "en": "Year"},
    "admin.col.deadline": {"fa": "مهلت", "en": "Deadline"},
    "admin.yes": {"fa": "بله", "en": "yes"},
    "admin.no": {"fa": "خیر", "en": "no"},
    "forbidden.title": {"fa": "دسترسی مجاز نیست", "en": "Not permitted"},
    "forbidden.body": {
        "fa": "این صفحه یا این دستگاه برای حساب شما باز نیست. اگر فکر می‌کنید باید باشد، با مدیر سامانه تماس بگیرید.",
        "en": "This page or agency is not open to your account. If you think it should be, ask the administrator.",
    },
    "forbidden.sign_in": {"fa": "ابتدا وارد شوید.", "en": "Sign in first."},
    # --- home ---------------------------------------------------------------------------------------------
    "home.intro": {
        "fa": "این سامانه پیشرفت هر دستگاه اجرایی را در محورهای دولت الکترونیک تا هدف سال ۱۳۹۴ نشان می‌دهد.",
        "en": "This product shows each executive agency's progress on the e-government pillars towards the 1394 targets.",
    },
    "home.methodology": {
        "fa": "محورها، شاخص‌ها، فرمول‌ها، وزن‌ها و اهداف",
        "en": "Pillars, indicators, formulas, weights and targets",
    },
    "home.reporting": {
        "fa": "کدام دستگاه برای کدام سال گزارش داده است",
        "en": "Which agencies reported for which year",
    },
    "home.upload": {
        "fa": "دریافت قالب اکسل و بارگذاری گزارش تکمیل‌شده",
        "en": "Download the Excel template and upload the filled report",
    },
    # --- methodology --------------------------------------------------------------------------------------
    "methodology.plan": {
        "fa": "{plan}، سال‌های {first} تا {target}؛ نسخه فهرست شاخص‌ها: {version}",
        "en": "{plan}, years {first} to {target}; catalogue version: {version}",
    },
    "methodology.how": {
        "fa": "نمره هر شاخص فاصله دستگاه تا هدف سال {target} است؛ نمره هر محور میانگین وزنی شاخص‌های آن و"
        " شاخص کل میانگین وزنی محورهاست. دستگاهی که کمتر از {coverage} از اجزای یک محور را گزارش کرده باشد"
        " برای آن محور نمره نمی‌گیرد.",
        "en": "Each indicator is scored by the agency's distance to its {target} target; each pillar is the"
        " weighted mean of its indicators and the index is the weighted mean of the pillars. An agency that"
        " reported less than {coverage} of a pillar's components is not scored on it.",
    },
    "methodology.pillar_weight": {
        "fa": "وزن محور: {weight} ({share} از شاخص کل)",
        "en": "Pillar weight: {weight} ({share} of the index)",
    },
    "methodology.col.indicator": {"fa": "شاخص", "en": "Indicator"},
    "methodology.col.formula": {"fa": "نحوه محاسبه", "en": "How it is computed"},
    "methodology.col.unit": {"fa": "واحد", "en": "Unit"},
    "methodology.col.direction": {"fa": "جهت", "en": "Direction"},
    "methodology.col.weight": {"fa": "وزن در محور", "en": "Weight in pillar"},
    "methodology.col.target": {"fa": "هدف {year}", "en": "{year} target"},
    "direction.up": {"fa": "↑ بیشتر بهتر", "en": "↑ higher is better"},
    "direction.down": {"fa": "↓ کمتر بهتر", "en": "↓ lower is better"},
    "unit.percent": {"fa": "درصد", "en": "percent"},
    "unit.points": {"fa": "امتیاز", "en": "points"},
    "formula.ratio": {
        "fa": "{numerator} تقسیم بر {denominator}، ضرب در {scale}",
        "en": "{numerator} divided by {denominator}, times {scale}",
    },
    "formula.share_of_sum": {
        "fa": "{part} تقسیم بر مجموع {parts}، ضرب در {scale}",
        "en": "{part} divided by the sum of {parts}, times {scale}",
    },
    "formula.boolean": {
        "fa": "اگر {field} بله باشد {scale}، وگرنه صفر",
        "en": "{scale} if {field} is yes, otherwise 0",
    },
    "formula.level_score": {
        "fa": "میانگین امتیاز سطح خدمات ({levels}) روی همه {total}",
        "en": "mean level score ({levels}) over all {total}",
    },
    "formula.choice_score": {
        "fa": "امتیاز گزینه انتخاب‌شده در {field}: {scores}",
        "en": "the score of the option chosen in {field}: {scores}",
    },
    "formula.value": {"fa": "مقدار {field} همان‌گونه که هست", "en": "the value of {field} as it is"},
    "formula.quote": {"fa": "«{name}»", "en": "“{name}”"},
    "list.sep": {"fa": "، ", "en": ", "},
    "formula.and": {"fa": " و ", "en": " and "},
    "formula.plus": {"fa": " + ", "en": " + "},
    "formula.log_source": {"fa": "{name} (از گزارش سامانه‌ها)", "en": "{name} (from service logs)"},
    # --- reporting ----------------------------------------------------------------------------------------
    "reporting.intro": {
        "fa": "گزارش سالانه هر دستگاه برای سال‌های برنامه. وضعیت هر خانه با نماد و متن نوشته شده است.",
        "en": "Each agency's yearly report for the plan years. Every cell states its status in a symbol and words.",
    },
    "reporting.province": {"fa": "استان", "en": "Province"},
    "reporting.all_provinces": {"fa": "همه استان‌ها", "en": "All provinces"},
    "reporting.matrix": {"fa": "جدول گزارش‌دهی", "en": "Reporting matrix"},
    "reporting.history": {"fa": "سابقه بارگذاری‌ها", "en": "Submission history"},
    "reporting.summary": {
        "fa": "سال {year}: {reported} از {total} دستگاه گزارش داده‌اند ({share})",
        "en": "{year}: {reported} of {total} agencies reported ({share})",
    },
    "reporting.col.agency": {"fa": "دستگاه", "en": "Agency"},
    "reporting.col.code": {"fa": "کد", "en": "Code"},
    "reporting.col.county": {"fa": "شهرستان", "en": "County"},
    "reporting.col.id": {"fa": "شناسه", "en": "ID"},
    "reporting.col.period": {"fa": "دوره", "en": "Period"},
    "reporting.col.file": {"fa": "فایل", "en": "File"},
    "reporting.col.by": {"fa": "ارسال‌کننده", "en": "Submitted by"},
    "reporting.col.at": {"fa": "زمان ارسال", "en": "Submitted at"},
    "reporting.col.status": {"fa": "وضعیت", "en": "Status"},
    "reporting.col.supersedes": {"fa": "جایگزین", "en": "Supersedes"},
    "cell.reported": {"fa": "✓ گزارش شده", "en": "✓ reported"},
    "cell.late": {"fa": "◷ با تأخیر", "en": "◷ late"},
    "cell.missing": {"fa": "✗ گزارش نشده", "en": "✗ missing"},
    "cell.pending": {"fa": "◔ در انتظار بررسی", "en": "◔ awaiting review"},
    "cell.returned": {"fa": "↩ برگشت برای اصلاح", "en": "↩ returned"},
    "submission.submitted": {"fa": "معتبر", "en": "current"},
    "submission.superseded": {"fa": "جایگزین‌شده", "en": "superseded"},
    # --- upload -------------------------------------------------------------------------------------------
    "upload.step1": {
        "fa": "دستگاه و سال را برگزینید و قالب اکسل را دریافت کنید.",
        "en": "Choose the agency and the year and download the Excel template.",
    },
    "upload.step2": {"fa": "قالب را تکمیل و اینجا بارگذاری کنید.", "en": "Fill it in and upload it here."},
    "upload.step3": {
        "fa": "گزارش بررسی را ببینید و اگر خطایی نبود، ثبت را تأیید کنید.",
        "en": "Read the check report and, if nothing is wrong, confirm to store it.",
    },
    "upload.agency": {"fa": "دستگاه", "en": "Agency"},
    "upload.agency_placeholder": {"fa": "نام یا کد دستگاه را بنویسید", "en": "Type an agency's name or code"},
    "upload.year": {"fa": "سال گزارش", "en": "Report year"},
    "upload.template": {"fa": "دریافت قالب اکسل", "en": "Download the Excel template"},
    "upload.choose_first": {
        "fa": "برای دریافت قالب، نخست دستگاه و سال را برگزینید.",
        "en": "Choose the agency and the year first to download the template.",
    },
    "upload.drop": {
        "fa": "فایل اکسل تکمیل‌شده را اینجا رها کنید یا برای انتخاب کلیک کنید (حداکثر {limit} مگابایت)",
        "en": "Drop the filled Excel workbook here or click to choose it (at most {limit} MB)",
    },
    "upload.too_large": {
        "fa": "حجم این فایل بیش از {limit} مگابایت است و بارگذاری نشد. فقط کاربرگ گزارش را بفرستید.",
        "en": "This file is larger than {limit} MB and was not uploaded. Send only the report workbook.",
    },
    "upload.file": {"fa": "فایل «{file}»", "en": "File “{file}”"},
    "upload.file_of": {"fa": "دستگاه {agency}، دوره {period}", "en": "agency {agency}, period {period}"},
    "upload.checked": {
        "fa": "فایل بررسی شد و خطایی ندارد. برای ثبت، دکمه تأیید را بزنید.",
        "en": "The file was checked and has no problems. Press confirm to store it.",
    },
    "upload.checked_supersedes": {
        "fa": "این گزارش جایگزین گزارش شماره {id} همین دستگاه و دوره می‌شود.",
        "en": "This report will supersede report no. {id} for the same agency and period.",
    },
    "upload.rejected": {
        "fa": "فایل {count} خطا دارد و ثبت نمی‌شود. خانه‌های زیر را اصلاح و دوباره بارگذاری کنید.",
        "en": "The file has {count} problem(s) and cannot be stored. Correct the cells below and upload it again.",
    },
    "upload.duplicate": {
        "fa": "همین گزارش پیش‌تر با شماره {id} ثبت شده است؛ چیزی تغییر نکرد.",
        "en": "This report is already stored as no. {id}; nothing changed.",
    },
    "upload.stored": {"fa": "گزارش با شماره {id} ثبت شد.", "en": "The report was stored as no. {id}."},
    "upload.confirm": {"fa": "تأیید و ثبت گزارش", "en": "Confirm and store the report"},
    "upload.unreadable": {
        "fa": "محتوای بارگذاری‌شده خوانده نشد؛ دوباره تلاش کنید.",
        "en": "The uploaded content could not be read; please try again.",
    },
    "upload.col.cell": {"fa": "خانه", "en": "Cell"},
    "upload.col.field": {"fa": "فیلد", "en": "Field"},
    "upload.col.seen": {"fa": "مقدار واردشده", "en": "Value seen"},
    "upload.col.problem": {"fa": "خطا", "en": "Problem"},
    "upload.col.expected": {"fa": "مقدار مورد انتظار", "en": "Expected"},
    "upload.empty": {"fa": "(خالی)", "en": "(empty)"},
    # --- overview/rankings/scorecard ---
    "page.overview": {"fa": "نمای کلی", "en": "Overview"},
    "page.rankings": {"fa": "رتبه‌بندی", "en": "Rankings"},
    "page.scorecard": {"fa": "کارنامه دستگاه", "en": "Agency scorecard"},
    "scope.year": {"fa": "سال", "en": "Year"},
    "scope.all_counties": {"fa": "همه شهرستان‌ها", "en": "All counties"},
    "scope.all_sectors": {"fa": "همه بخش‌ها", "en": "All sectors"},
    "status.ahead": {"fa": "جلوتر از مسیر", "en": "ahead"},
    "status.on_track": {"fa": "در مسیر", "en": "on track"},
    "status.behind": {"fa": "عقب از مسیر", "en": "behind"},
    "status.off_track": {"fa": "خارج از مسیر", "en": "off track"},
    "status.not_scored": {"fa": "بدون نمره", "en": "not scored"},
    "figure.no_data": {"fa": "داده‌ای برای نمایش نیست.", "en": "No data to show."},
    "overview.intro": {
        "fa": "وضعیت دستگاه‌های استان در سال انتخاب‌شده: پراکندگی شاخص کل، پیشرفت هر محور تا هدف ۱۳۹۴،"
        " وضعیت شاخص‌ها، مرحله بلوغ، دستگاه‌های شایسته تقدیر و عقب‌مانده و کامل بودن گزارش‌ها.",
        "en": "The province's agencies in the chosen year: how the index spreads, each pillar's progress towards"
        " the 1394 target, indicator statuses, maturity stages, agencies to honour and those that lag, and"
        " how complete the reporting is.",
    },
    "overview.scored": {
        "fa": "{scored} از {total} دستگاه در این سال نمره دارند.",
        "en": "{scored} of {total} agencies are scored this year.",
    },
    "overview.statuses": {"fa": "وضعیت شاخص‌ها نسبت به مسیر ۱۳۹۴", "en": "Indicators against the path to 1394"},
    "overview.of_results": {"fa": "{share} از نتایج شاخص‌ها", "en": "{share} of indicator results"},
    "overview.distribution": {"fa": "پراکندگی شاخص کل دستگاه‌ها", "en": "How the agencies' index scores spread"},
    "overview.distribution_hover": {"fa": "شاخص {range}: {count} دستگاه", "en": "Index {range}: {count} agencies"},
    "overview.index_axis": {"fa": "شاخص کل (۰ تا ۱۰۰)", "en": "Index score (0–100)"},
    "overview.agencies_axis": {"fa": "تعداد دستگاه", "en": "Agencies"},
    "overview.pillars": {
        "fa": "میانگین نمره هر محور (۱۰۰ یعنی رسیدن به هدف ۱۳۹۴)",
        "en": "Mean score of each pillar (100 means the 1394 target is met)",
    },
    "overview.target_legend": {"fa": "هدف ۱۳۹۴", "en": "1394 target"},
    "overview.mean_legend": {"fa": "میانگین نمره", "en": "Mean score"},
    "overview.on_path_hover": {"fa": "در مسیر یا جلوتر: {share}", "en": "On track or ahead: {share}"},
    "overview.maturity": {"fa": "مرحله بلوغ خدمات الکترونیک", "en": "E-service maturity stage"},
    "overview.province_stage": {"fa": "استان {province}: {stage}", "en": "{province} province: {stage}"},
    "overview.stage_unknown": {"fa": "بدون داده", "en": "no data"},
    "overview.honours": {"fa": "شایسته تقدیر", "en": "To honour"},
    "overview.laggards": {"fa": "عقب‌مانده از برنامه", "en": "Lagging the plan"},
    "overview.none": {"fa": "دستگاهی در این فهرست نیست.", "en": "No agency in this list."},
    "overview.index_short": {"fa": "شاخص {score}", "en": "index {score}"},
    "overview.off_track_short": {"fa": "{count} شاخص خارج از مسیر", "en": "{count} indicators off track"},
    "overview.completeness": {"fa": "کامل بودن گزارش‌ها", "en": "Reporting completeness"},
    "rankings.intro": {
        "fa": "رتبه هر دستگاه در استان خود. برای دیدن کارنامه هر دستگاه روی ردیف آن کلیک کنید.",
        "en": "Each agency's rank within its province. Click a row to open the agency's scorecard.",
    },
    "ranking.count": {"fa": "{count} دستگاه", "en": "{count} agencies"},
    "ranking.col.rank": {"fa": "رتبه", "en": "Rank"},
    "ranking.col.change": {"fa": "تغییر رتبه", "en": "Change"},
    "ranking.col.sector": {"fa": "بخش", "en": "Sector"},
    "ranking.col.index": {"fa": "شاخص کل", "en": "Index"},
    "ranking.col.interval": {"fa": "بازه رتبه", "en": "Rank range"},
    "ranking.pillar": {"fa": "محور", "en": "Pillar"},
    "ranking.no_pillar": {"fa": "شاخص کل", "en": "Overall index"},
    "ranking.status": {"fa": "وضعیت", "en": "Status"},
    "ranking.any_status": {"fa": "هر وضعیتی", "en": "Any status"},
    "ranking.with_status": {"fa": "دست‌کم یک شاخص: {status}", "en": "At least one indicator: {status}"},
    "ranking.not_scored": {"fa": "بدون نمره", "en": "not scored"},
    "ranking.not_robust": {"fa": "(ناپایدار)", "en": "(unstable)"},
    "ranking.rank_help": {
        "fa": "رتبه در استان است؛ ▲ یعنی بالا رفتن نسبت به سال قبل و ▼ یعنی پایین آمدن.",
        "en": "Ranks are within the province; ▲ means up since the year before, ▼ down.",
    },
    "ranking.interval_help": {
        "fa": "بازه رتبه: از صدک ۵ تا صدک ۹۵ رتبه وقتی وزن‌ها و روش محاسبه به‌طور تصادفی تغییر کنند؛ نوار زیر عدد همین بازه است.",
        "en": "Rank range: the 5th to 95th percentile of the rank when weights and method vary at random; the bar under it draws the range.",
    },
    "ranking.no_intervals": {
        "fa": "بازه رتبه در دسترس نیست؛ فقط رتبه نشان داده می‌شود.",
        "en": "Rank ranges are not available; only the rank is shown.",
    },
    "scorecard.choose": {
        "fa": "دستگاهی را از فهرست بالا برگزینید تا کارنامه آن نشان داده شود.",
        "en": "Choose an agency from the list above to see its scorecard.",
    },
    "scorecard.download": {"fa": "دریافت اکسل", "en": "Download Excel"},
    "scorecard.print": {"fa": "چاپ", "en": "Print"},
    "scorecard.rank_of": {"fa": "{rank} از {total}", "en": "{rank} of {total}"},
    "scorecard.coverage": {"fa": "پوشش داده", "en": "Data coverage"},
    "scorecard.maturity": {"fa": "مرحله بلوغ", "en": "Maturity stage"},
    "scorecard.no_stage": {
        "fa": "این دستگاه در این سال خدمتی گزارش نکرده است؛ مرحله بلوغ معلوم نیست.",
        "en": "The agency reported no services this year; its maturity stage is unknown.",
    },
    "scorecard.stage_text": {
        "fa": "{stage} — {total} خدمت شناسایی‌شده، {above} خدمت تراکنشی یا یکپارچه.",
        "en": "{stage} — {total} services identified, {above} transactional or integrated.",
    },
    "scorecard.not_scored_reason": {"fa": "دلیل نداشتن نمره", "en": "Why not scored"},
    "scorecard.pillars": {
        "fa": "نمره محورها در برابر میانه دستگاه‌های استان",
        "en": "Pillar scores against the province's median",
    },
    "scorecard.this_agency": {"fa": "این دستگاه", "en": "This agency"},
    "scorecard.province_median": {"fa": "میانه استان", "en": "Province median"},
    "scorecard.indicators": {"fa": "شاخص‌ها و مسیر رسیدن به هدف", "en": "Indicators and their path to the target"},
    "scorecard.paths": {"fa": "هر شاخص در مسیر هدف {year}", "en": "Each indicator on its path to {year}"},
    "scorecard.paths_help": {
        "fa": "خط پیوسته: مقدارهای گزارش‌شده؛ خط‌چین: مسیر مستقیم از سال مبنا تا هدف {year}؛ نقطه‌چین: پیش‌بینی با سرعت کنونی.",
        "en": "Solid: reported values; dashed: the straight path from the baseline to the {year} target; dotted: projection at the current pace.",
    },
    "scorecard.reported": {"fa": "گزارش‌شده", "en": "Reported"},
    "scorecard.path": {"fa": "مسیر تا هدف", "en": "Path to target"},
    "scorecard.projection": {"fa": "پیش‌بینی با سرعت کنونی", "en": "Projection at current pace"},
    "scorecard.col.value": {"fa": "مقدار", "en": "Value"},
    "scorecard.col.period_target": {"fa": "هدف امسال در مسیر", "en": "This year on the path"},
    "scorecard.col.target": {"fa": "هدف نهایی", "en": "Final target"},
    "scorecard.col.score": {"fa": "نمره", "en": "Score"},
    "scorecard.col.projected": {"fa": "پیش‌بینی سال هدف", "en": "Projected for target year"},
    "scorecard.col.year_reached": {"fa": "سال رسیدن به هدف", "en": "Year target reached"},
    "scorecard.col.flags": {"fa": "نکته داده", "en": "Data notes"},
    "scorecard.claims": {"fa": "ادعا در برابر استفاده واقعی", "en": "Claimed versus observed"},
    "scorecard.quality": {"fa": "کیفیت داده", "en": "Data quality"},
    "claims.transactional": {"fa": "ادعا: خدمات تراکنشی و بالاتر", "en": "Claimed: services transactional or above"},
    "claims.processes": {"fa": "ادعا: فرایندهای الکترونیکی", "en": "Claimed: processes done electronically"},
    "claims.takeup": {"fa": "مشاهده: استفاده برخط شهروندان", "en": "Observed: digital take-up"},
    "claims.completion": {"fa": "مشاهده: تراکنش‌های کامل‌شده", "en": "Observed: completed transactions"},
    "claims.gap": {"fa": "فاصله ادعا و مشاهده (واحد درصد)", "en": "Gap between claim and observation (points)"},
    "claims.no_logs": {
        "fa": "برای این دستگاه هنوز گزارش سامانه‌ها (لاگ خدمات) بارگذاری نشده است؛ استفاده واقعی معلوم نیست و"
        " فقط ادعای گزارش دستگاه دیده می‌شود.",
        "en": "No service logs are loaded for this agency yet: observed use is unknown and only the report's"
        " claims are shown.",
    },
    "claims.on_paper": {
        "fa": "فاصله ادعا و استفاده واقعی زیاد است: پیشرفت «فقط روی کاغذ».",
        "en": "The claim is far above observed use: progress “only on paper”.",
    },
    "claims.none": {"fa": "داده‌ای برای این دستگاه نیست.", "en": "No data for this agency."},
    "flag.imputed": {"fa": "برآوردشده", "en": "imputed"},
    "flag.baseline_moved": {"fa": "مبنا از سال {year}", "en": "baseline from {year}"},
    "flag.not_scored": {"fa": "بدون نمره: {reason}", "en": "Not scored: {reason}"},
    "flag.coverage": {
        "fa": "فقط {share} از اجزای شاخص داده دارند.",
        "en": "Only {share} of the index's components have data.",
    },
    "flag.imputed_list": {"fa": "مقدار برآوردشده (گزارش نشده): {names}", "en": "Imputed, not reported: {names}"},
    "flag.baseline_moved_list": {
        "fa": "مبنا از سالی دیرتر گرفته شد (گزارش سال مبنا نبود): {names}",
        "en": "Baseline taken from a later year (no report in the baseline year): {names}",
    },
    "flag.none": {"fa": "نکته‌ای درباره کیفیت داده نیست.", "en": "Nothing to flag about the data."},
    "reason.no_report": {"fa": "برای این دوره گزارشی نرسیده است", "en": "no report for this period"},
    "excel.summary": {"fa": "خلاصه", "en": "Summary"},
    "excel.pillars": {"fa": "محورها", "en": "Pillars"},
    "excel.indicators": {"fa": "شاخص‌ها", "en": "Indicators"},
    "excel.submissions": {"fa": "سابقه گزارش‌ها", "en": "Submissions"},
    "excel.item": {"fa": "مورد", "en": "Item"},
    "excel.value": {"fa": "مقدار", "en": "Value"},
    "excel.indicator_code": {"fa": "کد شاخص", "en": "Indicator code"},
    "excel.baseline_moved": {"fa": "مبنای جابه‌جاشده", "en": "Baseline moved"},
    "excel.yes": {"fa": "بله", "en": "yes"},
    "excel.no": {"fa": "خیر", "en": "no"},
    # --- end overview/rankings/scorecard ---
    # --- compare/geography/what-if ---
    "page.compare": {"fa": "مقایسه دستگاه‌ها", "en": "Compare"},
    "page.geography": {"fa": "نقشه تقسیمات", "en": "Geography"},
    "choices.all_provinces": {"fa": "همه استان‌ها", "en": "All provinces"},
    "compare.intro": {
        "fa": "دو تا چهار دستگاه را برگزینید تا نمره محورها، رتبه‌ها و وضعیت هر شاخص آن‌ها کنار هم دیده شود.",
        "en": "Choose two to four agencies to see their pillar scores, ranks and every indicator's status side by side.",
    },
    "compare.agencies": {"fa": "دستگاه‌ها (حداکثر چهار)", "en": "Agencies (at most four)"},
    "compare.agencies_placeholder": {"fa": "نام یا کد دستگاه را بنویسید", "en": "Type an agency's name or code"},
    "compare.year": {"fa": "سال", "en": "Year"},
    "compare.pick": {
        "fa": "برای مقایسه دست‌کم دو دستگاه را از فهرست بالا برگزینید.",
        "en": "Choose at least two agencies from the list above to compare them.",
    },
    "compare.summary": {"fa": "شاخص کل و رتبه‌ها، سال {year}", "en": "Index and ranks, {year}"},
    "compare.pillars": {"fa": "نمره محورها (۰ تا ۱۰۰)", "en": "Pillar scores (0–100)"},
    "compare.indicators": {"fa": "شاخص‌ها ({count} شاخص)", "en": "Indicators ({count})"},
    "compare.axis.score": {"fa": "نمره", "en": "Score"},
    "compare.col.measure": {"fa": "سنجه", "en": "Measure"},
    "compare.col.indicator": {"fa": "شاخص", "en": "Indicator"},
    "compare.col.pillar": {"fa": "محور", "en": "Pillar"},
    "compare.row.index": {"fa": "شاخص کل (۰ تا ۱۰۰)", "en": "Index score (0–100)"},
    "compare.row.rank_province": {"fa": "رتبه در استان", "en": "Rank in the province"},
    "compare.row.rank_county": {"fa": "رتبه در شهرستان", "en": "Rank in the county"},
    "compare.row.rank_sector": {"fa": "رتبه در بخش فعالیت", "en": "Rank in the sector"},
    "compare.status.ahead": {"fa": "▲ جلوتر از مسیر", "en": "▲ ahead of the path"},
    "compare.status.on_track": {"fa": "● در مسیر", "en": "● on track"},
    "compare.status.behind": {"fa": "▼ عقب از مسیر", "en": "▼ behind"},
    "compare.status.off_track": {"fa": "✖ خارج از مسیر", "en": "✖ off track"},
    "compare.status.not_scored": {"fa": "○ بدون نمره", "en": "○ not scored"},
    "geo.intro": {
        "fa": "استان، شهرستان، بخش و دستگاه؛ رنگ و عدد هر خانه میانگین شاخص کل دستگاه‌های آن است."
        " برای دیدن جزئیات روی هر خانه کلیک کنید.",
        "en": "Province, county, district and agency; each box's colour and number are the mean index score of"
        " its agencies. Click a box to look inside it.",
    },
    "geo.province": {"fa": "استان", "en": "Province"},
    "geo.year": {"fa": "سال", "en": "Year"},
    "geo.all_provinces": {"fa": "همه استان‌ها", "en": "All provinces"},
    "geo.directorates": {"fa": "ادارات کل استانی", "en": "Provincial directorates"},
    "geo.score": {"fa": "شاخص: {score}", "en": "Index: {score}"},
    "geo.not_scored": {"fa": "بدون نمره", "en": "not scored"},
    "geo.agencies": {"fa": "{scored} از {total} دستگاه نمره دارند", "en": "{scored} of {total} agencies scored"},
    "geo.summary": {"fa": "{scored} از {total} دستگاه نمره دارند.", "en": "{scored} of {total} agencies are scored."},
    "geo.legend": {"fa": "رنگ: شاخص کل", "en": "Colour: index score"},
    "geo.legend_unscored": {"fa": "خاکستری: بدون نمره", "en": "Grey: not scored"},
    "whatif.title": {"fa": "اگر وزن‌ها تغییر کند", "en": "What if the weights change"},
    "whatif.intro": {
        "fa": "وزن هر محور را جابه‌جا کنید تا رتبه {top} دستگاه برتر استان با وزن‌های تازه و وزن‌های پیش‌فرض"
        " کنار هم دیده شود.",
        "en": "Move a pillar's weight to see the province's top {top} agencies ranked under the new weights"
        " beside their rank under the default ones.",
    },
    "whatif.loading": {"fa": "در حال آماده‌سازی…", "en": "Preparing…"},
    "whatif.province": {"fa": "استان", "en": "Province"},
    "whatif.year": {"fa": "سال", "en": "Year"},
    "whatif.reset": {"fa": "بازگشت به وزن‌های پیش‌فرض", "en": "Restore the default weights"},
    "whatif.choose": {"fa": "استان و سال را برگزینید.", "en": "Choose a province and a year."},
    "whatif.all_zero": {
        "fa": "دست‌کم یک محور باید وزنی بیش از صفر داشته باشد.",
        "en": "At least one pillar must weigh more than zero.",
    },
    "whatif.empty": {
        "fa": "در سال {year} هیچ دستگاهی از این استان نمره ندارد.",
        "en": "No agency of this province is scored for {year}.",
    },
    "whatif.col.rank": {"fa": "رتبه تازه", "en": "New rank"},
    "whatif.col.agency": {"fa": "دستگاه", "en": "Agency"},
    "whatif.col.score": {"fa": "شاخص با وزن‌های تازه", "en": "Index, new weights"},
    "whatif.col.default_rank": {"fa": "رتبه با وزن‌های پیش‌فرض", "en": "Rank, default weights"},
    "whatif.col.move": {"fa": "جابه‌جایی", "en": "Moved"},
    # --- end compare/geography/what-if ---
    # --- log uploads/jobs ---
    "page.logs": {"fa": "گزارش‌های تراکنش خدمات", "en": "Service logs"},
    "logs.intro": {
        "fa": "فایل تراکنش‌های یک سامانه خدمت (CSV ساده یا gzip، یا xlsx؛ حداکثر {limit} مگابایت) را بارگذاری کنید. "
        "پردازش در پس‌زمینه انجام می‌شود و می‌توانید در این مدت با صفحه‌های دیگر کار کنید.",
        "en": "Upload a service system's transaction export (CSV, plain or gzip, or xlsx; at most {limit} MB). "
        "It is processed in the background; you can keep using the other pages meanwhile.",
    },
    "logs.file": {"fa": "فایل تراکنش‌ها", "en": "Transaction file"},
    "logs.source": {"fa": "نام سامانه مبدأ (اختیاری)", "en": "Source system (optional)"},
    "logs.source_hint": {
        "fa": "اگر خالی بماند، از ستون سامانه مبدأ یا نام فایل گرفته می‌شود.",
        "en": "Left empty, it is taken from the file's source-system column or its name.",
    },
    "logs.upload": {"fa": "بارگذاری و پردازش", "en": "Upload and process"},
    "logs.upload_progress": {"fa": "پیشرفت بارگذاری", "en": "Upload progress"},
    "logs.job_progress": {"fa": "پیشرفت پردازش", "en": "Processing progress"},
    "logs.processing": {"fa": "در حال پردازش: {percent}٪", "en": "Processing: {percent}%"},
    "logs.too_large": {
        "fa": "حجم فایل بیش از {limit} مگابایت است و پذیرفته نشد.",
        "en": "The file is larger than {limit} MB and was not accepted.",
    },
    "logs.no_file": {"fa": "نخست فایل تراکنش‌ها را برگزینید.", "en": "Choose a transaction file first."},
    "logs.bad_type": {
        "fa": "فایل «{file}» پذیرفته نشد: فقط CSV (ساده یا gzip) یا xlsx.",
        "en": "“{file}” was not accepted: only CSV (plain or gzip) or xlsx.",
    },
    "logs.upload_failed": {
        "fa": "بارگذاری کامل نشد؛ اتصال را بررسی و دوباره تلاش کنید.",
        "en": "The upload did not complete; check the connection and try again.",
    },
    "logs.no_rejects": {
        "fa": "برای این کار فایل ردیف‌های ردشده‌ای در دسترس نیست.",
        "en": "No rejects file is available for this job.",
    },
    "logs.status.done": {"fa": "ثبت شد", "en": "stored"},
    "logs.status.duplicate": {"fa": "تکراری", "en": "already imported"},
    "logs.status.refused": {"fa": "رد شد", "en": "refused"},
    "logs.status.failed": {"fa": "ناموفق", "en": "failed"},
    "logs.status.checked": {"fa": "بررسی شد", "en": "checked"},
    "logs.result.done": {
        "fa": "فایل «{file}» پردازش و با شماره کار {job} ثبت شد.",
        "en": "“{file}” was processed and stored as job no. {job}.",
    },
    "logs.result.duplicate": {
        "fa": "فایل «{file}» پیش‌تر وارد شده است؛ چیزی تغییر نکرد.",
        "en": "“{file}” was already imported; nothing changed.",
    },
    "logs.result.refused": {
        "fa": "فایل «{file}» رد شد و هیچ ردیفی از آن ثبت نشد.",
        "en": "“{file}” was refused; none of its rows were stored.",
    },
    "logs.result.failed": {"fa": "فایل «{file}» خوانده نشد.", "en": "“{file}” could not be read."},
    "logs.result.missing": {
        "fa": "این بارگذاری دیگر در انتظار پردازش نیست (شاید پیش‌تر پردازش شده است). فایل را دوباره بارگذاری کنید.",
        "en": "This upload is no longer waiting (it may have been processed already). Upload the file again.",
    },
    "logs.result.error": {
        "fa": "پردازش با خطا متوقف شد و چیزی ثبت نشد. دوباره تلاش کنید یا به پشتیبانی خبر دهید.",
        "en": "Processing stopped with an error and nothing was stored. Try again or tell support.",
    },
    "logs.rows_read": {"fa": "ردیف‌های خوانده‌شده", "en": "Rows read"},
    "logs.rows_accepted": {"fa": "ردیف‌های پذیرفته‌شده", "en": "Rows accepted"},
    "logs.rows_rejected": {"fa": "ردیف‌های ردشده", "en": "Rows rejected"},
    "logs.rows_duplicate": {"fa": "تراکنش‌های تکراری (یک بار شمرده شد)", "en": "Duplicate transactions (counted once)"},
    "logs.rejected_share": {"fa": "سهم ردیف‌های ردشده", "en": "Rejected share"},
    "logs.source_system": {"fa": "سامانه مبدأ", "en": "Source system"},
    "logs.months": {"fa": "ماه‌های پوشش‌داده‌شده", "en": "Months covered"},
    "logs.replaced": {"fa": "جایگزین داده‌های پیشین", "en": "Replaced earlier data"},
    "logs.replaced_item": {"fa": "دسته {batch} برای {month}", "en": "batch {batch} for {month}"},
    "logs.none": {"fa": "هیچ", "en": "none"},
    "logs.list_separator": {"fa": "، ", "en": ", "},
    "logs.reasons": {"fa": "دلیل رد ردیف‌ها", "en": "Why rows were rejected"},
    "logs.col.reason": {"fa": "دلیل", "en": "Reason"},
    "logs.col.count": {"fa": "تعداد ردیف", "en": "Rows"},
    "logs.download_rejects": {
        "fa": "دریافت فایل ردیف‌های ردشده (با شماره خط)",
        "en": "Download the rejected rows (with line numbers)",
    },
    "logs.recent": {"fa": "کارهای ورود اخیر", "en": "Recent ingest jobs"},
    "logs.no_jobs": {"fa": "هنوز کاری ثبت نشده است.", "en": "No jobs yet."},
    "logs.col.job": {"fa": "شماره", "en": "No."},
    "logs.col.file": {"fa": "فایل", "en": "File"},
    "logs.col.who": {"fa": "آغازکننده", "en": "Started by"},
    "logs.col.when": {"fa": "زمان", "en": "When"},
    "logs.col.status": {"fa": "وضعیت", "en": "Status"},
    "logs.col.read": {"fa": "خوانده", "en": "Read"},
    "logs.col.accepted": {"fa": "پذیرفته", "en": "Accepted"},
    "logs.col.rejected": {"fa": "ردشده", "en": "Rejected"},
    "logs.col.rejects": {"fa": "ردیف‌های ردشده", "en": "Rejects"},
    "logs.rejects_link": {"fa": "دریافت", "en": "download"},
    "logs.trigger.web": {"fa": "از وب", "en": "web"},
    "logs.trigger.cli": {"fa": "خط فرمان", "en": "command line"},
    "logs.trigger.watch": {"fa": "پوشه ورودی", "en": "inbox folder"},
    # --- end log uploads/jobs ---
}


def normalise_lang(value: object) -> Lang:
    """The language a URL asks for; anything but ``en`` is Persian, the default.

    >>> normalise_lang("en"), normalise_lang("EN "), normalise_lang(None), normalise_lang("de")
    ('en', 'en', 'fa', 'fa')
    """
    if value == "fa" or value == "en":  # what every URL and callback passes: no string work per call
        return cast("Lang", value)
    return "en" if str(value or "").strip().lower() == "en" else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    An unknown key raises ``KeyError`` at once, so a typo fails the unit tests rather than showing blank.

    >>> t("page.upload", "en")
    'Upload a report'
    >>> t("upload.stored", "en", id=7)
    'The report was stored as no. 7.'
    """
    text = TEXT[key][normalise_lang(lang)]
    return text.format(**values) if values else text


def direction(lang: str) -> Literal["rtl", "ltr"]:
    """Text direction of a language.

    >>> direction("fa"), direction("en")
    ('rtl', 'ltr')
    """
    return "ltr" if normalise_lang(lang) == "en" else "rtl"


def pick(lang: str, fa: str, en: str) -> str:
    """Choose between a record's Persian and English text (e.g. ``name_fa`` / ``name_en``); falls back to Persian.

    >>> pick("en", "قم", "Qom"), pick("fa", "قم", "Qom"), pick("en", "قم", "")
    ('Qom', 'قم', 'قم')
    """
    return en if normalise_lang(lang) == "en" and en else fa
