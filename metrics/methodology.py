"""The methodology page, generated from the catalogue alone, in Persian and in English.

The catalogue is the single source: the plan, the pillar tree and its weights, every indicator's formula,
target and path, and the scoring defaults are read from it and put into words here, so a new catalogue
version documents itself. Two renderers share one set of helpers: ``methodology_markdown`` (a document,
``egov methodology``) and ``methodology_tables`` (the same content as grids for the dashboard).

Numbers in the Persian text use Persian digits; codes and field names stay as declared (Latin, in
backticks), because they are what the data files and the template call them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Literal

import pandas as pd

from metrics.catalogue import (
    AnswerScoreFormula,
    BooleanFormula,
    Catalogue,
    ChoiceScoreFormula,
    Formula,
    Group,
    Indicator,
    LevelScoreFormula,
    RatioFormula,
    ShareOfSumFormula,
    input_source,
    resolved_baseline_year,
    resolved_target_year,
)

Lang = Literal["fa", "en"]
LANGS: tuple[Lang, ...] = ("fa", "en")

_FA_DIGITS = str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫")

# Every sentence in both languages: (Persian, English). Placeholders are filled with formatted values.
_TEXT: dict[str, tuple[str, str]] = {
    "title": ("روش‌شناسی: {plan}", "Methodology: {plan}"),
    "generated": (
        "این صفحه فقط از روی فهرست شاخص‌ها (نسخه `{version}`) ساخته شده است؛ هر تغییری در آن فهرست، این صفحه را هم تغییر می‌دهد.",
        "Generated from the indicator catalogue alone (version `{version}`); a change there changes this page.",
    ),
    "h.plan": ("## برنامه", "## The plan"),
    "plan": (
        "- برنامه: **{plan}** (`{code}`)، سال‌های {first} تا {target}؛ سال هدف: **{target}**.",
        "- Plan: **{plan}** (`{code}`), years {first}–{target}; target year: **{target}**.",
    ),
    "index": ("- شاخص کل: **{name}** — {description}", "- The index: **{name}** — {description}"),
    "counts": (
        "- {pillars} محور، در مجموع {groups} گروه و {indicators} شاخص.",
        "- {pillars} pillars, {groups} groups in all, {indicators} indicators.",
    ),
    "h.chain": ("## امتیاز چگونه محاسبه می‌شود", "## How a score is computed"),
    "chain.values": (
        "**مقدار:** مقدار هر شاخص با یک عملیات اعلام‌شده از فیلدهای خوداظهاری و شاخص‌های گزارش سامانه‌ها محاسبه می‌شود (برای هر شاخص در ادامه آمده است)؛ هیچ فرمولی به صورت کد برنامه اجرا نمی‌شود.",
        "**Value:** each indicator is computed from self-report fields and service-log KPIs by a declared operation (given for each indicator below); no formula is run as program code.",
    ),
    "chain.missing": (
        "**داده گزارش‌نشده صفر نیست:** مقدار گزارش‌نشده بی‌مقدار می‌ماند، مگر آن‌که شاخص روش دیگری اعلام کند؛ در تجمیع، وزن‌ها میان اجزای دارای داده دوباره تقسیم می‌شوند.",
        "**Missing is not zero:** a value not reported stays missing unless the indicator declares otherwise; aggregates renormalise their weights over the components present.",
    ),
    "chain.path": (
        "**مسیر تا {target}:** هر دستگاه با مسیری از مقدار خودش در سال پایه تا هدف سال {target} سنجیده می‌شود: خط راست، مگر آن‌که مسیری برای شاخص یا برای دستگاه اعلام شده باشد. تحقق = پیشرفت انجام‌شده ÷ پیشرفتی که مسیر تا آن سال می‌خواست.",
        "**Path to {target}:** each agency is held to a path from its own value in the baseline year to the target in {target}: a straight line unless a path is declared for the indicator or the agency. Achievement = progress made ÷ progress the path asked for by that year.",
    ),
    "chain.normalise": (
        "**هم‌مقیاس‌سازی** (پیش‌فرض: {method}): {meaning}",
        "**Normalisation** (default: {method}): {meaning}",
    ),
    "chain.aggregate": (
        "**تجمیع** (پیش‌فرض: {method}): {meaning} گروهی که روش خود را اعلام کرده، همان را به کار می‌برد.",
        "**Aggregation** (default: {method}): {meaning} A group that declares its own method uses it.",
    ),
    "chain.coverage": (
        "**کفایت داده:** دستگاهی که کمتر از {share} از اجزای یک تجمیع را گزارش کرده، در آن سطح امتیاز نمی‌گیرد و دلیل آن نشان داده می‌شود.",
        "**Data availability:** an agency that reported less than {share} of an aggregate's components is not scored there, and the reason is shown.",
    ),
    "chain.status": (
        "**وضعیت:** بر پایه تحقق، با بازه‌های جدول زیر.",
        "**Status:** from achievement, by the bands in the table below.",
    ),
    "chain.trend": (
        "**روند:** شیب کمترین مربعات در {years} سال اخیر؛ با همین آهنگ، مقدار سال {target} و سال رسیدن به هدف برآورد می‌شود.",
        "**Trend:** the least-squares slope over the last {years} years; at that pace, the value in {target} and the year the target is reached are projected.",
    ),
    "chain.maturity": (
        "**مرحله بلوغ:** دستگاه (و استان) در یک مرحله است اگر دست‌کم {share} از خدماتش در آن سطح یا بالاتر باشد. {levels}",
        "**Maturity stage:** an agency (or the province) is at a stage when at least {share} of its services are at that level or above. {levels}",
    ),
    "maturity.levels": ("سطح‌ها به ترتیب: {levels}.", "Levels in order: {levels}."),
    "maturity.none": ("این فهرست سطح خدمات را اعلام نکرده است.", "This catalogue declares no service levels."),
    "chain.paper": (
        "**ادعا در برابر مشاهده:** اگر سهم ادعاشده در خوداظهاری دست‌کم {points} واحد درصد بیشتر از سهم مشاهده‌شده در گزارش سامانه‌ها باشد، خدمات «فقط روی کاغذ» شناخته می‌شوند.",
        '**Claimed versus observed:** services exist "only on paper" when the share claimed in the self-report exceeds the share the service logs show by {points} percentage points or more.',
    ),
    "chain.rank": (
        "**رتبه:** رتبه‌بندی رقابتی («۱۲۲۴»): امتیازهای برابر (گردشده تا {decimals} رقم اعشار) رتبه یکسان می‌گیرند و رتبه بعدی جا می‌افتد.",
        '**Ranks:** competition ranking ("1224"): equal scores (rounded to {decimals} decimals) share a rank and the next rank is skipped.',
    ),
    "chain.rank_exact": (
        "**رتبه:** رتبه‌بندی رقابتی («۱۲۲۴»): امتیازهای برابر رتبه یکسان می‌گیرند و رتبه بعدی جا می‌افتد.",
        '**Ranks:** competition ranking ("1224"): equal scores share a rank and the next rank is skipped.',
    ),
    "chain.robustness": (
        "**پایداری رتبه:** وزن‌ها در بازه اعلام‌شده هر گره (وگرنه وزن × (۱ ± {spread})) جابه‌جا می‌شوند تا بازه رتبه هر دستگاه به دست آید.",
        "**Rank robustness:** weights are perturbed within each node's declared bounds (else weight × (1 ± {spread})) to give each agency's rank interval.",
    ),
    "h.methods": ("### روش‌های هم‌مقیاس‌سازی و تجمیع", "### Normalisation and aggregation methods"),
    "methods.head": ("| روش | معنا |", "| Method | What it means |"),
    "h.bands": ("### بازه‌های وضعیت", "### Status bands"),
    "bands.head": ("| وضعیت | تحقق |", "| Status | Achievement |"),
    "band.ahead": ("جلوتر از مسیر", "ahead"),
    "band.on_track": ("در مسیر", "on track"),
    "band.behind": ("عقب", "behind"),
    "band.off_track": ("خارج از مسیر", "off track"),
    "band.at_least": ("دست‌کم {value}", "at least {value}"),
    "band.below": ("کمتر از {value}", "below {value}"),
    "h.tree": ("## محورها و وزن‌ها", "## Pillars and weights"),
    "tree.note": (
        "سهم از شاخص کل، حاصل‌ضرب سهم هر گره از گروه بالادست تا ریشه است (وزن اسمی، پیش از تقسیم دوباره وزن‌ها برای داده‌های گزارش‌نشده).",
        "The share of the index is the product of each node's share of its parent up to the root (nominal weights, before renormalisation for missing data).",
    ),
    "tree.head": (
        "| محور | کد | وزن | سهم از گروه بالادست | سهم از شاخص کل | تجمیع |",
        "| Pillar | Code | Weight | Share of parent | Share of index | Aggregation |",
    ),
    "h.indicators": ("## شاخص‌ها", "## Indicators"),
    "ind.pillar": (
        "- **محور:** {pillar} — وزن {weight} ({share_parent} از گروه، {share_index} از شاخص کل)",
        "- **Pillar:** {pillar} — weight {weight} ({share_parent} of its group, {share_index} of the index)",
    ),
    "ind.group": (
        "- **گروه:** {pillar} — وزن {weight} ({share_parent} از گروه، {share_index} از شاخص کل)",
        "- **Group:** {pillar} — weight {weight} ({share_parent} of its group, {share_index} of the index)",
    ),
    "ind.best_of": (
        "- **گروه:** {pillar} — بهترین اجزای آن به کار می‌رود (وزن‌ها به کار نمی‌روند)",
        "- **Group:** {pillar} — the best of its components counts (weights are not used)",
    ),
    "ind.unit": ("- **واحد:** {unit}", "- **Unit:** {unit}"),
    "ind.direction": ("- **جهت:** {direction}", "- **Direction:** {direction}"),
    "direction.up": ("بیشتر بهتر است", "higher is better"),
    "direction.down": ("کمتر بهتر است", "lower is better"),
    "ind.formula": ("- **نحوه محاسبه:** {formula}", "- **Formula:** {formula}"),
    "ind.missing": ("- **داده گزارش‌نشده:** {missing}", "- **Missing values:** {missing}"),
    "ind.normalisation": ("- **هم‌مقیاس‌سازی:** {method}", "- **Normalisation:** {method}"),
    "ind.goalposts": ("دروازه‌ها {lower} تا {upper}", "goalposts {lower} to {upper}"),
    "ind.baseline": (
        "- **سال پایه:** {year} (مقدار خود دستگاه در این سال)",
        "- **Baseline year:** {year} (the agency's own value that year)",
    ),
    "ind.target": ("- **هدف {year}:** {target}", "- **{year} target:** {target}"),
    "ind.no_target": ("- **هدف:** اعلام نشده", "- **Target:** none declared"),
    "ind.path": ("- **مسیر:** {path}", "- **Path:** {path}"),
    "ind.overrides": (
        "- **هدف یا مسیر ویژه دستگاه:** {agencies}",
        "- **Agency-specific target or path:** {agencies}",
    ),
    "path.straight": (
        "خط راست از مقدار خود دستگاه در سال {baseline} تا {target} در سال {year}",
        "a straight line from the agency's own value in {baseline} to {target} in {year}",
    ),
    "path.declared": (
        "مسیر اعلام‌شده از مقدار خود دستگاه در سال {baseline}: {knots}",
        "declared path from the agency's own value in {baseline}: {knots}",
    ),
    "path.none": ("بدون هدف، مسیری هم نیست", "no target, so no path"),
    "missing.missing": (
        "بی‌مقدار می‌ماند (صفر نمی‌شود)؛ وزن آن میان اجزای دارای داده تقسیم می‌شود",
        "stays missing (never zero); its weight is shared among the components present",
    ),
    "missing.zero": ("صفر شمرده می‌شود و «جایگزین‌شده» علامت می‌خورد", "counted as 0, flagged as imputed"),
    "missing.carry_forward": (
        "آخرین مقدار گزارش‌شده دستگاه تکرار می‌شود و «جایگزین‌شده» علامت می‌خورد",
        "the agency's last reported value is carried forward, flagged as imputed",
    ),
    "h.logs": ("## شاخص‌های گزارش سامانه‌ها", "## Service-log KPIs"),
    "logs.head": ("| کد | نام | واحد |", "| Code | Name | Unit |"),
    "h.answers": ("## جدول‌های پاسخ", "## Answer tables"),
    "answers.row": ("- `{name}`: {scores}", "- `{name}`: {scores}"),
    "list.sep": ("، ", ", "),
    "formula.log": ("(از گزارش سامانه‌ها)", "(from service logs)"),
    "formula.boolean": ("`{field}`: بله = {scale}، خیر = ۰", "`{field}`: yes = {scale}, no = 0"),
    "formula.level": (
        "({terms}) ÷ `{total}`؛ امتیاز سطح‌ها: {levels}؛ خدمتی که در هیچ‌یک از این سطح‌ها نیست صفر می‌گیرد",
        "({terms}) ÷ `{total}`; level scores: {levels}; a service at none of these levels scores 0",
    ),
    "formula.choice": ("گزینه ثبت‌شده در `{field}`: {scores}", "the option stored in `{field}`: {scores}"),
    "formula.option": ("گزینه {option} = {score}", "option {option} = {score}"),
    "formula.answer": ("پاسخ `{field}`{table}: {scores}", "the answer to `{field}`{table}: {scores}"),
    "formula.answer_table": (" (جدول `{name}`)", " (table `{name}`)"),
    "formula.not_relevant": (
        "«{answer}» = بی‌مقدار (کنار گذاشته می‌شود)",
        "\u201c{answer}\u201d = missing (dropped)",
    ),
    "formula.answer_strict": ("؛ پاسخ اعلام‌نشده خطا است", "; any other answer is an error"),
    "formula.value": ("مقدار `{field}` همان‌گونه که گزارش شده", "`{field}` as reported"),
    "quote": ("«{text}»", "\u201c{text}\u201d"),
}

# Units as the catalogues spell them, in Persian; any other unit is shown as declared.
_UNITS_FA: dict[str, str] = {
    "%": "درصد",
    "points": "امتیاز",
    "score": "امتیاز",
    "score 0–1": "امتیاز صفر تا یک",
    "years": "سال",
    "per 100": "در هر ۱۰۰ نفر",
}

_NORMALISATION_TEXT: dict[str, tuple[str, str, str, str]] = {
    # method: (Persian name, Persian meaning, English name, English meaning)
    "distance_to_target": (
        "فاصله تا هدف",
        "سهم راه طی‌شده از بدترین مقدار (صفر یا دروازه پایین اعلام‌شده) تا هدف برنامه، ضرب در {max} و محدود به صفر تا {max}؛ امتیاز هر دستگاه به دستگاه‌های دیگر بستگی ندارد.",
        "distance to target",
        "the share of the way from the worst value (0, or the declared lower goalpost) to the plan's target, times {max}, capped to 0–{max}; an agency's score does not depend on the others.",
    ),
    "min_max": (
        "کمینه-بیشینه",
        "بازمقیاس روی مجموعه‌ای که با هم سنجیده می‌شوند: بدترین مقدار صفر و بهترین {max}؛ به دیگران بستگی دارد.",
        "min-max",
        "rescaled over the set scored together: the worst present value 0, the best {max}; depends on who else is scored.",
    ),
    "z_score": (
        "نمره استاندارد",
        "(مقدار − میانگین) ÷ انحراف معیار، روی مجموعه‌ای که با هم سنجیده می‌شوند.",
        "z-score",
        "(value − mean) ÷ standard deviation over the set scored together.",
    ),
    "goalposts": (
        "دروازه‌های ثابت",
        "دروازه پایین صفر و دروازه بالا {max} می‌گیرد (برای هر شاخص اعلام می‌شود)، محدود به همین بازه؛ در طول سال‌ها مقایسه‌پذیر می‌ماند.",
        "goalposts",
        "the lower goalpost scores 0 and the upper {max} (declared per indicator), capped; comparable across years.",
    ),
    "rank": (
        "رتبه صدکی",
        "جایگاه در میان مجموعه‌ای که با هم سنجیده می‌شوند: بدترین صفر، بهترین {max}.",
        "percentile rank",
        "position among the set scored together: the worst 0, the best {max}.",
    ),
    "none": (
        "بدون تغییر",
        "مقدار همان‌گونه که هست به کار می‌رود (از پیش روی مقیاس مشترک است).",
        "none",
        "the value is used as it is (already on the common scale).",
    ),
}

_AGGREGATION_TEXT: dict[str, tuple[str, str, str, str]] = {
    "arithmetic": (
        "میانگین حسابی وزنی",
        "Σ(وزن × امتیاز) ÷ Σوزن؛ ضعف یک جزء با قوت جزء دیگر کاملاً جبران می‌شود.",
        "weighted arithmetic mean",
        "Σ(weight × score) ÷ Σweight; a strong component fully makes up for a weak one.",
    ),
    "geometric": (
        "میانگین هندسی وزنی",
        "exp(Σ(وزن × ln امتیاز) ÷ Σوزن)؛ جبران جزئی، و یک جزء صفر کل را صفر می‌کند.",
        "weighted geometric mean",
        "exp(Σ(weight × ln score) ÷ Σweight); partial compensation, and one zero component makes the whole zero.",
    ),
    "harmonic": (
        "میانگین همساز وزنی",
        "Σوزن ÷ Σ(وزن ÷ امتیاز)؛ کمترین جبران میان اجزا.",
        "weighted harmonic mean",
        "Σweight ÷ Σ(weight ÷ score); the least compensation between components.",
    ),
    "maximum": (
        "بهترین",
        "بیشترین امتیاز در میان اجزای دارای داده؛ وزن‌ها به کار نمی‌روند (مانند بهترین ارائه‌دهنده خدمت دولت مرکزی).",
        "best of",
        "the highest score among the components present; weights are not used (as the best of several central-government providers).",
    ),
}


# --- small formatters ---------------------------------------------------------------------------------------


def _t(key: str, lang: Lang, **values: object) -> str:
    fa, en = _TEXT[key]
    return (fa if lang == "fa" else en).format(**values)


def _pick(lang: Lang, fa: str, en: str) -> str:
    return fa if lang == "fa" else en


def format_number(value: float | None, lang: Lang, *, decimals: int = 4) -> str:
    """A number as a reader writes it: no trailing zeros, Persian digits and decimal mark in Persian.

    >>> format_number(1.5, "en"), format_number(1.5, "fa"), format_number(1394, "fa"), format_number(100.0, "en")
    ('1.5', '۱٫۵', '۱۳۹۴', '100')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
    text = "0" if text in ("-0", "") else text
    return text.translate(_FA_DIGITS) if lang == "fa" else text


def format_share(share_pct: float, lang: Lang) -> str:
    """A share on a 0–100 scale with one decimal at most: ``12.5%`` or ``۱۲٫۵٪``.

    >>> format_share(100 / 3, "en"), format_share(25.0, "fa")
    ('33.3%', '۲۵٪')
    """
    if math.isnan(share_pct):
        return "–"
    return format_number(share_pct, lang, decimals=1) + ("٪" if lang == "fa" else "%")


def _year(year: int, lang: Lang) -> str:
    return format_number(year, lang, decimals=0)


def _unit(unit: str, lang: Lang) -> str:
    return _UNITS_FA.get(unit, unit.translate(_FA_DIGITS)) if lang == "fa" else unit


def _join(items: list[str], lang: Lang) -> str:
    return _t("list.sep", lang).join(items)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


# --- weights ------------------------------------------------------------------------------------------------


def weight_shares(catalogue: Catalogue) -> dict[str, tuple[float, float]]:
    """Each node's nominal share of its parent and of the index, in percent.

    Under a best-of (``maximum``) group weights do not apply, so its children and everything below
    them have no share (NaN); elsewhere the shares of siblings sum to 100 %.
    """
    shares: dict[str, tuple[float, float]] = {catalogue.root.code: (100.0, 100.0)}
    for node in _depth_first(catalogue):
        if node.parent is None:
            continue
        parent = catalogue.nodes[node.parent]
        siblings = catalogue.children(node.parent)
        of_parent = 100.0 * node.weight / sum(s.weight for s in siblings)
        if isinstance(parent, Group) and parent.aggregation == "maximum":
            of_parent = math.nan
        shares[node.code] = (of_parent, shares[parent.code][1] * of_parent / 100.0)
    return shares


def _depth_first(catalogue: Catalogue, code: str | None = None) -> Iterator[Group | Indicator]:
    """Every node from the root down, each group followed by its children (groups, then indicators)."""
    node = catalogue.nodes[code or catalogue.root.code]
    yield node
    for child in catalogue.children(node.code):
        yield from _depth_first(catalogue, child.code)


def _aggregation_of(group: Group, catalogue: Catalogue) -> str:
    return group.aggregation or catalogue.scoring.aggregation


def _normalisation_of(indicator: Indicator, catalogue: Catalogue) -> str:
    return indicator.normalisation or catalogue.scoring.normalisation


# --- formulas, missing values, paths in words ----------------------------------------------------------------


def _field(name: str, lang: Lang) -> str:
    note = f" {_t('formula.log', lang)}" if input_source(name) == "log" else ""
    return f"`{name}`{note}"


def _sum(names: str | tuple[str, ...], lang: Lang) -> str:
    items = (names,) if isinstance(names, str) else names
    text = " + ".join(_field(n, lang) for n in items)
    return f"({text})" if len(items) > 1 else text


def _times(scale: float, lang: Lang) -> str:
    return "" if scale == 1 else f" × {format_number(scale, lang)}"


def describe_formula(formula: Formula, lang: Lang) -> str:
    """A declared formula in words, with the input names as declared.

    >>> describe_formula(RatioFormula(op="ratio", numerator="files_electronic", denominator="files_total"), "en")
    '`files_electronic` ÷ `files_total` × 100'
    """
    if isinstance(formula, RatioFormula):
        return f"{_sum(formula.numerator, lang)} ÷ {_sum(formula.denominator, lang)}{_times(formula.scale, lang)}"
    if isinstance(formula, ShareOfSumFormula):
        parts = f"({' + '.join(_field(n, lang) for n in formula.parts)})"
        return f"{_sum(formula.part, lang)} ÷ {parts}{_times(formula.scale, lang)}"
    if isinstance(formula, BooleanFormula):
        return _t("formula.boolean", lang, field=formula.field, scale=format_number(formula.scale, lang))
    if isinstance(formula, LevelScoreFormula):
        terms = " + ".join(f"{format_number(s, lang)} × `{n}`" for n, s in formula.counts.items())
        levels = _join([f"`{n}` = {format_number(s, lang)}" for n, s in formula.counts.items()], lang)
        return _t("formula.level", lang, terms=terms, total=formula.total, levels=levels)
    if isinstance(formula, ChoiceScoreFormula):
        options = [
            _t("formula.option", lang, option=format_number(i, lang), score=format_number(s, lang))
            for i, s in enumerate(formula.scores)
        ]
        return _t("formula.choice", lang, field=formula.field, scores=_join(options, lang))
    if isinstance(formula, AnswerScoreFormula):
        table = _t("formula.answer_table", lang, name=formula.table) if formula.table else ""
        scores = _describe_answers(formula.scores, lang) + _t("formula.answer_strict", lang)
        return _t("formula.answer", lang, field=formula.field, table=table, scores=scores)
    return _t("formula.value", lang, field=formula.field) + (
        f" {_t('formula.log', lang)}" if input_source(formula.field) == "log" else ""
    )


def _describe_answers(scores: dict[str, float | None], lang: Lang) -> str:
    items = [
        _t("formula.not_relevant", lang, answer=answer)
        if score is None
        else f"{_t('quote', lang, text=answer)} = {format_number(score, lang)}"
        for answer, score in scores.items()
    ]
    return _join(items, lang)


def describe_path(indicator: Indicator, catalogue: Catalogue, lang: Lang) -> str:
    """The road to the target in words: a straight line from the agency's own baseline unless declared."""
    if indicator.target is None:
        return _t("path.none", lang)
    baseline = _year(resolved_baseline_year(indicator, catalogue.plan), lang)
    target_year = resolved_target_year(indicator, catalogue.plan)
    target = format_number(indicator.target, lang)
    if not indicator.path:
        return _t("path.straight", lang, baseline=baseline, target=target, year=_year(target_year, lang))
    knots = {**indicator.path, target_year: indicator.path.get(target_year, indicator.target)}
    text = _join([f"{_year(y, lang)} = {format_number(v, lang)}" for y, v in sorted(knots.items())], lang)
    return _t("path.declared", lang, baseline=baseline, knots=text)


def _method_name(method: str, lang: Lang) -> str:
    table = _NORMALISATION_TEXT if method in _NORMALISATION_TEXT else _AGGREGATION_TEXT
    fa, _, en, _ = table[method]
    return _pick(lang, fa, en)


def _method_meaning(method: str, lang: Lang, catalogue: Catalogue) -> str:
    table = _NORMALISATION_TEXT if method in _NORMALISATION_TEXT else _AGGREGATION_TEXT
    _, fa, _, en = table[method]
    return _pick(lang, fa, en).format(max=format_number(catalogue.scoring.score_max, lang))


def _indicator_normalisation(indicator: Indicator, catalogue: Catalogue, lang: Lang) -> str:
    method = _normalisation_of(indicator, catalogue)
    text = f"{_method_name(method, lang)} (`{method}`)"
    if indicator.goalposts is not None and method in ("goalposts", "distance_to_target"):
        low, high = (format_number(v, lang) for v in indicator.goalposts)
        text += _t("list.sep", lang) + _t("ind.goalposts", lang, lower=low, upper=high)
    return text


# --- tables -------------------------------------------------------------------------------------------------


def methodology_tables(catalogue: Catalogue) -> dict[str, pd.DataFrame]:
    """The methodology as grids: ``pillars`` (every group, root first, depth-first) and ``indicators``.

    Names, descriptions, formulas and paths are given in both languages (``*_fa``, ``*_en``); shares are
    percentages of the parent and of the index (nominal weights).
    """
    return {"pillars": _pillar_table(catalogue), "indicators": _indicator_table(catalogue)}


def _pillar_table(catalogue: Catalogue) -> pd.DataFrame:
    shares = weight_shares(catalogue)
    rows = []
    for node in _depth_first(catalogue):
        if not isinstance(node, Group):
            continue
        low, high = node.bounds(catalogue.scoring.weight_spread)
        rows.append(
            {
                "code": node.code,
                "parent": node.parent,
                "depth": len(catalogue.ancestors(node.code)),
                "name_fa": node.name_fa,
                "name_en": node.name_en,
                "description_fa": node.description_fa,
                "description_en": node.description_en,
                "weight": node.weight,
                "weight_low": low,
                "weight_high": high,
                "share_of_parent_pct": shares[node.code][0],
                "share_of_index_pct": shares[node.code][1],
                "aggregation": _aggregation_of(node, catalogue),
                "rescale": node.rescale,
                "indicators": len(catalogue.indicators_under(node.code)),
            }
        )
    return pd.DataFrame(rows)


def _indicator_table(catalogue: Catalogue) -> pd.DataFrame:
    shares = weight_shares(catalogue)
    rows = []
    for node in _depth_first(catalogue):
        if not isinstance(node, Indicator):
            continue
        pillars = catalogue.ancestors(node.code)
        rows.append(
            {
                "code": node.code,
                "parent": node.parent,
                "pillar": pillars[-2] if len(pillars) > 1 else node.parent,
                "name_fa": node.name_fa,
                "name_en": node.name_en,
                "description_fa": node.description_fa,
                "description_en": node.description_en,
                "unit": node.unit,
                "direction": node.direction,
                "weight": node.weight,
                "share_of_parent_pct": shares[node.code][0],
                "share_of_index_pct": shares[node.code][1],
                "inputs": ", ".join(node.inputs()),
                "formula_fa": describe_formula(node.formula, "fa"),
                "formula_en": describe_formula(node.formula, "en"),
                "missing": node.missing,
                "normalisation": _normalisation_of(node, catalogue),
                "goalposts": node.goalposts,
                "baseline_year": resolved_baseline_year(node, catalogue.plan),
                "target_year": resolved_target_year(node, catalogue.plan),
                "target": node.target,
                "path_fa": describe_path(node, catalogue, "fa"),
                "path_en": describe_path(node, catalogue, "en"),
                "overrides": ", ".join(sorted(node.overrides)),
            }
        )
    return pd.DataFrame(rows)


# --- the document -------------------------------------------------------------------------------------------


def methodology_markdown(catalogue: Catalogue, *, lang: Lang = "fa") -> str:
    """The complete methodology document for ``catalogue`` in ``lang`` (``fa`` or ``en``), as Markdown."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    plan = catalogue.plan
    blocks = [
        f"# {_t('title', lang, plan=_pick(lang, plan.name_fa, plan.name_en))}",
        _t("generated", lang, version=catalogue.version),
        _plan_section(catalogue, lang),
        _chain_section(catalogue, lang),
        _methods_section(catalogue, lang),
        _bands_section(catalogue, lang),
        _tree_section(catalogue, lang),
        _indicators_section(catalogue, lang),
        _answer_tables_section(catalogue, lang),
        _log_kpis_section(catalogue, lang),
    ]
    body = "\n\n".join(block for block in blocks if block) + "\n"
    return f'<div dir="rtl" lang="fa">\n\n{body}\n</div>\n' if lang == "fa" else body


def _plan_section(catalogue: Catalogue, lang: Lang) -> str:
    plan, root = catalogue.plan, catalogue.root
    first, target = _year(plan.first_year, lang), _year(plan.target_year, lang)
    lines = [
        _t("h.plan", lang),
        "",
        _t("plan", lang, plan=_pick(lang, plan.name_fa, plan.name_en), code=plan.code, first=first, target=target),
        _t(
            "index",
            lang,
            name=_pick(lang, root.name_fa, root.name_en),
            description=_pick(lang, root.description_fa, root.description_en),
        ),
        _t(
            "counts",
            lang,
            pillars=format_number(len(catalogue.children(root.code)), lang),
            groups=format_number(len(catalogue.groups), lang),
            indicators=format_number(len(catalogue.indicators), lang),
        ),
    ]
    return "\n".join(lines)


def _chain_section(catalogue: Catalogue, lang: Lang) -> str:
    scoring, target = catalogue.scoring, _year(catalogue.plan.target_year, lang)
    normalisation, aggregation = scoring.normalisation, scoring.aggregation
    steps = [
        _t("chain.values", lang),
        _t("chain.missing", lang),
        _t("chain.path", lang, target=target),
        _t(
            "chain.normalise",
            lang,
            method=f"{_method_name(normalisation, lang)} (`{normalisation}`)",
            meaning=_method_meaning(normalisation, lang, catalogue),
        ),
        _t(
            "chain.aggregate",
            lang,
            method=f"{_method_name(aggregation, lang)} (`{aggregation}`)",
            meaning=_method_meaning(aggregation, lang, catalogue),
        ),
        _t("chain.coverage", lang, share=format_share(100 * scoring.min_coverage, lang)),
        _t("chain.status", lang),
        _t("chain.trend", lang, years=format_number(scoring.trend_years, lang), target=target),
        _t(
            "chain.maturity",
            lang,
            share=format_share(100 * scoring.maturity_threshold, lang),
            levels=_levels(catalogue, lang),
        ),
        _t("chain.paper", lang, points=format_number(scoring.paper_gap_points, lang)),
        _t("chain.rank", lang, decimals=format_number(scoring.rank_decimals, lang))
        if scoring.rank_decimals is not None
        else _t("chain.rank_exact", lang),
        _t("chain.robustness", lang, spread=format_share(100 * scoring.weight_spread, lang)),
    ]
    # Markdown numbers lists with Latin digits only, so the Persian steps are bullets numbered in Persian.
    marker = (lambda n: f"- {format_number(n, lang)}. ") if lang == "fa" else (lambda n: f"{n}. ")
    return "\n".join([_t("h.chain", lang), "", *(marker(n) + step for n, step in enumerate(steps, start=1))])


def _levels(catalogue: Catalogue, lang: Lang) -> str:
    formula = next((i.formula for i in catalogue.indicators if isinstance(i.formula, LevelScoreFormula)), None)
    if formula is None:
        return _t("maturity.none", lang)
    return _t("maturity.levels", lang, levels=_join([f"`{name}`" for name in formula.counts], lang))


def _methods_section(catalogue: Catalogue, lang: Lang) -> str:
    used_normalisations = {_normalisation_of(i, catalogue) for i in catalogue.indicators}
    used_aggregations = {_aggregation_of(g, catalogue) for g in catalogue.groups}
    rows = [_t("h.methods", lang), "", _t("methods.head", lang), "|---|---|"]
    for method in (*_NORMALISATION_TEXT, *_AGGREGATION_TEXT):
        used = method in used_normalisations or method in used_aggregations
        name = f"{_method_name(method, lang)} (`{method}`)"
        rows.append(f"| {'**' + name + '**' if used else name} | {_cell(_method_meaning(method, lang, catalogue))} |")
    return "\n".join(rows)


def _bands_section(catalogue: Catalogue, lang: Lang) -> str:
    bands = catalogue.scoring.status_bands
    number = lambda value: format_number(value, lang)  # noqa: E731 - a local shorthand reads better here
    rows = [
        (_t("band.ahead", lang), _t("band.at_least", lang, value=number(bands.ahead))),
        (_t("band.on_track", lang), _t("band.at_least", lang, value=number(bands.on_track))),
        (_t("band.behind", lang), _t("band.at_least", lang, value=number(bands.behind))),
        (_t("band.off_track", lang), _t("band.below", lang, value=number(bands.behind))),
    ]
    lines = [_t("h.bands", lang), "", _t("bands.head", lang), "|---|---|"]
    return "\n".join([*lines, *(f"| {status} | {bound} |" for status, bound in rows)])


def _tree_section(catalogue: Catalogue, lang: Lang) -> str:
    table = _pillar_table(catalogue)
    lines = [_t("h.tree", lang), "", _t("tree.note", lang), "", _t("tree.head", lang), "|---|---|---|---|---|---|"]
    for row in table.itertuples(index=False):
        indent = "— " * int(row.depth)
        name = _pick(lang, str(row.name_fa), str(row.name_en))
        method = str(row.aggregation) + (" + min-max" if row.rescale == "min_max" else "")
        lines.append(
            f"| {indent}{_cell(name)} | `{row.code}` | {format_number(float(row.weight), lang)} "
            f"| {format_share(float(row.share_of_parent_pct), lang)} | {format_share(float(row.share_of_index_pct), lang)} "
            f"| {_method_name(str(row.aggregation), lang)} (`{method}`) |"
        )
    return "\n".join(lines)


def _indicators_section(catalogue: Catalogue, lang: Lang) -> str:
    blocks = [_t("h.indicators", lang)]
    for pillar in catalogue.children(catalogue.root.code):
        name = _pick(lang, pillar.name_fa, pillar.name_en)
        blocks.append(f"### {name} (`{pillar.code}`)")
        blocks += [_indicator_block(i, catalogue, lang) for i in catalogue.indicators_under(pillar.code)]
    return "\n\n".join(blocks)


def _indicator_block(indicator: Indicator, catalogue: Catalogue, lang: Lang) -> str:
    description = _pick(lang, indicator.description_fa, indicator.description_en)
    lines = [
        f"#### {_pick(lang, indicator.name_fa, indicator.name_en)} (`{indicator.code}`)",
        "",
        *([description, ""] if description else []),
        _parent_line(indicator, catalogue, lang),
        _t("ind.unit", lang, unit=_unit(indicator.unit, lang)),
        _t("ind.direction", lang, direction=_t("direction.up" if indicator.direction == 1 else "direction.down", lang)),
        _t("ind.formula", lang, formula=describe_formula(indicator.formula, lang)),
        _t("ind.missing", lang, missing=_t(f"missing.{indicator.missing}", lang)),
        _t("ind.normalisation", lang, method=_indicator_normalisation(indicator, catalogue, lang)),
        *_target_lines(indicator, catalogue, lang),
    ]
    if indicator.overrides:
        lines.append(_t("ind.overrides", lang, agencies=_join([f"`{a}`" for a in sorted(indicator.overrides)], lang)))
    return "\n".join(lines)


def _parent_line(indicator: Indicator, catalogue: Catalogue, lang: Lang) -> str:
    parent = catalogue.nodes[indicator.parent]
    name = _pick(lang, parent.name_fa, parent.name_en)
    if isinstance(parent, Group) and parent.aggregation == "maximum":
        return _t("ind.best_of", lang, pillar=name)
    share_of_parent, share_of_index = weight_shares(catalogue)[indicator.code]
    return _t(
        "ind.pillar" if parent.parent == catalogue.root.code else "ind.group",
        lang,
        pillar=name,
        weight=format_number(indicator.weight, lang),
        share_parent=format_share(share_of_parent, lang),
        share_index=format_share(share_of_index, lang),
    )


def _target_lines(indicator: Indicator, catalogue: Catalogue, lang: Lang) -> list[str]:
    """Baseline year, target and path; an indicator without a target (a published index) has none."""
    if indicator.target is None:
        return [_t("ind.no_target", lang)]
    target_year = _year(resolved_target_year(indicator, catalogue.plan), lang)
    return [
        _t("ind.baseline", lang, year=_year(resolved_baseline_year(indicator, catalogue.plan), lang)),
        _t("ind.target", lang, year=target_year, target=format_number(indicator.target, lang)),
        _t("ind.path", lang, path=describe_path(indicator, catalogue, lang)),
    ]


def _answer_tables_section(catalogue: Catalogue, lang: Lang) -> str:
    if not catalogue.answer_tables:
        return ""
    lines = [_t("h.answers", lang), ""]
    for name, scores in catalogue.answer_tables.items():
        lines.append(_t("answers.row", lang, name=name, scores=_describe_answers(scores, lang)))
    return "\n".join(lines)


def _log_kpis_section(catalogue: Catalogue, lang: Lang) -> str:
    if not catalogue.log_kpis:
        return ""
    lines = [_t("h.logs", lang), "", _t("logs.head", lang), "|---|---|---|"]
    for kpi in catalogue.log_kpis:
        lines.append(
            f"| `log.{kpi.code}` | {_cell(_pick(lang, kpi.name_fa, kpi.name_en))} | {_cell(_unit(kpi.unit, lang))} |"
        )
    return "\n".join(lines)
