"""The interface text of the dashboard: one declared table, Persian first, and ``t(key, lang)``.

Layouts never hold user-facing literals; they call ``t``. Data (agency, pillar and indicator names)
comes with its own ``name_fa`` / ``name_en`` from the store and the catalogue and is not repeated here.
A test checks that every key has non-empty Persian and English text and the same placeholders in both.
"""

from __future__ import annotations

from typing import Literal

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
    "cell.late": {"fa": "⏱ با تأخیر", "en": "⏱ late"},
    "cell.missing": {"fa": "✗ گزارش نشده", "en": "✗ missing"},
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
}


def normalise_lang(value: object) -> Lang:
    """The language a URL asks for; anything but ``en`` is Persian, the default.

    >>> normalise_lang("en"), normalise_lang("EN "), normalise_lang(None), normalise_lang("de")
    ('en', 'en', 'fa', 'fa')
    """
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
