"""Rounds 2 and 3 of the example county: the same 息县 audited again a quarter and two months later.

Round 1 is the shipped example (:data:`~redline.example.EXAMPLE_AS_OF`, 2026-06-30). Rounds 2 (2026-09-30) and 3
(2026-11-30) are derived from round 1's layers, read with :func:`redline.example.load_example`, by a few planted
edits; every other feature is left as it is, so that between two rounds the findings change only where a change
was planted, or where the passing of time alone decides (a start date's year running out, a record dated after
round 1's audit date coming into force). Each round's ``changes`` table lists them, one row per case touched.

Round 2 (2026-09-30)
    - 豫政土〔2024〕117号 and 豫政土〔2022〕109号: new 出让 contracts 411528-2026-009 (2026-07-15) and
      411528-2026-010 (2026-08-05) cover their unsupplied part: 批而未供 resolved, now supplied;
    - 豫政土〔2020〕951号 and 豫政土〔2024〕902号: supplied by 411528-2026-951 and 411528-2026-901, signed after
      round 1's audit date (in round 1's data already): resolved, now supplied; 豫政土〔2026〕901号, approved
      2026-09-15: a new 批而未供 case;
    - 411528-2022-006 (idle, not started): a factory hall built 2026-08-28 on it: resolved, now started;
    - 411528-2024-010: its start date 2025-07-27 has a full year behind it on 2026-07-27 (《闲置土地处置办法》
      第二条: 超过约定动工开发日期满一年未动工开发): a new idle case;
    - the other idle cases persist, 92 days (the days between the rounds) longer idle.

Round 3 (2026-11-30)
    - 411528-2020-007 (idle two full years): recovered without compensation (《闲置土地处置办法》第十四条第(二)项:
      未动工开发满两年的 … 无偿收回国有建设用地使用权); its supply record is removed. Its approval
      豫政土〔2016〕109号 persists with the recovered land unsupplied again;
    - 豫政土〔2017〕116号 is renumbered 豫政土〔2017〕161号 (the number corrected; same geometry, same date): one case,
      to be matched by geometry;
    - contract 411528-2026-009 is rescinded (the price never paid) and its record removed: 豫政土〔2024〕117号,
      resolved in round 2, reappears, unsupplied as in round 1.

The planted table (``planted``) stays round 1's: it states the findings as of 2026-06-30. ``example_info`` says the
round and its date. The deadline alerts (批后监管预警) are not listed in ``changes``: they move with the date alone
(a warning turns into an alert when its agreed date passes), and the contracts added and removed bring and take
their obligations (411528-2026-009's unpaid price is an escalated payment alert in round 2).

Examples
--------
>>> from redline.example.rounds import ROUND_DATES, example_round
>>> r2 = example_round(2)                                                      # doctest: +SKIP
>>> from redline.pipeline import run_audits
>>> run = run_audits({k: r2.layers[k] for k in ("approvals", "supplies", "buildings")},
...                  audits=["approved_not_supplied", "supplied_not_used"], as_of=r2.as_of)   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, box

from ..area import geodesic_area
from ._outline import ADCODE, CRS

#: the audit date of each round (round 1 is the example as shipped, :data:`redline.example.EXAMPLE_AS_OF`)
ROUND_DATES = {1: dt.date(2026, 6, 30), 2: dt.date(2026, 9, 30), 3: dt.date(2026, 11, 30)}

#: the columns of :attr:`ExampleRound.changes`
CHANGE_COLUMNS = ("round", "output", "case_key", "expected", "why", "matched_by", "old_key", "new_key")

#: the outputs whose cases the rounds change, and the column each case is keyed by
CASE_KEYS = {"approved_not_supplied": "approval_id", "idle_land": "supply_id"}

__all__ = ["CASE_KEYS", "CHANGE_COLUMNS", "ROUND_DATES", "ExampleRound", "example_round", "write_round"]


@dataclass(frozen=True)
class ExampleRound:
    """One audit round of the example county: its number, audit date, layers and the changes planted in it.

    ``changes`` has one row per case the round touches (columns :data:`CHANGE_COLUMNS`): ``output`` (the audit
    output, e.g. ``approved_not_supplied``), ``case_key`` (the business id in this round: 批准文号 or 合同编号),
    ``expected`` (``new``, ``persisting``, ``resolved`` or ``reappeared``, against the round before), ``why``
    (Chinese, then English), ``matched_by`` (``key``, or ``geometry`` for a renumbered case) and, for a renumbered
    case, ``old_key`` and ``new_key``. Round 1's is empty: every case in it is new.
    """

    number: int
    as_of: dt.date
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]
    changes: pd.DataFrame


def example_round(n: int, *, path=None) -> ExampleRound:
    """Round ``n`` (1, 2 or 3) of the example county; ``path``: round 1's GeoPackage (default the shipped one).

    Deterministic: the same round 1 gives the same rounds 2 and 3.
    """
    from . import load_example

    if n not in ROUND_DATES:
        raise ValueError(f"no example round {n!r}: the rounds are {', '.join(map(str, ROUND_DATES))}")
    layers = load_example(path=path)
    changes = _no_changes()
    for step, edit in ((2, _round_2), (3, _round_3)):  # each round is the one before with its own edits
        if n >= step:
            changes = edit(layers)
    info = layers.get("example_info")
    if info is not None:
        info = info[~info["key"].isin(["as_of", "round"])]
        layers["example_info"] = pd.concat(
            [info, pd.DataFrame({"key": ["as_of", "round"], "value": [ROUND_DATES[n].isoformat(), str(n)]})],
            ignore_index=True)
    return ExampleRound(n, ROUND_DATES[n], layers, changes)


def write_round(n: int, path, *, source=None) -> Path:
    """Write round ``n``'s layers into one GeoPackage at ``path`` (the example's layer names); returns the path."""
    from ..io import write_layers

    out = Path(os.fspath(path))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_layers(example_round(n, path=source).layers, out)
    return out


# -- the planted edits ---------------------------------------------------------------------------------------------


def _no_changes() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "round" else object) for c in CHANGE_COLUMNS})


def _frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS)).astype({c: object for c in CHANGE_COLUMNS[1:]})
    return out.where(out.notna(), None)


def _change(rnd: int, output: str, key: str, expected: str, why: str, *, old_key=None, new_key=None) -> dict:
    return {"round": rnd, "output": output, "case_key": key, "expected": expected, "why": why,
            "matched_by": "geometry" if old_key is not None else "key", "old_key": old_key, "new_key": new_key}


def _row(frame: pd.DataFrame, column: str, key: str) -> int:
    """The index label of the one row whose ``column`` is ``key`` (an error when there is not exactly one)."""
    hit = frame.index[frame[column] == key]
    if len(hit) != 1:
        raise ValueError(f"the example's round 1 has {len(hit)} rows with {column} = {key}, not one")
    return hit[0]


def _unsupplied_part(approval, supplies: gpd.GeoDataFrame):
    """The approval's polygon less every supply drawn on it (what a contract covering the rest is drawn as)."""
    covering = supplies.geometry[supplies.intersects(approval)]
    rest = shapely.difference(approval, shapely.union_all(covering.to_numpy())) if len(covering) else approval
    parts = [g for g in getattr(rest, "geoms", [rest]) if g.geom_type == "Polygon" and g.area > 1.0]
    return MultiPolygon(parts)


def _supply(supplies: gpd.GeoDataFrame, approval: pd.Series, geom, *, sid: str, signed: str, holder: str,
            industry: str, handover: str, start: str, completion: str, paid: str | None,
            handed_over: str | None) -> dict:
    """A 出让 contract for industrial land on ``approval``, in the example's fields and numbers (万元/亩 as the
    example's industrial land: price 15, investment 300)."""
    m2 = float(geodesic_area([geom], CRS)[0])
    mu = m2 / (10000 / 15)
    signed_d = dt.date.fromisoformat(signed)
    rec = dict.fromkeys(supplies.columns)
    rec.update({
        "合同编号": sid, "签订日期": signed, "供地方式": "出让", "土地用途": approval["规划用途"], "受让人": holder,
        "项目名称": f"{holder.replace('有限公司', '')}年产项目", "行业分类": industry, "出让面积": round(m2, 2),
        "出让价款": round(mu * 15, 2), "约定交地日期": handover,
        "约定缴款日期": (signed_d + dt.timedelta(days=30)).isoformat(), "约定开工日期": start, "约定竣工日期": completion,
        "实际交地日期": handed_over, "实际缴款日期": paid, "总投资": round(mu * 300, 2), "容积率下限": 0.8,
        "容积率上限": 2.5, "所在区县": approval["所在区县"], "行政区代码": approval["行政区代码"], "geometry": geom})
    return rec


def _append(frame: gpd.GeoDataFrame, records: list[dict]) -> gpd.GeoDataFrame:
    new = gpd.GeoDataFrame(pd.DataFrame(records, columns=frame.columns), geometry=frame.geometry.name, crs=frame.crs)
    out = pd.concat([frame, new.astype({c: frame[c].dtype for c in frame.columns if c != frame.geometry.name})],
                    ignore_index=True)
    return gpd.GeoDataFrame(out, geometry=frame.geometry.name, crs=frame.crs)


def _round_2(layers: dict) -> pd.DataFrame:
    """Round 2's edits, made on round 1's ``layers`` in place; returns its changes."""
    apps, sup, bld = layers["approvals"], layers["supplies"], layers["buildings"]
    rows, new = [], []
    for aid, sid, signed, holder, industry, handover, start, completion, paid, handed_over, note in (
            ("豫政土〔2024〕117号", f"{ADCODE}-2026-009", "2026-07-15", "河南嘉禾食品有限公司", "13", "2026-09-10",
             "2027-06-01", "2029-06-01", None, None, "出让价款未缴 price not yet paid"),
            ("豫政土〔2022〕109号", f"{ADCODE}-2026-010", "2026-08-05", "息县恒达实业有限公司", "33", "2026-09-25",
             "2027-06-30", "2029-06-30", "2026-08-30", "2026-09-20", "covering the part left unsupplied")):
        a = apps.loc[_row(apps, "批准文号", aid)]
        geom = _unsupplied_part(a.geometry, sup)
        new.append(_supply(sup, a, geom, sid=sid, signed=signed, holder=holder, industry=industry, handover=handover,
                           start=start, completion=completion, paid=paid, handed_over=handed_over))
        rows.append(_change(2, "approved_not_supplied", aid, "resolved",
                            f"已供地: 新签出让合同 {sid} ({signed}) 覆盖未供部分 / now supplied: contract {sid} "
                            f"signed {signed}, {note}"))
    for aid, sid, signed in (("豫政土〔2020〕951号", f"{ADCODE}-2026-951", "2026-08-15"),
                             ("豫政土〔2024〕902号", f"{ADCODE}-2026-901", "2026-08-10")):
        _row(sup, "合同编号", sid)
        rows.append(_change(2, "approved_not_supplied", aid, "resolved",
                            f"已供地: 出让合同 {sid} 签订于 {signed}, 晚于第1轮审计基准日 / now supplied: contract {sid} "
                            f"signed {signed}, after round 1's audit date (in round 1's data already)"))
    a = apps.loc[_row(apps, "批准文号", "豫政土〔2026〕901号")]
    rows.append(_change(2, "approved_not_supplied", a["批准文号"], "new",
                        f"新批准: 批准日期 {a['批准日期']}, 晚于第1轮审计基准日 / new: approved {a['批准日期']}, after "
                        "round 1's audit date (in round 1's data already)"))
    layers["supplies"] = _append(sup, new)

    # 411528-2022-006, idle (not started) in round 1: a factory hall built in the quarter
    sid = f"{ADCODE}-2022-006"
    site = sup.loc[_row(sup, "合同编号", sid)].geometry
    c = site.representative_point()
    hall = MultiPolygon([box(c.x - 40, c.y - 25, c.x + 40, c.y + 25).intersection(site.buffer(-8))])
    number = 1 + max(int(str(b).rsplit("-", 1)[1]) for b in bld["建筑物编号"])
    built = "2026-08-28"
    layers["buildings"] = _append(bld, [{
        "建筑物编号": f"{ADCODE}-JZ-{number:06d}", "层数": 1, "建筑面积": round(hall.area, 2), "层高": 7.5,
        "建筑高度": 7.5, "建筑类型": "建筑物", "建成日期": built, "geometry": hall}])
    rows.append(_change(2, "idle_land", sid, "resolved",
                        f"已动工: 厂房建成于 {built} / now started: a factory hall built {built}"))
    _row(sup, "合同编号", f"{ADCODE}-2024-010")
    rows.append(_change(2, "idle_land", f"{ADCODE}-2024-010", "new",
                        "新增闲置: 约定动工开发日期 2025-07-27 满一年 (2026-07-27) 未动工 / new: not started a full year "
                        "after its start date 2025-07-27 (idle from 2026-07-27)"))
    return _frame(rows)


def _round_3(layers: dict) -> pd.DataFrame:
    """Round 3's edits, made on round 2's ``layers`` in place; returns its changes."""
    apps, sup = layers["approvals"], layers["supplies"]
    rows = []
    recovered = f"{ADCODE}-2020-007"
    _row(sup, "合同编号", recovered)
    rows.append(_change(3, "idle_land", recovered, "resolved",
                        "已收回: 闲置满两年无偿收回 (《闲置土地处置办法》第十四条第(二)项), 供地记录注销 / recovered: idle "
                        "two full years, recovered without compensation (order 53 art. 14 (2)); supply record removed"))
    rows.append(_change(3, "approved_not_supplied", "豫政土〔2016〕109号", "persisting",
                        f"未供面积增加: {recovered} 收回的土地重新未供 / unsupplied area grows: the land recovered from "
                        f"{recovered} is unsupplied again"))
    rescinded = f"{ADCODE}-2026-009"
    _row(sup, "合同编号", rescinded)
    rows.append(_change(3, "approved_not_supplied", "豫政土〔2024〕117号", "reappeared",
                        f"重新出现: 出让合同 {rescinded} 解除 (出让价款未缴), 供地记录注销 / reappeared: contract "
                        f"{rescinded} rescinded (price not paid), supply record removed"))
    layers["supplies"] = sup[~sup["合同编号"].isin([recovered, rescinded])].reset_index(drop=True)

    old, new = "豫政土〔2017〕116号", "豫政土〔2017〕161号"
    if (apps["批准文号"] == new).any():
        raise ValueError(f"the example's round 1 already has an approval {new}")
    apps = apps.copy()
    apps.loc[_row(apps, "批准文号", old), "批准文号"] = new
    layers["approvals"] = apps
    rows.append(_change(3, "approved_not_supplied", new, "persisting",
                        f"批准文号更正: {old} 改为 {new}, 范围不变 / renumbered: {old} corrected to {new}, same "
                        "geometry", old_key=old, new_key=new))
    return _frame(rows)
