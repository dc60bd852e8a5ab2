"""A deterministic synthetic city: schools, kindergartens and class enrolments.

Scale 1 is about Zhengzhou's size around 2016 (DOMAIN.md): ~1,000 primary, ~270 junior
and ~100 senior high schools, ~130 vocational schools, ~1,500 kindergartens and ~1.4
million pupils counted as class enrolments. The same seed and scale give the same city.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from eduplan.core.numbers import chinese_number
from eduplan.org.models import Ownership, UnitType
from eduplan.org.services import UnitSpec

# Share of the city's schools in each county-level unit (rough, by population).
DISTRICT_WEIGHTS: dict[str, float] = {
    "410102": 0.075,  # 中原区
    "410103": 0.070,  # 二七区
    "410104": 0.060,  # 管城回族区
    "410105": 0.105,  # 金水区
    "410106": 0.020,  # 上街区
    "410108": 0.040,  # 惠济区
    "410181": 0.090,  # 巩义市
    "410182": 0.075,  # 荥阳市
    "410183": 0.080,  # 新密市
    "410184": 0.085,  # 新郑市
    "410185": 0.075,  # 登封市
    "410122": 0.075,  # 中牟县
    "410174": 0.050,  # 郑东新区
    "410171": 0.030,  # 经开区
    "410172": 0.035,  # 高新区
    "410173": 0.035,  # 航空港区
}


@dataclass(frozen=True)
class Level:
    type: str
    label: str
    code_letter: str
    count: int  # at scale 1, under districts
    grades: tuple[int, ...]
    mean_class: float  # city average class size (2012)
    classes_per_grade: tuple[int, int]


LEVELS: tuple[Level, ...] = (
    Level(UnitType.PRIMARY, "小学", "P", 1010, (1, 2, 3, 4, 5, 6), 46.5, (2, 5)),
    Level(UnitType.JUNIOR, "初级中学", "J", 255, (7, 8, 9), 53.4, (5, 10)),
    Level(UnitType.SENIOR, "高级中学", "S", 70, (10, 11, 12), 59.8, (7, 12)),
    Level(UnitType.VOCATIONAL, "职业中专", "V", 110, (), 0, (0, 0)),
    Level(UnitType.KINDERGARTEN, "幼儿园", "K", 1500, (), 0, (0, 0)),
)
BUREAU_SCHOOLS = (  # 局属学校 at scale 1
    Level(UnitType.SENIOR, "郑州市第{n}中学", "S", 30, (10, 11, 12), 59.8, (10, 16)),
    Level(UnitType.JUNIOR, "郑州市第{n}初级中学", "J", 15, (7, 8, 9), 53.4, (8, 12)),
    Level(UnitType.VOCATIONAL, "郑州市第{n}职业中专", "V", 20, (), 0, (0, 0)),
)
CENSUS_YEARS = (2013, 2014, 2015, 2016, 2017, 2018)
# Pupils taken out of a crowded class each year by new buildings and enrolment control,
# city-wide; each district moves at its own pace (DISTRICT_PACE).
RELIEF_BY_YEAR = {2013: 0.0, 2014: 0.6, 2015: 1.4, 2016: 3.1, 2017: 3.9, 2018: 4.6}
NEW_SCHOOLS_PER_YEAR = 30  # the plan builds 90 schools in 2016–2018
# The share of those new schools at each level (the other levels open none).
NEW_SCHOOL_SHARES: dict[str, float] = {UnitType.PRIMARY: 0.7, UnitType.JUNIOR: 0.3}
KINDERGARTEN_NAMES = (
    *("阳光", "春苗", "彩虹", "童心", "小太阳", "蓝天"),
    *("快乐", "金色童年", "启航", "育才", "小星星", "博雅"),
)
KINDERGARTEN_GRADES = (
    "郑州市合格幼儿园",
    "郑州市二级幼儿园",
    "郑州市一级幼儿园",
    "郑州市示范性幼儿园",
    "河南省示范性幼儿园",
)


# Some districts relieve crowding faster than others (a realistic mix of statuses).
DISTRICT_PACE: dict[str, float] = {
    "410105": 1.15,
    "410102": 1.1,
    "410103": 1.0,
    "410104": 0.75,  # 管城回族区 lags
    "410122": 0.7,  # 中牟县 lags
    "410173": 0.85,
}


@dataclass(frozen=True)
class ClassRow:
    school_code: str
    school_year: int
    grade: int
    number: int
    pupils: int


@dataclass
class DemoCity:
    units: list[UnitSpec] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)

    @property
    def pupils(self) -> int:
        return sum(c.pupils for c in self.classes if c.school_year == max(CENSUS_YEARS))


def _short(district_name: str) -> str:
    return district_name.removesuffix("回族区")


def _opening(
    rng: random.Random, *, new: bool, index: int
) -> tuple[datetime.date, datetime.date | None]:
    """Most schools are old; new ones open during 2016–2018; a few close in 2014–2015."""
    if new:
        year = 2016 + index % 3
        return datetime.date(year, 9, 1), None
    opened = datetime.date(rng.randint(1950, 2012), 9, 1)
    closed = datetime.date(rng.choice((2014, 2015)), 7, 31) if rng.random() < 0.01 else None
    return opened, closed


def _class_sizes(rng: random.Random, level: Level, urban: bool) -> Iterator[tuple[int, int]]:
    """(grade, pupils) for each class of a school; urban schools run fuller."""
    school_mean = rng.gauss(level.mean_class + (3.0 if urban else -4.0), 4.0)
    low, high = level.classes_per_grade
    per_grade = rng.randint(low, high)
    for grade in level.grades:
        for _number in range(per_grade):
            yield grade, max(18, min(92, round(rng.gauss(school_mean, 5.0))))


def generate(
    *, districts: dict[str, tuple[str, str]], root_code: str, scale: float = 1.0, seed: int = 2016
) -> DemoCity:
    """Build the city in memory. `districts` maps code to (name, kind) as loaded."""
    build = _Builder(rng=random.Random(seed))
    for level in LEVELS:
        build.level_in_districts(level, districts, scale=scale)
    for level in BUREAU_SCHOOLS:
        for n in range(1, max(1, round(level.count * scale)) + 1):
            build.school_add(
                level,
                root_code,
                f"{root_code}-{level.code_letter}{n:04d}",
                level.label.format(n=chinese_number(n)),
                index=n,
                urban=True,
                new=False,
            )
    return build.city


@dataclass
class _Builder:
    """The city being built and the one random stream every draw comes from, in order."""

    rng: random.Random
    city: DemoCity = field(default_factory=DemoCity)

    def level_in_districts(
        self, level: Level, districts: dict[str, tuple[str, str]], *, scale: float
    ) -> None:
        """The level's schools under the districts by their weights, the newest of each
        district's opening during the plan."""
        district_codes = sorted(districts)
        total = max(1, round(level.count * scale))
        new_total = round(NEW_SCHOOLS_PER_YEAR * 3 * scale * NEW_SCHOOL_SHARES.get(level.type, 0))
        weights = [DISTRICT_WEIGHTS.get(code, 1 / len(district_codes)) for code in district_codes]
        per_district = _apportion(total, weights)
        new_per_district = _apportion(new_total, weights)
        for code, count, new in zip(district_codes, per_district, new_per_district, strict=True):
            name, kind = districts[code]
            for n in range(1, count + 1):
                ordinal = chinese_number(n) if n < 100 else str(n)
                if level.type == UnitType.KINDERGARTEN:
                    flavour = self.rng.choice(KINDERGARTEN_NAMES)
                    school_name = f"{_short(name)}{flavour}第{ordinal}幼儿园"
                else:
                    school_name = f"{_short(name)}第{ordinal}{level.label}"
                self.school_add(
                    level,
                    code,
                    f"{code}-{level.code_letter}{n:04d}",
                    school_name,
                    index=n,
                    urban=kind != "county",
                    new=n > count - new,
                )

    def school_add(
        self, level: Level, parent: str, code: str, name: str, *, index: int, urban: bool, new: bool
    ) -> None:
        """One school or kindergarten and, for a school, its classes in every census."""
        rng = self.rng
        opened, closed = _opening(rng, new=new, index=index)
        ownership = (
            Ownership.PRIVATE
            if rng.random() < (0.55 if level.type == UnitType.KINDERGARTEN else 0.08)
            else Ownership.PUBLIC
        )
        attributes: dict[str, object] = {}
        if level.type == UnitType.KINDERGARTEN:
            attributes = {
                "children": rng.randint(90, 480),
                "inclusive": ownership == Ownership.PUBLIC or rng.random() < 0.45,
                "grade": rng.choices(KINDERGARTEN_GRADES, weights=(40, 30, 18, 9, 3))[0],
            }
        elif level.type == UnitType.VOCATIONAL:
            attributes = {"students": rng.randint(600, 4000)}
        self.city.units.append(
            UnitSpec(
                code=code,
                name=name,
                type=level.type,
                parent_code=parent,
                ownership=ownership,
                opened_on=opened,
                closed_on=closed,
                attributes=attributes,
            )
        )
        if level.grades:
            pace = DISTRICT_PACE.get(parent, 1.0)
            self.classes_add(level, code, opened, closed, urban=urban, pace=pace)

    def classes_add(
        self,
        level: Level,
        code: str,
        opened: datetime.date,
        closed: datetime.date | None,
        *,
        urban: bool,
        pace: float,
    ) -> None:
        """The school's classes in each census it was open for; crowded classes shrink
        year by year at the district's pace, fastest where they are most crowded."""
        sizes = list(_class_sizes(self.rng, level, urban))
        for year in CENSUS_YEARS:
            census_day = datetime.date(year, 9, 30)
            if opened > census_day or (closed is not None and closed < census_day):
                continue
            relief = RELIEF_BY_YEAR[year] * pace
            counters: dict[int, int] = {}
            for grade, pupils in sizes:
                counters[grade] = counters.get(grade, 0) + 1
                jitter = self.rng.randint(-2, 2)
                crowded = max(0.0, (pupils - 45) / 10)
                size = round(pupils - relief * crowded + jitter)
                self.city.classes.append(
                    ClassRow(code, year, grade, counters[grade], max(15, size))
                )


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` by `weights` into whole numbers that add up to `total`."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
