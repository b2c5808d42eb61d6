"""Generate the example county: 息县 (Xi County, Henan) with every finding redline can make planted in it.

No public Chinese approval, supply or basic-farmland data exists, so redline ships a generated county
on the real outline of 息县 (see :mod:`redline.example._outline`). Everything is deterministic for a
given seed (one ``numpy.random.Generator``) and built with shapely 2 only; the county takes a few
seconds. Layers are in EPSG:4547 (CGCS2000 3-degree Gauss-Kruger, central meridian 114E) and carry the
Chinese field names a bureau's data would have; :func:`redline.schema.apply_schema` maps them all.

Layers (GeoPackage table names) and their fields
-------------------------------------------------
``county``          行政区代码, 名称
``admin``           行政区代码, 名称, 级别                                   (乡镇 townships)
``landuse``         BSM, DLBM, DLMC, TBMJ, QSDWMC, ZLDWMC, CZCSXM, SJNF      (三调 DLTB style, TD/T 1055-2019 codes)
``farmland``        图斑编号, DLBM, 质量等别, TBMJ, 所在区县, 行政区代码       (永久基本农田)
``growth_boundary`` 边界编号, 名称, 分区类型                                  (城镇开发边界)
``eco_redline``     红线编号, 名称, 生态功能类型                              (生态保护红线)
``approvals``       批准文号, 批准日期, 批次名称, 批准机关, 规划用途, 批准面积, 所在区县, 行政区代码, 所在乡镇
``supplies``        合同编号, 签订日期, 供地方式, 土地用途, 受让人, 项目名称, 行业分类, 园区, 出让面积, 出让价款 (万元),
                    约定交地日期, 约定缴款日期, 约定开工日期, 约定竣工日期, 实际交地日期, 实际缴款日期, 实际开工日期,
                    实际竣工日期, 停工日期, 总投资 (万元), 已投资 (万元), 延期原因, 闲置原因代码 (the verified 第八条
                    cause), 补充协议约定动工开发日期, 容积率下限, 容积率上限, 所在区县, 行政区代码
``buildings``       建筑物编号, 层数, 建筑面积, 层高, 建筑高度, 建筑类型, 建成日期
``parcels``         宗地号, 土地用途, 行业分类, 园区, 土地使用者, 固定资产投资 (万元), 年税收 (万元), 年产值 (万元),
                    用途分类标准, 容积率上限, 堆场占地面积 (m², on the 用而不足 judgement cases), 所在区县
``farmland_taken``  批准文号, 项目名称, 行政区代码, 年度, 批准日期, 质量等别       (耕地占用, for 占补平衡)
``farmland_added``  项目编号, 项目名称, 行政区代码, 年度, 验收日期, 质量等别       (补充耕地 accepted projects)
``facility_agri``   备案编号, 备案日期, 项目名称                               (设施农用地备案)
``temporary_use``   批准文号, 批准日期, 到期日期, 项目名称                      (临时用地)
``landuse_base``    as ``landuse``, SJNF 2020: the base period of the TD/T 1018 evaluation (some construction
                    land of ``landuse`` still cultivated 旱地 0103)
``stats``           乡镇, 行政区代码, 年份, 地区生产总值(亿元), 常住人口(万人), 固定资产投资(万元), 税收收入(万元)
                    (no geometry: every township in 2020 and 2025)
``linkage_demolished`` 地块编号, 项目编号, 项目名称, 拆旧面积, 建新面积, 节余指标, 周转指标归还期限, 归还日期 (增减挂钩拆旧区)
``linkage_built``   地块编号, 项目编号, 是否安置区, 批准日期                     (增减挂钩建新区)
``landuse_later``   BSM, DLBM, DLMC, SJNF (2025 年度变更, only where the 补-side cases changed the land)
``consolidation``   项目编号, 项目名称, 立项日期, 建设规模, 新增耕地面积, 项目总投资, 验收日期 (土地整治项目区)
``topsoil``         剥离编号, 批准文号, 剥离厚度 (m), 存放或利用地点, 剥离日期         (耕作层剥离)
``planted``         case, layer, feature_id, expected_finding, note, x, y   (no geometry: one row per planted case)

Dates are written as ``YYYY-MM-DD`` text (as many bureau exports have them); amounts are in 万元, areas in m².
The ``planted`` table lists every deliberately planted case with the finding it must produce as of
:data:`EXAMPLE_AS_OF` (2026-06-30); ``expected_finding`` values are listed in :data:`FINDINGS`.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, box

from ..area import geodesic_area
from ._outline import ADCODE, CRS, NAME, load_outline, seat_point

EXAMPLE_AS_OF = dt.date(2026, 6, 30)
DEFAULT_SEED = 20260630
SURVEY_YEAR = 2023

#: every ``expected_finding`` value the planted table uses, by topic
FINDINGS = {
    "approved_not_supplied": ("fully_supplied", "partly_supplied", "not_supplied", "old_unsupplied",
                              "unsupplied_sliver", "overlapping_supplies", "supply_outside_approvals"),
    "idle": ("not_due", "start_overdue", "idle", "idle_recover", "stalled", "in_progress", "completed", "exempt",
             "exempt_overdue", "suspended_undetermined", "not_yet_supplied"),
    "underused": ("underused_far", "underused_building_coefficient", "underused_investment", "low_efficiency",
                  "storey_over_8m_counts_twice", "compliant", "not_assessable", "not_industrial", "far_over_max"),
    "alerts": ("alert_warning", "alert_escalated", "alert_start_met_by_completion"),
    "recorded_areas": ("area_discrepancy",),
    "dates": ("date_completed_from_month",),
    "conflicts": ("farmland_growth", "farmland_eco", "growth_eco", "farmland_growth_sliver", "farmland_eco_sliver",
                  "growth_eco_sliver"),
    "intensity": ("intensity_above_warning", "intensity_below_warning", "not_construction_code",
                  "construction_code"),
    "imagery": ("approved_supplied", "approved_not_supplied", "other_basis", "built_before_approval",
                "expired_temporary_use", "unapproved", "unapproved_on_cultivated", "unapproved_on_farmland",
                "below_min_area"),
    "audit_date": ("approval_after_audit_date", "supply_after_audit_date", "supply_before_approval"),
    "balance": ("balance_balanced", "balance_short_quantity", "balance_short_quality", "balance_after_audit_date"),
    "supplement": ("linkage_consistent", "linkage_surplus_over_records", "consolidation_verified", "exchange_short",
                   "topsoil_ok", "topsoil_depth_short"),
}

# ---------------------------------------------------------------------------------------------------------------
# land-use codes (三调 working classification, TD/T 1055-2019 appendix A, extending GB/T 21010-2017)
LANDUSE_NAMES = {
    "0101": "水田", "0102": "水浇地", "0103": "旱地", "0201": "果园", "0301": "乔木林地", "0307": "其他林地",
    "0404": "其他草地", "05H1": "商业服务业设施用地", "0508": "物流仓储用地", "0601": "工业用地", "0602": "采矿用地",
    "0701": "城镇住宅用地", "0702": "农村宅基地", "08H1": "机关团体新闻出版用地", "08H2": "科教文卫用地",
    "0809": "公用设施用地", "0810": "公园与绿地", "09": "特殊用地", "1003": "公路用地", "1004": "城镇村道路用地",
    "1006": "农村道路", "1101": "河流水面", "1104": "坑塘水面", "1107": "沟渠", "1202": "设施农用地", "1203": "田坎",
}
CONSTRUCTION_CODES = frozenset({"05H1", "0508", "0601", "0602", "0701", "0702", "08H1", "08H2", "0809", "0810", "09",
                                "1003", "1004"})
#: raster classes of the two-date land-cover rasters
RASTER_CLASSES = {1: "cultivated 耕地", 2: "forest/grass 林草地", 3: "construction 建设用地", 4: "water 水域",
                  5: "other 其他"}


def raster_class(code: str) -> int:
    """The land-cover raster class of a 三调 code (see :data:`RASTER_CLASSES`)."""
    if code in CONSTRUCTION_CODES:
        return 3
    if code[:2] == "01" or code == "1203":
        return 1
    if code[:2] in ("02", "03", "04"):
        return 2
    if code in ("1101", "1104", "1107"):
        return 4
    return 5


_URBAN = (["0701", "05H1", "08H1", "08H2", "0809", "0810", "1004", "0601", "0101", "1104"],
          [0.34, 0.16, 0.05, 0.09, 0.04, 0.05, 0.10, 0.05, 0.08, 0.04])
_FRINGE = (["0601", "0701", "05H1", "0508", "1004", "0101", "0103", "1104", "0702"],
           [0.22, 0.10, 0.05, 0.05, 0.04, 0.34, 0.10, 0.04, 0.06])
_RURAL = (["0101", "0103", "0102", "0301", "0307", "0404", "1202", "1203", "0201", "0702", "0602", "09", "1104"],
          [0.56, 0.15, 0.06, 0.05, 0.02, 0.03, 0.03, 0.02, 0.02, 0.03, 0.005, 0.005, 0.03])

TOWNSHIPS = [("城关镇", "100", "镇"), ("包信镇", "101", "镇"), ("夏庄镇", "102", "镇"), ("东岳镇", "103", "镇"),
             ("项店镇", "104", "镇"), ("小茴店镇", "105", "镇"), ("曹黄林镇", "106", "镇"), ("张陶乡", "200", "乡"),
             ("白土店乡", "201", "乡"), ("岗李店乡", "202", "乡"), ("长陵乡", "203", "乡"), ("路口乡", "204", "乡")]
INDUSTRIES = ["13", "17", "18", "26", "30", "33", "36", "39"]
HOLDERS = ["息县{}实业有限公司", "河南{}科技有限公司", "信阳{}制造有限公司", "息县{}置业有限公司", "河南{}食品有限公司",
           "息县{}纺织有限公司", "信阳{}新材料有限公司", "河南{}机械有限公司"]
HOLDER_WORDS = ["淮河", "弘润", "鑫源", "豫南", "兴业", "华康", "恒达", "金谷", "瑞丰", "东方", "利民", "新城", "嘉禾",
                "永盛", "天润", "中原", "福瑞", "宏图", "润泽", "安泰"]


#: the verified 第八条 cause (闲置原因代码) a bureau records with each delay cause the example county writes
DELAY_CAUSE_CODES = {"政府原因：征地拆迁未完成": "late_handover", "政府原因：规划调整": "planning_revision",
                     "不可抗力：疫情影响": "force_majeure", "不可抗力：2020年淮河洪涝灾害": "force_majeure"}


def _d(date: dt.date | None):
    return None if date is None else date.isoformat()


def _days(n) -> dt.timedelta:
    return dt.timedelta(days=int(n))


# ---------------------------------------------------------------------------------------------------------------
# geometry helpers
def _random_points_in(rng, geom, n, *, xy_sampler=None):
    """n points inside geom (rejection sampling; deterministic for the generator's state)."""
    minx, miny, maxx, maxy = geom.bounds
    out: list[np.ndarray] = []
    shapely.prepare(geom)
    while sum(len(o) for o in out) < n:
        if xy_sampler is None:
            x = rng.uniform(minx, maxx, 4 * n)
            y = rng.uniform(miny, maxy, 4 * n)
        else:
            x, y = xy_sampler(4 * n)
        keep = shapely.contains_xy(geom, x, y)
        out.append(np.column_stack([x[keep], y[keep]]))
    return np.concatenate(out)[:n]


def _voronoi(points, envelope):
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=envelope, ordered=True)
    return np.asarray(shapely.get_parts(cells))


def _wobbly_ring(rng, centre, radius, n_vertices, *, amplitude=0.15, harmonics=6, jitter=0.0):
    """A smooth random closed polygon around ``centre`` (radius varying with angle)."""
    t = np.linspace(0, 2 * np.pi, n_vertices, endpoint=False)
    r = np.ones_like(t)
    for k in range(2, 2 + harmonics):
        r += amplitude / k * rng.normal() * np.sin(k * t + rng.uniform(0, 2 * np.pi))
    if jitter:
        r += rng.normal(0, jitter, len(t))
    x = centre[0] + radius * r * np.cos(t)
    y = centre[1] + radius * r * np.sin(t)
    return shapely.make_valid(shapely.Polygon(np.column_stack([x, y])))


def _meander(rng, x0, x1, y, amplitude, step=2000.0):
    xs = np.arange(x0, x1 + step, step)
    ys = y + np.cumsum(rng.normal(0, amplitude / 3, len(xs)))
    ys = y + (ys - ys.mean())
    # smooth with a short moving average and densify
    ys = np.convolve(np.pad(ys, 2, mode="edge"), np.ones(5) / 5, mode="valid")
    fine = np.linspace(xs[0], xs[-1], len(xs) * 8)
    return shapely.LineString(np.column_stack([fine, np.interp(fine, xs, ys)]))


def _polygonal(geom):
    """Only the polygonal part of a geometry (make_valid/intersection can leave lines and points)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _explode(geoms, *attrs):
    """Split multi-part geometries into polygons, repeating attribute arrays; drops empty pieces."""
    geoms = np.asarray([_polygonal(g) for g in geoms], dtype=object)
    parts, idx = shapely.get_parts(geoms, return_index=True)
    keep = ~shapely.is_empty(parts) & (shapely.area(parts) > 0.01)
    parts, idx = parts[keep], idx[keep]
    return (parts, *[np.asarray(a, dtype=object)[idx] for a in attrs])


def _square(p, half):
    return box(p.x - half, p.y - half, p.x + half, p.y + half)


def _ribbon(area, near, half, width):
    """A ``width``-wide strip inside ``area`` along its boundary, ``2*half`` long around point ``near``."""
    strip = shapely.intersection(area, shapely.buffer(area.boundary, width, cap_style="flat"))
    return _polygonal(shapely.intersection(strip, _square(near, half)))


def _ellipsoidal_area(geoms):
    return np.round(geodesic_area(np.asarray(geoms, dtype=object), CRS), 2)


# ---------------------------------------------------------------------------------------------------------------
class _County:
    """Builds the layers step by step; ``planted`` collects the planted cases."""

    def __init__(self, seed: int = DEFAULT_SEED, scale: float = 1.0) -> None:
        self.rng = np.random.default_rng(seed)
        self.scale = float(scale)
        self.outline = load_outline()
        shapely.prepare(self.outline)
        self.seat = seat_point()
        self.planted: list[dict] = []

    def plant(self, case, layer, feature_id, expected, note="", where=None):
        if where is None:
            x = y = None
        else:
            c = where if where.geom_type == "Point" else where.representative_point()
            x, y = round(c.x, 2), round(c.y, 2)
        self.planted.append({"case": case, "layer": layer, "feature_id": str(feature_id), "expected_finding": expected,
                             "note": note, "x": x, "y": y})

    # -- townships ---------------------------------------------------------------------------------------------
    def townships(self):
        rng = self.rng
        seat_town = shapely.intersection(_wobbly_ring(rng, (self.seat.x, self.seat.y), 4600, 96, amplitude=0.2),
                                         self.outline)
        rest = shapely.difference(self.outline, seat_town)
        cand = _random_points_in(rng, rest.buffer(-3000), 3000)
        chosen = [cand[0]]
        dist = np.hypot(cand[:, 0] - cand[0, 0], cand[:, 1] - cand[0, 1])
        dist = np.minimum(dist, np.hypot(cand[:, 0] - self.seat.x, cand[:, 1] - self.seat.y))
        for _ in range(len(TOWNSHIPS) - 2):  # farthest-point sampling: townships of similar size
            k = int(np.argmax(dist))
            chosen.append(cand[k])
            dist = np.minimum(dist, np.hypot(cand[:, 0] - cand[k, 0], cand[:, 1] - cand[k, 1]))
        cells = _voronoi(np.array(chosen), self.outline.envelope.buffer(5000))
        geoms = [seat_town] + [_polygonal(shapely.make_valid(shapely.intersection(c, rest))) for c in cells]
        self.town_geoms = np.asarray(geoms, dtype=object)
        self.town_tree = shapely.STRtree(self.town_geoms)
        names = [t[0] for t in TOWNSHIPS]
        codes = [f"{ADCODE}{t[1]}" for t in TOWNSHIPS]
        self.town_names, self.town_codes = names, codes
        self.admin = gpd.GeoDataFrame({"行政区代码": codes, "名称": names, "级别": [t[2] for t in TOWNSHIPS]},
                                      geometry=list(self.town_geoms), crs=CRS)

    def town_of(self, geoms):
        """Index of the township holding each geometry's representative point."""
        pts = shapely.point_on_surface(np.asarray(geoms, dtype=object))
        pairs = self.town_tree.query(pts, predicate="within")
        out = np.zeros(len(pts), dtype=int)
        out[pairs[0]] = pairs[1]
        return out

    # -- three control lines -----------------------------------------------------------------------------------
    def lines(self):
        rng, s = self.rng, self.seat
        minx, miny, maxx, maxy = self.outline.bounds
        self.river_line = _meander(rng, minx - 3000, maxx + 3000, s.y - 1700, 1500)
        # keep the river 1.2-2.2 km south of the seat where it passes the town
        y_at = np.interp(s.x, *np.asarray(self.river_line.coords).T)
        self.river_line = shapely.affinity.translate(self.river_line, 0, (s.y - 1700) - y_at)
        self.river = _polygonal(shapely.intersection(self.river_line.buffer(180, cap_style="flat"), self.outline))
        # growth boundaries: the seat (thousands of vertices), an industrial park, 包信镇
        gb_main = shapely.intersection(_wobbly_ring(rng, (s.x, s.y + 500), 3300, 3600, amplitude=0.18, jitter=0.0006),
                                       self.outline)
        self.park_centre = Point(s.x + 6800, s.y + 900)
        gb_park = _wobbly_ring(rng, (self.park_centre.x, self.park_centre.y), 1400, 720, amplitude=0.1)
        baoxin = shapely.point_on_surface(self.town_geoms[1])
        gb_town = _wobbly_ring(rng, (baoxin.x, baoxin.y), 800, 240, amplitude=0.12)
        gb_geoms = [_polygonal(shapely.make_valid(g)) for g in (gb_main, gb_park, gb_town)]
        self.gb_geoms = gb_geoms
        self.gb_all = shapely.union_all(gb_geoms)
        # ecological red line: the 淮河 wetland band, minus the growth boundaries, plus planted conflicts
        eco_band = _polygonal(shapely.intersection(self.river_line.buffer(650, cap_style="flat"), self.outline))
        # 5 cm clear of the boundaries, so that only the planted overlaps overlap (no round-off slivers)
        eco_main = shapely.difference(eco_band, self.gb_all.buffer(0.05))
        edge = _polygonal(shapely.intersection(gb_main, eco_band)).boundary.intersection(gb_main.boundary)
        edge = shapely.line_merge(edge) if edge.geom_type == "MultiLineString" else edge
        p_real = edge.interpolate(0.3, normalized=True)
        p_sliver = edge.interpolate(0.75, normalized=True)
        overlap = _polygonal(shapely.intersection(shapely.intersection(_square(p_real, 120), gb_main.buffer(0.05)),
                                                  eco_band))
        sliver = _polygonal(shapely.intersection(_ribbon(gb_main, p_sliver, 12, 0.4), eco_band))
        seam = _polygonal(shapely.intersection(shapely.difference(gb_main.buffer(0.05), gb_main), _square(p_sliver, 12)))
        eco = shapely.union_all([eco_main, overlap, sliver, seam])
        parts = [p for p in shapely.get_parts(eco) if p.area > 1e4]
        forest_c = _random_points_in(rng, shapely.difference(self.outline.buffer(-4000), eco_band.buffer(4000)
                                                             ).difference(self.gb_all.buffer(3000)), 1)[0]
        forest = shapely.intersection(_wobbly_ring(rng, tuple(forest_c), 1500, 180, amplitude=0.2), self.outline)
        eco_geoms = parts + [forest]
        n_river = len(parts)
        ids = [f"411528-STHX-{k + 1:03d}" for k in range(len(eco_geoms))]
        self.eco = gpd.GeoDataFrame({
            "红线编号": ids,
            "名称": [f"淮河湿地生态保护红线({k + 1})" for k in range(n_river)] + ["息县森林水源涵养区"],
            "生态功能类型": ["水源涵养、生物多样性维护"] * n_river + ["水源涵养"]}, geometry=eco_geoms, crs=CRS)
        self.eco_all = shapely.union_all(eco_geoms)
        gb_ids = ["411528-KFBJ-01", "411528-KFBJ-02", "411528-KFBJ-03"]
        self.gb = gpd.GeoDataFrame({"边界编号": gb_ids, "名称": ["息县中心城区城镇开发边界", "息县产业集聚区城镇开发边界",
                                                          "包信镇城镇开发边界"],
                                    "分区类型": ["城镇集中建设区"] * 3}, geometry=gb_geoms, crs=CRS)
        hit = [i for i, g in enumerate(eco_geoms) if g.intersects(overlap)]
        self.plant("growth_eco", "growth_boundary", gb_ids[0], "growth_eco",
                   f"城镇开发边界 overlaps 生态保护红线 {ids[hit[0]] if hit else ''} by about {overlap.area:.0f} m2",
                   overlap)
        self.plant("growth_eco_sliver", "growth_boundary", gb_ids[0], "growth_eco_sliver",
                   f"a 0.4 m wide ribbon ({sliver.area:.1f} m2) of 生态保护红线 inside the 开发边界: digitising sliver",
                   sliver)

    # -- land use ----------------------------------------------------------------------------------------------
    def landuse(self):
        rng, s, outline = self.rng, self.seat, self.outline
        n_rural = max(200, int(2000 * self.scale))
        n_urban = max(60, int(650 * self.scale))
        rural = _random_points_in(rng, outline, n_rural)
        urban = _random_points_in(rng, outline, n_urban, xy_sampler=lambda n: (rng.normal(s.x, 1900, n),
                                                                                 rng.normal(s.y + 300, 1900, n)))
        pts = np.concatenate([rural, urban])
        cells = shapely.intersection(_voronoi(pts, outline.envelope.buffer(5000)), outline)
        d = np.hypot(pts[:, 0] - s.x, pts[:, 1] - s.y)
        park_d = np.hypot(pts[:, 0] - self.park_centre.x, pts[:, 1] - self.park_centre.y)
        codes = np.empty(len(pts), dtype=object)
        for mask, (choices, p) in ((d < 2600, _URBAN), ((d >= 2600) & ((d < 5200) | (park_d < 1600)), _FRINGE),
                                   ((d >= 5200) & (park_d >= 1600), _RURAL)):
            p = np.asarray(p) / np.sum(p)
            codes[mask] = rng.choice(choices, size=int(mask.sum()), p=p)
        # linear features and small patches carved out of the cells, in priority order
        minx, miny, maxx, maxy = outline.bounds
        highways = [shapely.LineString([(s.x - 30000, s.y - 9000), (s.x + 30000, s.y + 9000)]),
                    shapely.LineString([(s.x - 4000, miny - 1000), (s.x + 2000, maxy + 1000)])]
        roads = [shapely.LineString([(rng.uniform(minx, maxx), miny), (rng.uniform(minx, maxx), maxy)])
                 for _ in range(5)] + [shapely.LineString([(minx, rng.uniform(miny, maxy)), (maxx, rng.uniform(miny, maxy))])
                                       for _ in range(5)]
        ditches = [shapely.LineString([(rng.uniform(minx, maxx), miny), (rng.uniform(minx, maxx), maxy)])
                   for _ in range(4)] + [shapely.LineString([(minx, rng.uniform(miny, maxy)), (maxx, rng.uniform(miny, maxy))])
                                         for _ in range(3)]
        far = shapely.difference(outline, Point(s.x, s.y).buffer(5200))
        n_vil = max(40, int(380 * self.scale))
        vil_pts = _random_points_in(rng, far, n_vil)
        villages = shapely.buffer(shapely.points(vil_pts), rng.uniform(120, 300, n_vil), quad_segs=3)
        n_pond = max(20, int(220 * self.scale))
        pond_pts = _random_points_in(rng, far, n_pond)
        ponds = shapely.buffer(shapely.points(pond_pts), rng.uniform(25, 90, n_pond), quad_segs=4)
        layers = [("1101", self.river), ("1003", shapely.union_all([h.buffer(20, cap_style="flat") for h in highways])),
                  ("1107", shapely.union_all([dl.buffer(5, cap_style="flat") for dl in ditches])),
                  ("1006", shapely.union_all([r.buffer(3, cap_style="flat") for r in roads])),
                  ("1104", shapely.union_all(ponds)), ("0702", shapely.union_all(villages))]
        taken = shapely.Polygon()
        geoms, cds = [], []
        for code, g in layers:
            piece = _polygonal(shapely.intersection(shapely.difference(g, taken), outline))
            taken = shapely.union(taken, piece)
            geoms.append(piece)
            cds.append(code)
        shapely.prepare(taken)
        tree = shapely.STRtree(cells)
        hit = np.unique(tree.query(taken, predicate="intersects"))
        cells = cells.copy()
        cells[hit] = shapely.difference(cells[hit], taken)
        all_geoms = np.concatenate([cells, np.asarray(geoms, dtype=object)])
        all_codes = np.concatenate([codes, np.asarray(cds, dtype=object)])
        # cut by township
        li, ti = self.town_tree.query(all_geoms, predicate="intersects")
        pieces = shapely.intersection(all_geoms[li], self.town_geoms[ti])
        parts, pcode, ptown = _explode(pieces, all_codes[li], ti)
        area = _ellipsoidal_area(parts)
        keep = area >= 1.0
        parts, pcode, ptown, area = parts[keep], pcode[keep], ptown[keep].astype(int), area[keep]
        order = np.lexsort((shapely.get_coordinates(shapely.centroid(parts))[:, 0], ptown))
        parts, pcode, ptown, area = parts[order], pcode[order], ptown[order], area[order]
        n = len(parts)
        seat_dist = shapely.distance(parts, self.seat)
        cz = np.where([c in CONSTRUCTION_CODES and c not in ("1003",) for c in pcode],
                      np.where(seat_dist < 5200, "202", "203"), "")
        cz = np.where(pcode == "0602", "204", cz)
        town_names = np.asarray(self.town_names, dtype=object)[ptown]
        villages_names = [f"{t}{['东', '西', '南', '北', '中'][k % 5]}{['村', '社区'][int(seat_dist[k] < 5200)]}"
                          for k, t in enumerate(town_names)]
        self.landuse_gdf = gpd.GeoDataFrame({
            "BSM": [f"{ADCODE}{SURVEY_YEAR}{k + 1:08d}" for k in range(n)],
            "DLBM": pcode.astype(str),
            "DLMC": [LANDUSE_NAMES[c] for c in pcode],
            "TBMJ": area,
            "QSDWMC": [v + ("股份经济合作社" if not c.startswith("0") or c in ("0101", "0102", "0103") else "")
                       for v, c in zip(villages_names, pcode, strict=True)],
            "ZLDWMC": villages_names,
            "CZCSXM": cz,
            "SJNF": np.full(n, SURVEY_YEAR, dtype=np.int64),
        }, geometry=list(parts), crs=CRS)
        # name one patch of each tricky code and of one construction code
        for code in ("1006", "1104", "1107", "1202", "1203"):
            rows = np.flatnonzero(pcode == code)
            if len(rows):
                k = rows[np.argmax(area[rows])]
                self.plant(f"code_{code}", "landuse", self.landuse_gdf["BSM"].iat[k], "not_construction_code",
                           f"DLBM {code} {LANDUSE_NAMES[code]} is agricultural land, not construction land "
                           "(TD/T 1055-2019)", parts[k])
        for code in ("0702", "1003"):
            rows = np.flatnonzero(pcode == code)
            k = rows[np.argmax(area[rows])]
            self.plant(f"code_{code}", "landuse", self.landuse_gdf["BSM"].iat[k], "construction_code",
                       f"DLBM {code} {LANDUSE_NAMES[code]} is construction land", parts[k])

    def intensity_cases(self):
        lu = self.landuse_gdf
        cons = lu["DLBM"].isin(CONSTRUCTION_CODES).to_numpy()
        town = self.town_of(lu.geometry.values)
        totals = np.bincount(town, weights=lu["TBMJ"].to_numpy(), minlength=len(self.town_names))
        built = np.bincount(town, weights=lu["TBMJ"].to_numpy() * cons, minlength=len(self.town_names))
        ratio = built / np.where(totals > 0, totals, 1)
        self.intensity = ratio
        k_hi = int(np.argmax(ratio))
        k_lo = int(np.argmin(ratio))
        self.plant("intensity_high", "admin", self.town_codes[k_hi], "intensity_above_warning",
                   f"{self.town_names[k_hi]}: construction land {ratio[k_hi]:.1%} of the township (county seat)")
        self.plant("intensity_low", "admin", self.town_codes[k_lo], "intensity_below_warning",
                   f"{self.town_names[k_lo]}: construction land {ratio[k_lo]:.1%} of the township")

    # -- approvals and supplies --------------------------------------------------------------------------------
    def grid(self):
        """Candidate 250 m cells for approvals: inside a growth boundary, clear of the river and red line."""
        size = 250.0
        minx, miny, maxx, maxy = self.gb_all.bounds
        xs = np.arange(minx, maxx, size)
        ys = np.arange(miny, maxy, size)
        gx, gy = np.meshgrid(xs, ys)
        cells = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + size, gy.ravel() + size)
        keep_zone = shapely.difference(self.gb_all, shapely.union(self.eco_all, self.river).buffer(30))
        shapely.prepare(keep_zone)
        inside = shapely.contains(keep_zone, cells)
        ring = shapely.difference(self.gb_all.buffer(900), self.gb_all.buffer(60))
        ring = shapely.difference(shapely.intersection(ring, self.outline), shapely.union(self.eco_all, self.river
                                                                                           ).buffer(30))
        shapely.prepare(ring)
        outside = shapely.contains(ring, cells)
        self.cells_in = list(cells[inside])
        self.cells_out = list(cells[outside])
        self.used: set = set()

    def take_cell(self, near: Point, *, outside=False):
        cells = self.cells_out if outside else self.cells_in
        cent = shapely.get_coordinates(shapely.centroid(np.asarray(cells, dtype=object)))
        d = np.hypot(cent[:, 0] - near.x, cent[:, 1] - near.y)
        for k in np.argsort(d):
            key = (outside, int(k))
            if key not in self.used:
                self.used.add(key)
                return cells[k]
        raise RuntimeError("no free cell left for an approval")

    def run_approvals_supplies(self):
        self.approvals: list[dict] = []
        self.supplies: list[dict] = []
        self.buildings: list[dict] = []
        self.parcels: list[dict] = []
        self._doc_no: dict[int, int] = {}
        self._contract_no: dict[int, int] = {}
        self.planted_cases()
        self.plan_farmland_cases()
        self.random_cases()

    @contextmanager
    def separate_stream(self, offset: int):
        """Cases planted after the random county, on their own random stream (seed ``DEFAULT_SEED + offset``) and
        with the document counters put back: every feature drawn before and after stays as it was."""
        rng, counters = self.rng, (dict(self._doc_no), dict(self._contract_no))
        self.rng = np.random.default_rng(DEFAULT_SEED + offset)
        try:
            yield
        finally:
            self.rng = rng
            self._doc_no, self._contract_no = counters

    def numbered_approval(self, geom, date: dt.date, no: int) -> str:
        """An approval whose 批准文号 (豫政土〔year〕no号) lies outside the generated numbers."""
        self.new_approval(geom, date)
        self.approvals[-1]["批准文号"] = aid = f"豫政土〔{date.year}〕{no}号"
        return aid

    def new_approval(self, geom, date: dt.date, use="工业用地"):
        y = date.year
        self._doc_no[y] = self._doc_no.get(y, 0) + 1
        batch = (self._doc_no[y] - 1) // 6 + 1
        aid = f"豫政土〔{y}〕{100 + self._doc_no[y] * 3 + self.rng.integers(0, 3)}号"
        self.approvals.append({"批准文号": aid, "批准日期": date, "批次名称": f"息县{y}年度第{batch}批次城乡建设用地",
                               "批准机关": "河南省人民政府", "规划用途": use, "geometry": geom})
        return aid

    def new_supply(self, geom, *, date: dt.date, use="工业用地", method="出让", industry=None, price=None,
                   handover=None, payment=None, start=None, completion=None, actual_handover="auto",
                   actual_payment="auto", actual_start=None, actual_completion=None, suspended=None,
                   total=None, invested=None, delay=None, zone=None, holder=None, cause_code=None, extended=None):
        rng = self.rng
        y = date.year
        self._contract_no[y] = self._contract_no.get(y, 0) + 1
        sid = f"{ADCODE}-{y}-{self._contract_no[y]:03d}"
        mu = float(geodesic_area([geom], CRS)[0]) / (10000 / 15)
        if industry is None and use == "工业用地":
            industry = str(rng.choice(INDUSTRIES))
        if price is None and method == "出让":
            per_mu = rng.uniform(9, 22) if use == "工业用地" else rng.uniform(45, 160)
            price = round(mu * per_mu, 2)
        if total is None:
            total = round(mu * (rng.uniform(180, 420) if use == "工业用地" else rng.uniform(300, 800)), 2)
        handover = handover or date + _days(rng.integers(30, 90))
        payment = payment or date + _days(30)
        start = start or handover + _days(rng.integers(180, 365))
        completion = completion or start + _days(rng.integers(540, 1095))
        if actual_handover == "auto":
            actual_handover = handover + _days(rng.integers(-10, 20))
            actual_handover = actual_handover if actual_handover <= EXAMPLE_AS_OF else None
        if actual_payment == "auto":
            actual_payment = payment - _days(rng.integers(0, 20))
            actual_payment = actual_payment if actual_payment <= EXAMPLE_AS_OF else None
        word = HOLDER_WORDS[int(rng.integers(0, len(HOLDER_WORDS)))]
        holder = holder or HOLDERS[int(rng.integers(0, len(HOLDERS)))].format(word)
        far_min = {"工业用地": 0.8, "商服用地": 1.2, "城镇住宅用地": 1.0}.get(use)
        far_max = {"工业用地": 2.5, "商服用地": 3.0, "城镇住宅用地": 2.5}.get(use)
        in_park = geom.intersects(self.gb_geoms[1])
        self.supplies.append({
            "合同编号": sid, "签订日期": date, "供地方式": method, "土地用途": use, "受让人": holder,
            "项目名称": f"{holder.replace('有限公司', '')}{'年产项目' if use == '工业用地' else '建设项目'}",
            "行业分类": industry, "园区": zone or ("息县产业集聚区" if in_park else None),
            "出让面积": round(mu * 10000 / 15, 2), "出让价款": price, "约定交地日期": handover, "约定缴款日期": payment,
            "约定开工日期": start, "约定竣工日期": completion, "实际交地日期": actual_handover,
            "实际缴款日期": actual_payment, "实际开工日期": actual_start, "实际竣工日期": actual_completion,
            "停工日期": suspended, "总投资": total, "已投资": invested, "延期原因": delay,
            "闲置原因代码": cause_code or DELAY_CAUSE_CODES.get(delay), "补充协议约定动工开发日期": extended,
            "容积率下限": far_min, "容积率上限": far_max, "geometry": geom})
        return sid

    def add_buildings(self, site, coverage, *, floors=(1, 4), storey=(4.5, 7.5), built=None, complete=0.9,
                      exact=None):
        """Building footprints inside ``site`` covering about ``coverage`` of it (or exactly the given list)."""
        rng = self.rng
        made = []
        if exact is not None:
            specs = exact
        else:
            specs = []
            if coverage <= 0:
                return []
            inner = site.buffer(-8)
            if inner.is_empty:
                return []
            minx, miny, maxx, maxy = inner.bounds
            width, depth = maxx - minx, maxy - miny
            n = int(rng.integers(1, 5)) if width > 80 else 1
            gap = 12.0
            bw = (width - gap * (n - 1)) / n
            bh = min(depth, coverage * site.area / (n * bw))
            for i in range(n):  # factory halls / blocks side by side
                x = minx + i * (bw + gap)
                y = miny + rng.uniform(0, max(depth - bh, 0))
                b = _polygonal(box(x, y, x + bw, y + bh).intersection(inner))
                if b.geom_type != "Polygon" or b.area < 50:
                    continue
                fl = int(rng.integers(floors[0], floors[1] + 1))
                specs.append({"geometry": b, "层数": fl, "层高": round(float(rng.uniform(*storey)), 1)})
        for spec in specs:
            g = spec["geometry"]
            fl = spec.get("层数")
            sh = spec.get("层高")
            fa = spec.get("建筑面积", round(g.area * fl, 2) if fl else None)
            rec = {"建筑物编号": f"{ADCODE}-JZ-{len(self.buildings) + 1:06d}", "层数": fl, "建筑面积": fa, "层高": sh,
                   "建筑高度": round(fl * sh, 1) if fl and sh else None,
                   "建筑类型": spec.get("建筑类型", "建筑物"), "建成日期": built, "geometry": g}
            if exact is None:  # varying completeness, as in real cadastre extracts
                r = rng.random()
                if r < 0.06:
                    rec["层数"] = None
                elif r < 0.16:
                    rec["层高"] = None
                    rec["建筑高度"] = None
                elif r < 0.2:
                    rec["建筑面积"] = None
            self.buildings.append(rec)
            made.append(rec)
        return made

    def new_parcel(self, geom, *, use="工业用地", industry="17", investment=None, tax=None, output=None, holder=None,
                   zone="息县产业集聚区"):
        rng = self.rng
        k = len(self.parcels) + 1
        pid = f"{ADCODE}{100 + int(self.town_of([geom])[0]):03d}{(k - 1) // 50 + 1:03d}GB{k:05d}"
        mu = float(geodesic_area([geom], CRS)[0]) / (10000 / 15)
        self.parcels.append({"宗地号": pid, "土地用途": use, "行业分类": industry, "园区": zone, "土地使用者": holder,
                             "固定资产投资": investment if investment is not None else round(mu * rng.uniform(240, 420), 2),
                             "年税收": tax if tax is not None else round(mu * rng.uniform(20, 60), 2),
                             "年产值": output if output is not None else round(mu * rng.uniform(400, 1200), 2),
                             "geometry": geom})
        return pid

    # the planted cases: each one named in the planted table --------------------------------------------------
    def planted_cases(self):
        D = dt.date
        park = self.park_centre
        s = self.seat

        def cell(near=park, outside=False):
            c = self.take_cell(near, outside=outside)
            x0, y0 = c.bounds[0] + 25, c.bounds[1] + 25
            return x0, y0

        def rect(x0, y0, w, h):
            return box(x0, y0, x0 + w, y0 + h)

        # --- 批而未供 ---
        x, y = cell()
        g = rect(x, y, 150, 150)
        aid = self.new_approval(g, D(2016, 4, 12))
        sid = self.new_supply(g, date=D(2017, 3, 20), start=D(2018, 3, 1), actual_start=D(2018, 2, 20),
                              completion=D(2020, 3, 1), actual_completion=D(2020, 1, 15))
        self.add_buildings(g, 0.4, built=D(2020, 1, 15))
        self.plant("fully_supplied", "approvals", aid, "fully_supplied", f"one supply {sid} with the same geometry", g)

        x, y = cell()
        g = rect(x, y, 100, 100)
        aid = self.new_approval(g, D(2019, 8, 6))
        sid = self.new_supply(rect(x, y, 60, 100), date=D(2020, 6, 18), start=D(2021, 3, 1), actual_start=D(2021, 4, 2),
                              completion=D(2023, 3, 1), actual_completion=D(2023, 5, 30))
        self.add_buildings(rect(x, y, 60, 100), 0.45, built=D(2023, 5, 30))
        self.plant("partly_supplied_60", "approvals", aid, "partly_supplied",
                   f"100 m x 100 m approval, supply {sid} covers the west 60 m: 4 000 m2 = 6 亩 unsupplied "
                   "(planar; ellipsoidal area differs by about 1e-4)", g)

        x, y = cell()
        g = rect(x, y, 180, 120)
        aid = self.new_approval(g, D(2025, 3, 18))
        self.plant("not_supplied_recent", "approvals", aid, "not_supplied", "approved 2025-03-18, no supply", g)

        x, y = cell()
        g = rect(x, y, 200, 160)
        aid = self.new_approval(g, D(2014, 9, 25), use="城镇住宅用地")
        self.plant("old_unsupplied", "approvals", aid, "old_unsupplied",
                   "approved 2014-09-25 (more than 5 years before 2026-06-30), never supplied", g)

        x, y = cell()
        g = rect(x, y, 100, 120)
        aid = self.new_approval(g, D(2018, 5, 8))
        sg = rect(x + 0.3, y, 99.7, 120)
        sid = self.new_supply(sg, date=D(2019, 1, 10), start=D(2019, 10, 1), actual_start=D(2019, 9, 15),
                              completion=D(2021, 10, 1), actual_completion=D(2021, 8, 1))
        self.add_buildings(sg, 0.4, built=D(2021, 8, 1))
        self.plant("sliver_thin", "approvals", aid, "unsupplied_sliver",
                   f"supply {sid} leaves a 0.3 m x 120 m strip (36 m2) unsupplied: a hair-thin digitising sliver", g)

        x, y = cell()
        g = rect(x, y, 120, 100)
        aid = self.new_approval(g, D(2017, 7, 19))
        sg = shapely.difference(g, rect(x, y, 2, 2))
        sid = self.new_supply(sg, date=D(2018, 4, 2), start=D(2019, 1, 1), actual_start=D(2018, 12, 1),
                              completion=D(2021, 1, 1), actual_completion=D(2020, 11, 20))
        self.add_buildings(sg, 0.45, built=D(2020, 11, 20))
        self.plant("sliver_tiny", "approvals", aid, "unsupplied_sliver",
                   f"supply {sid} leaves a 2 m x 2 m corner (4 m2) unsupplied: a tiny digitising sliver", g)

        x, y = cell()
        g = rect(x, y, 200, 100)
        aid = self.new_approval(g, D(2020, 11, 3))
        s1 = self.new_supply(rect(x, y, 120, 100), date=D(2021, 5, 6), start=D(2022, 3, 1),
                             actual_start=D(2022, 2, 10), completion=D(2024, 3, 1), actual_completion=D(2024, 1, 8))
        s2 = self.new_supply(rect(x + 80, y, 120, 100), date=D(2022, 8, 16), start=D(2023, 5, 1),
                             actual_start=D(2023, 4, 12), completion=D(2025, 5, 1), actual_completion=D(2025, 4, 2))
        self.add_buildings(rect(x, y, 75, 100), 0.5, built=D(2024, 1, 8))
        self.add_buildings(rect(x + 125, y, 75, 100), 0.5, built=D(2025, 4, 2))
        self.plant("overlapping_supplies", "approvals", aid, "overlapping_supplies",
                   f"supplies {s1} and {s2} overlap by 40 m x 100 m; the approval (20 000 m2) is fully supplied, "
                   "not 24 000 m2", g)

        x, y = cell(outside=True, near=Point(s.x, s.y - 3000))
        g = rect(x, y, 120, 90)
        sid = self.new_supply(g, date=D(2021, 9, 9), use="商服用地", start=D(2022, 6, 1), actual_start=D(2022, 5, 20),
                              completion=D(2024, 6, 1), actual_completion=D(2024, 8, 1))
        self.add_buildings(g, 0.35, built=D(2024, 8, 1))
        self.plant("supply_on_stock_land", "supplies", sid, "supply_outside_approvals",
                   "supply on stock land (存量建设用地) outside every approval", g)

        x, y = cell()
        g = rect(x, y, 150, 100)
        aid = self.new_approval(g, D(2021, 2, 22))
        sg = rect(x + 60, y, 110, 100)  # 20 m beyond the approval's east edge
        sid = self.new_supply(sg, date=D(2022, 1, 12), start=D(2022, 10, 1), actual_start=D(2022, 9, 1),
                              completion=D(2024, 10, 1), actual_completion=D(2024, 9, 1))
        self.add_buildings(sg, 0.4, built=D(2024, 9, 1))
        self.plant("supply_crossing_edge", "supplies", sid, "supply_outside_approvals",
                   f"supply covers the east 90 m of approval {aid} and 20 m x 100 m (2 000 m2) beyond it", sg)
        self.plant("partly_supplied_crossing", "approvals", aid, "partly_supplied",
                   "60 m x 100 m (6 000 m2 = 9 亩) unsupplied", g)

        # --- 供而未用: one supply per status, each on its own fully supplied approval ---
        def status_case(case, expected, note, *, approval_date, supply_date, use="工业用地", w=150, h=150, **kw):
            x, y = cell()
            g = rect(x, y, w, h)
            self.new_approval(g, approval_date, use=use)
            coverage = kw.pop("coverage", 0.0)
            built = kw.pop("built", None)
            sid = self.new_supply(g, date=supply_date, use=use, **kw)
            if coverage:
                self.add_buildings(g, coverage, built=built)
            self.plant(case, "supplies", sid, expected, note, g)
            return sid, g

        status_case("status_not_due", "not_due", "agreed start 2026-11-01 is after the audit date",
                    approval_date=D(2025, 6, 3), supply_date=D(2026, 1, 15), handover=D(2026, 3, 1),
                    start=D(2026, 11, 1), completion=D(2028, 11, 1))
        sid, _ = status_case("status_start_overdue", "start_overdue",
                             "agreed start 2026-05-01, land handed over 6 days late (约定交地 2025-05-01, 实际交地 "
                             "2025-05-07, 第八条(一)): the start moves to 2026-05-07, passed 54 days ago, not started "
                             "(less than one year)",
                             approval_date=D(2024, 5, 9), supply_date=D(2025, 3, 1), handover=D(2025, 5, 1),
                             start=D(2026, 5, 1), completion=D(2028, 5, 1))
        self.plant("alert_escalated", "supplies", sid, "alert_escalated",
                   "agreed start 2026-05-01 unmet 60 days later (> 30 days): escalated to 警示")
        status_case("status_idle", "idle", "agreed start 2025-01-15, not started: idle 531 days; fee 20% x 1 200 万元 "
                    "= 240 万元", approval_date=D(2022, 10, 11), supply_date=D(2023, 6, 1), handover=D(2023, 8, 1),
                    start=D(2025, 1, 15), completion=D(2027, 1, 15), price=1200.0)
        status_case("status_idle_exact_year", "idle",
                    "agreed start 2025-06-30 is exactly one year before the audit date 2026-06-30: "
                    "one full year has passed, so idle; fee 20% x 600 万元 = 120 万元",
                    approval_date=D(2023, 9, 1), supply_date=D(2024, 6, 28), handover=D(2024, 8, 30),
                    start=D(2025, 6, 30), completion=D(2027, 6, 30), price=600.0)
        status_case("status_idle_recover", "idle_recover",
                    "agreed start 2021-05-01, not started: idle more than two years, recovery candidate (无偿收回)",
                    approval_date=D(2019, 3, 12), supply_date=D(2020, 5, 1), handover=D(2020, 7, 1),
                    start=D(2021, 5, 1), completion=D(2023, 5, 1), price=2000.0)
        sid, g = status_case("status_stalled", "stalled",
                             "started 2020-03-01, invested 3 000 of 20 000 万元 (15% < 25%), about 10% built "
                             "(< 1/3), suspended since 2024-10-01 (more than one year)",
                             approval_date=D(2018, 6, 20), supply_date=D(2019, 3, 1), handover=D(2019, 4, 1),
                             start=D(2019, 12, 1), completion=D(2022, 12, 1), actual_start=D(2020, 3, 1),
                             suspended=D(2024, 10, 1), total=20000.0, invested=3000.0)
        x0, y0 = g.bounds[:2]
        self.add_buildings(g, 0, exact=[{"geometry": rect(x0 + 20, y0 + 20, 50, 45), "层数": 1, "层高": 6.0}],
                           built=D(2021, 6, 1))
        sid, g = status_case("status_in_progress", "in_progress",
                             "started 2024-08-20 (agreed 2024-09-01), 55% invested, completion due 2027-09-01",
                             approval_date=D(2023, 4, 4), supply_date=D(2024, 1, 10), handover=D(2024, 3, 1),
                             start=D(2024, 9, 1), completion=D(2027, 9, 1), actual_start=D(2024, 8, 20),
                             total=9000.0, invested=4950.0, coverage=0.25)
        status_case("status_completed", "completed", "started 2019-04-10, completed 2021-06-18",
                    approval_date=D(2017, 5, 5), supply_date=D(2018, 6, 8), handover=D(2018, 8, 1),
                    start=D(2019, 5, 1), completion=D(2021, 5, 1), actual_start=D(2019, 4, 10),
                    actual_completion=D(2021, 6, 18), total=12000.0, invested=12500.0, coverage=0.45,
                    built=D(2021, 6, 18))
        status_case("status_exempt_government", "exempt_overdue",
                    "agreed start 2023-03-01, not started; verified cause 规划依法修改 (闲置原因代码 planning_revision, "
                    "第八条(二)): no fee, but no disposal (第十二条) recorded for more than a year: to be reviewed",
                    approval_date=D(2021, 3, 30), supply_date=D(2022, 2, 15), handover=D(2022, 4, 1),
                    start=D(2023, 3, 1), completion=D(2025, 3, 1), delay="政府原因：规划调整")
        status_case("status_exempt_force_majeure", "exempt_overdue",
                    "agreed start 2021-09-01, not started; verified force majeure (闲置原因代码 force_majeure, 第八条第二款): "
                    "no fee, but no disposal (第十二条) recorded for more than a year: to be reviewed",
                    approval_date=D(2019, 11, 5), supply_date=D(2020, 10, 9), handover=D(2020, 12, 1),
                    start=D(2021, 9, 1), completion=D(2023, 9, 1), delay="不可抗力：2020年淮河洪涝灾害")

        # --- deadline alerts ---
        status_case("alert_warning", "alert_warning",
                    "agreed start 2026-07-20 is 20 days after the audit date (within the 30-day warning window)",
                    approval_date=D(2024, 12, 2), supply_date=D(2025, 10, 1), handover=D(2025, 11, 15),
                    start=D(2026, 7, 20), completion=D(2028, 7, 20))
        status_case("alert_escalated_after_10_days", "alert_escalated",
                    "agreed payment 2026-06-20 passed 10 days ago, not paid: 警示 from the day after the agreed date "
                    "(cn-national alerts.escalate_days_after = 0; a bureau granting 30 days of grace would see 已逾期)",
                    approval_date=D(2025, 5, 20), supply_date=D(2026, 5, 21), payment=D(2026, 6, 20),
                    actual_payment=None, handover=D(2026, 8, 1), actual_handover=None, start=D(2027, 2, 1),
                    completion=D(2029, 2, 1))

        # --- 用而不足: completed industrial land with parcels and exact buildings ---
        def parcel_case(case, expected, note, industry, buildings, investment, tax=None, output=None):
            x, y = cell()
            g = rect(x, y, 200, 150)  # 30 000 m2 = 45 亩
            self.new_approval(g, D(2015, 6, 1))
            sid = self.new_supply(g, date=D(2016, 3, 1), industry=industry, start=D(2016, 12, 1),
                                  actual_start=D(2016, 11, 20), completion=D(2018, 12, 1),
                                  actual_completion=D(2018, 10, 9), total=investment, invested=investment)
            holder = self.supplies[-1]["受让人"]
            ex = [{"geometry": rect(x + bx, y + by, bw, bh), "层数": fl, "层高": sh, "建筑类型": kind}
                  for bx, by, bw, bh, fl, sh, kind in buildings]
            self.add_buildings(g, 0, exact=ex, built=D(2018, 10, 9))
            pid = self.new_parcel(g, industry=industry, investment=investment, tax=tax, output=output, holder=holder)
            self.plant(case, "parcels", pid, expected, note + f" (supply {sid})", g)
            return pid

        # 45 亩 sites; a local investment floor of 250 万元/亩 (suzhou-example) -> 11 250 万元; cn-national has none
        parcel_case("underused_far", "underused_far",
                    "textiles (17, FAR floor 0.8): one 1-storey 6 m shed of 12 000 m2: FAR 0.40, coefficient 0.40",
                    "17", [(10, 10, 150, 80, 1, 6.0, "建筑物")], 13500.0)
        parcel_case("underused_coefficient", "underused_building_coefficient",
                    "chemicals (26, FAR floor 0.6): one 5-storey block of 6 000 m2 footprint: FAR 1.00, "
                    "building coefficient 0.20 < 0.30", "26", [(10, 10, 100, 60, 5, 4.5, "建筑物")], 14000.0)
        parcel_case("underused_investment", "underused_investment",
                    "non-metallic minerals (GB/T 4754-2017 30, FAR floor 0.7): 2 storeys on 15 000 m2 (FAR 1.00, "
                    "coefficient 0.50), but investment 5 000 万元 / 45 亩 = 111 万元/亩 < a local floor (suzhou-example "
                    "250); cn-national has none (2023: 推荐性指标), so there it is judged on FAR and coefficient only; "
                    "tax 4.5 and output 90 万元/亩 low too (entry floors, off unless a rule set applies them)",
                    "30", [(10, 10, 150, 100, 2, 5.0, "建筑物")], 5000.0, tax=200.0, output=4050.0)
        parcel_case("low_efficiency", "low_efficiency",
                    "food (13, FAR floor 1.0): one 1-storey 5 m shed of 7 500 m2: FAR 0.25 < 1.0; under 0.3 it is "
                    "低效用地 where a rule set applies 南通 通州's mark (underused.apply_far_low_efficiency, off in "
                    "cn-national); coefficient 0.25 < 0.30 too",
                    "13", [(20, 40, 150, 50, 1, 5.0, "建筑物")], 12000.0)
        parcel_case("storey_over_8m", "storey_over_8m_counts_twice",
                    "automotive (36, FAR floor 0.7): one 1-storey hall of 12 m storey height, 13 500 m2 footprint; "
                    "counted twice the FAR is 0.90 >= 0.7 (compliant), counted once it would be 0.45 (under-used)",
                    "36", [(10, 10, 150, 90, 1, 12.0, "建筑物")], 15000.0)
        parcel_case("parcel_compliant", "compliant",
                    "textiles (17): a 3-storey block (36 000 m2 floor area, FAR 1.2) and a 堆场 storage yard (no floors; "
                    "counts in the building coefficient 0.50), 333 万元/亩, tax and output above the seed floors",
                    "17", [(10, 10, 120, 100, 3, 5.0, "建筑物"), (140, 10, 50, 60, 0, 0.0, "堆场")], 15000.0,
                    tax=2250.0, output=36000.0)
        # fix the storage yard: it has no floors and no floor area
        self.buildings[-1].update({"层数": None, "层高": None, "建筑高度": None, "建筑面积": None})

        # --- 卫片执法 sites, in the raster window on the seat's northern growth-boundary edge ---
        self.raster_sites()
        self.misc_cases()
        self.audit_date_cases()
        self.idle_order53_cases()
        self.underused_judgement_cases()

    def misc_cases(self):
        """Issue 11 (misc): a start met by completion, a date written as a month, a 出让面积 that is not the drawing.

        Only attributes of supplies planted above change (no geometry, no random draw, no cell), so the
        rest of the county is the same."""
        planted = {row["case"]: row for row in self.planted}
        by_id = {rec["合同编号"]: rec for rec in self.supplies}
        # the stock-land supply: its start was never recorded, but it was completed 2024-08-01
        sid = planted["supply_on_stock_land"]["feature_id"]
        by_id[sid]["实际开工日期"] = None
        self.plant("alert_start_met_by_completion", "supplies", sid, "alert_start_met_by_completion",
                   "no 实际开工日期 recorded, completed 2024-08-01: the start (agreed 2022-06-01) is met by the "
                   "completion, not escalated; idle status completed")
        # the warning case: the contract states the completion as a month only
        sid = planted["alert_warning"]["feature_id"]
        by_id[sid]["约定竣工日期"] = "2028年7月"
        self.plant("date_completed_from_month", "supplies", sid, "date_completed_from_month",
                   "约定竣工日期 written 2028年7月: read as 2028-07-31 (a deadline: the last day, the holder's "
                   "reading), with a note naming the field and the id")
        # the supply crossing the approval's edge: the contract states only the 9 000 m2 inside the approval
        sid = planted["supply_crossing_edge"]["feature_id"]
        by_id[sid]["出让面积"] = 9000.0
        self.plant("contract_area_not_the_drawing", "supplies", sid, "area_discrepancy",
                   "出让面积 9 000 m2, drawn 110 m x 100 m = 11 000 m2 (2 000 m2 beyond the approval): "
                   "+2 000 m2 (+22 %) over the 0.5 % tolerance")

    def audit_date_cases(self):
        """Dates read as of the audit date (DOMAIN §7): a later approval, a later supply, and 先供后批.

        Planted in the free east part of the ``partly_supplied_60`` cell (its approval is 100 m wide
        in a 250 m cell), with a separate random stream and with the id counters put back, so the rest
        of the county (cells, random approvals and supplies, their ids) is the same as without them.
        """
        D = dt.date
        aid60 = next(p["feature_id"] for p in self.planted if p["case"] == "partly_supplied_60")
        x, y = next(a["geometry"] for a in self.approvals if a["批准文号"] == aid60).bounds[:2]
        spots = [box(x + 115, y + y0, x + 205, y + y0 + 60) for y0 in (-15, 60, 135)]  # 90 m x 60 m each
        taken = shapely.union_all([r["geometry"] for r in self.approvals + self.supplies + self.buildings])
        assert not any(g.intersects(taken) for g in spots), "the audit-date cases overlap another case"
        with self.separate_stream(11):
            approval = self.numbered_approval

            def supply(g, date, no, **kw):
                self.new_supply(g, date=date, **kw)
                self.supplies[-1]["合同编号"] = sid = f"{ADCODE}-{date.year}-{no}"
                return sid

            g = spots[0]
            aid = approval(g, D(2026, 9, 15), 901)
            self.plant("approval_after_audit_date", "approvals", aid, "approval_after_audit_date",
                       "approved 2026-09-15, after the audit date 2026-06-30: not an approval yet, not audited "
                       "(named in the run's notes)", g)
            g = spots[1]
            aid = approval(g, D(2024, 11, 5), 902)
            sid = supply(g, D(2026, 8, 10), 901, handover=D(2026, 10, 10), payment=D(2026, 9, 9),
                         actual_handover=None, actual_payment=None, start=D(2027, 4, 1), completion=D(2029, 4, 1))
            self.plant("supply_after_audit_date", "supplies", sid, "supply_after_audit_date",
                       f"contract signed 2026-08-10, after the audit date 2026-06-30: not a supply yet, left out of "
                       f"the overlay (named in the run's notes); approval {aid} stays wholly unsupplied", g)
            self.plant("not_supplied_until_signed", "approvals", aid, "not_supplied",
                       f"approved 2024-11-05; its only supply {sid} is signed after the audit date: 90 m x 60 m "
                       "(5 400 m2 = 8.1 亩) unsupplied", g)
            g = spots[2]
            aid = approval(g, D(2023, 5, 10), 903)
            sid = supply(g, D(2022, 11, 1), 902, handover=D(2022, 12, 15), payment=D(2022, 12, 1),
                         start=D(2023, 8, 1), actual_start=D(2023, 7, 20), completion=D(2025, 8, 1),
                         actual_completion=D(2025, 6, 30), total=2400.0, invested=2450.0)
            self.plant("supply_before_approval", "supplies", sid, "supply_before_approval",
                       f"contract signed 2022-11-01, 190 days before approval {aid} (2023-05-10) of the land it "
                       "covers: 先供后批, overlap 90 m x 60 m = 5 400 m2 = 8.1 亩 (the approval counts as fully "
                       "supplied)", g)

    def idle_order53_cases(self):
        """供而未用 under MLR order 53 article by article: one supply per rule a legal reviewer checks.

        Each sits in the free east strip (55 m x 150 m, 8 250 m2) of a 供而未用 status case's cell, on its own
        fully supplied approval, drawn with its own random stream; its ids are numbered from 951 and the
        document counters restored, so nothing else in the county moves.
        """
        D = dt.date
        saved = self.rng, dict(self._doc_no), dict(self._contract_no)
        self.rng = np.random.default_rng(53)
        ids = {r["case"]: r["feature_id"] for r in self.planted}
        sites = {sp["合同编号"]: sp["geometry"] for sp in self.supplies}
        hosts = ("status_not_due", "status_start_overdue", "status_idle", "status_idle_exact_year",
                 "status_idle_recover", "status_in_progress", "status_completed", "status_stalled")
        strips = iter([box(b[2] + 12, b[1], b[2] + 67, b[3]) for b in (sites[ids[h]].bounds for h in hosts)])
        k = iter(range(951, 1000))  # 901-950: the audit-date cases

        def case(name, expected, note, *, approval_date, supply_date, buildings=(), **kw):
            g, n = next(strips), next(k)
            self.new_approval(g, approval_date)
            self.approvals[-1]["批准文号"] = f"豫政土〔{approval_date.year}〕{n}号"
            kw.setdefault("actual_handover", kw.get("handover"))  # on time unless the case says otherwise
            self.new_supply(g, date=supply_date, price=kw.pop("price", 1000.0), **kw)
            sid = self.supplies[-1]["合同编号"] = f"{ADCODE}-{supply_date.year}-{n}"
            x0, y0 = g.bounds[:2]
            for (bx, by, bw, bh), built in buildings:
                self.add_buildings(g, 0, exact=[{"geometry": box(x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh),
                                                 "层数": 2, "层高": 5.0}], built=built)
            self.plant(name, "supplies", sid, expected, note, g)

        try:
            case("idle_not_yet_supplied", "not_yet_supplied",
                 "signed 2026-08-15, after the audit date: not a supply yet on 2026-06-30, not judged, no fee",
                 approval_date=D(2020, 9, 2), supply_date=D(2026, 8, 15), handover=D(2026, 10, 1),
                 start=D(2027, 4, 1), completion=D(2029, 4, 1))
            case("idle_old_construction", "idle_recover",
                 "signed 2022-03-01, agreed start 2023-01-01, not started; the 40 m x 60 m building on it was built in "
                 "1995 (old construction, 2 400 m2): not a start, so idle two full years (recovery)",
                 approval_date=D(2020, 5, 6), supply_date=D(2022, 3, 1), handover=D(2022, 4, 1),
                 start=D(2023, 1, 1), completion=D(2025, 1, 1), buildings=[((5, 40, 40, 60), D(1995, 6, 1))])
            case("idle_exempt_pending", "exempt",
                 "agreed start 2025-11-01, not started; verified 群众信访 (闲置原因代码 petition, 第八条(四)): no fee, "
                 "disposal under 第十二条 pending since 2025-11-01 (within one year)",
                 approval_date=D(2020, 2, 14), supply_date=D(2024, 9, 3), handover=D(2024, 11, 1),
                 start=D(2025, 11, 1), completion=D(2027, 11, 1), delay="土地上群众信访事项未处置完毕",
                 cause_code="petition")
            case("idle_extension_restarts", "idle",
                 "agreed start 2024-03-01; 规划依法修改 (planning_revision) disposed of by a 补充协议: start "
                 "2025-03-01 (one year); not started: idle one full year from 2025-03-01 (fee 200 万元), not two "
                 "years from 2024-03-01", approval_date=D(2020, 6, 8), supply_date=D(2023, 1, 10),
                 handover=D(2023, 3, 1), start=D(2024, 3, 1), completion=D(2026, 3, 1), delay="政府原因：规划调整",
                 extended=D(2025, 3, 1))
            case("idle_late_handover", "idle",
                 "agreed handover 2020-07-01, handed over 2024-04-01 (1 370 days late, 第八条(一)); agreed start "
                 "2021-05-01 moves to 2025-01-30: idle one full year (fee 200 万元), not two",
                 approval_date=D(2019, 4, 22), supply_date=D(2020, 5, 20), handover=D(2020, 7, 1),
                 actual_handover=D(2024, 4, 1), start=D(2021, 5, 1), completion=D(2023, 5, 1))
            case("idle_footprint_30pct", "in_progress",
                 "started 2021-03-01, suspended 2024-01-01; footprints 30 % of the site (the national minimum "
                 "building coefficient), 95 % invested: the footprint ratio is not 开发建设用地面积, the investment "
                 "test passes: not stalled", approval_date=D(2019, 2, 11), supply_date=D(2020, 4, 7),
                 handover=D(2020, 6, 1), start=D(2021, 3, 1), actual_start=D(2021, 3, 1), suspended=D(2024, 1, 1),
                 completion=D(2023, 3, 1), total=4000.0, invested=3800.0,
                 buildings=[((5, 5, 45, 55), D(2022, 6, 1))])
            case("idle_suspended_unjudged", "suspended_undetermined",
                 "started 2021-04-01, suspended 2024-06-01; footprints 20 % of the site, investment not recorded: "
                 "art. 2 second paragraph cannot be judged from footprints alone",
                 approval_date=D(2019, 7, 3), supply_date=D(2020, 6, 9), handover=D(2020, 8, 1),
                 start=D(2021, 4, 1), actual_start=D(2021, 4, 1), suspended=D(2024, 6, 1), completion=D(2023, 4, 1),
                 buildings=[((5, 5, 40, 41.25), D(2022, 3, 1))])
            case("idle_stalled_two_years", "stalled",
                 "started 2019-09-01, 10 % invested, suspended 2023-05-01 (more than two years): idle, fee 200 万元 "
                 "due; started land, so recovery is not automatic: to be reviewed",
                 approval_date=D(2017, 8, 1), supply_date=D(2018, 9, 12), handover=D(2018, 11, 1),
                 start=D(2019, 9, 1), actual_start=D(2019, 9, 1), suspended=D(2023, 5, 1), completion=D(2021, 9, 1),
                 total=5000.0, invested=500.0)
        finally:
            self.rng, self._doc_no, self._contract_no = saved

    def underused_judgement_cases(self):
        """用而不足 judged from what the data says (issue 11): 60 m x 50 m parcels (3 000 m2 = 4.5 亩) in the free
        strip north of the first three planted 用而不足 sites (their cells are taken already, so the cell pool and
        the random county are untouched; a separate random stream is swapped in for the duration)."""
        D = dt.date
        rng, self.rng = self.rng, np.random.default_rng(20261101)
        try:
            sites = [pl for pl in self.planted if pl["layer"] == "parcels"][:3]
            geoms = {p["宗地号"]: p["geometry"] for p in self.parcels}
            slots = []
            for pl in sites:
                gx0, _, _, gy1 = geoms[pl["feature_id"]].bounds
                slots += [(gx0 + dx, gy1 + 12) for dx in (0, 70, 140)]
            free = iter(slots)

            def case(name, expected, note, *, use="工业用地", standard=None, industry="17", floors=None,
                     coverage=0.5, investment=None, **fields):
                x, y = next(free)
                g = box(x, y, x + 60, y + 50)
                if floors:  # one block of `coverage` of the site, 5 m storeys, along the south edge
                    h = 50 * coverage
                    self.add_buildings(g, 0, exact=[{"geometry": box(x, y, x + 60, y + h), "层数": floors,
                                                     "层高": 5.0, "建筑类型": "建筑物"}], built=D(2021, 6, 30))
                pid = self.new_parcel(g, use=use, industry=industry, investment=investment, tax=None, output=None,
                                      holder=f"息县{name}示例有限公司")
                rec = self.parcels[-1]
                rec.update({"固定资产投资": investment, "年税收": None, "年产值": None, "用途分类标准": standard,
                            **fields})
                self.plant(name, "parcels", pid, expected, note, g)

            case("underused_blank_land_use", "not_assessable",
                 "土地用途 blank (textiles, FAR 1.0): not assessable, not taken for industrial land", use=None,
                 floors=2)
            case("underused_nothing_measured", "not_assessable",
                 "工业用地, textiles, no building, no 建筑面积, no investment: nothing to judge, not 'meets'")
            case("underused_1001_tdt", "not_industrial",
                 "土地用途 1001 in 三调 (TD/T 1055) is 铁路用地: not industrial land (FAR 0.5)", use="1001",
                 standard="三调", floors=1)
            case("underused_1001_ydyh", "underused_far",
                 "土地用途 1001 in 用地用海 (2023) is 工业用地: textiles FAR 0.50 < 0.8", use="1001",
                 standard="用地用海", floors=1)
            case("underused_electronics_c3911", "underused_far",
                 "C3911 (GB/T 4754-2017 39 计算机、通信和其他电子设备制造业, floor 1.0): FAR 0.80 < 1.0 "
                 "(read as 2002's 39 电气机械 it got 0.7 and passed)", industry="C3911", floors=2, coverage=0.4)
            case("underused_cement_c3011", "compliant",
                 "C3011 cement (GB/T 4754-2017 30 非金属矿物制品业, floor 0.7): FAR 0.80 >= 0.7 "
                 "(read as 2002's 30 塑料制品 it got 1.0 and failed)", industry="C3011", floors=2, coverage=0.4)
            case("underused_far_cap", "far_over_max",
                 "textiles, 4 storeys on half the site: FAR 2.00 > the contract's 容积率上限 1.5 (擅自提高容积率)",
                 floors=4, 容积率上限=1.5)
            case("underused_yard_coefficient", "compliant",
                 "textiles, 4 storeys on 25 % of the site (FAR 1.00) and a 300 m2 堆场 recorded on the parcel: "
                 "building coefficient (750 + 300) / 3 000 = 35 % >= 30 % (25 % without the yard)",
                 floors=4, coverage=0.25, 堆场占地面积=300.0)
        finally:
            self.rng = rng

    def raster_sites(self):
        """Four planted construction sites between the raster dates, one per judgement."""
        D = dt.date
        s = self.seat
        gb_main = self.gb_geoms[0]
        ray = shapely.LineString([(s.x, s.y), (s.x, s.y + 20000)])
        hit = shapely.intersection(ray, gb_main.exterior if gb_main.geom_type == "Polygon" else gb_main.boundary)
        pts = [p for p in shapely.get_parts(hit) if p.geom_type == "Point"] or [shapely.get_parts(hit)[0].centroid]
        edge = min(pts, key=lambda p: p.y)
        self.raster_centre = Point(round(edge.x, -1), round(edge.y, -1))
        c = self.raster_centre
        half = 60.0

        x, y = self.take_cell(Point(c.x - 600, c.y - 700)).bounds[:2]
        g = box(x + 25, y + 25, x + 185, y + 185)
        aid = self.new_approval(g, D(2024, 3, 8))
        sid = self.new_supply(g, date=D(2024, 9, 2), start=D(2025, 3, 1), actual_start=D(2025, 4, 10),
                              completion=D(2027, 3, 1), total=8000.0, invested=3200.0)
        site = _square(g.centroid, half / 2)
        self.sites = [("approved_supplied", site)]
        self.plant("imagery_approved_supplied", "change_rasters", sid, "approved_supplied",
                   f"new construction 60 m x 60 m inside approval {aid} and supply {sid}", site)

        x, y = self.take_cell(Point(c.x + 600, c.y - 700)).bounds[:2]
        g = box(x + 25, y + 25, x + 185, y + 185)
        aid = self.new_approval(g, D(2025, 4, 16))
        site = _square(g.centroid, half / 2)
        self.sites.append(("approved_not_supplied", site))
        self.plant("imagery_approved_not_supplied", "change_rasters", aid, "approved_not_supplied",
                   f"new construction 60 m x 60 m inside approval {aid}, which has no supply", site)
        self.plant("imagery_approved_not_supplied", "approvals", aid, "not_supplied", "approved 2025-04-16, no supply",
                   g)

        cell = self.take_cell(Point(c.x, c.y - 1100))
        site = _square(cell.centroid, half / 2)
        self.sites.append(("unapproved", site))
        self.plant("imagery_unapproved", "change_rasters", "IM-UNAPPROVED", "unapproved",
                   "new construction 60 m x 60 m inside the growth boundary, on no approval, supply or farmland", site)

        # farmland just outside the growth boundary, north of the edge
        far_site = Point(c.x + 50, c.y + 700)
        self.imagery_farm = _square(far_site, 100).difference(self.gb_all.buffer(20))
        site = _square(far_site, half / 2)
        self.sites.append(("unapproved_on_farmland", site))
        self.plant("imagery_unapproved_on_farmland", "change_rasters", "IM-FARMLAND", "unapproved_on_farmland",
                   "new construction 60 m x 60 m on permanent basic farmland, no approval", site)
        self.plant("imagery_below_min_area", "change_rasters", "IM-SMALL", "below_min_area",
                   "one pixel (100 m2 at 10 m pixels) of new construction: under the 400 m2 minimum patch area",
                   Point(far_site.x - 75, far_site.y - 65))

    def imagery_basis_cases(self):
        """卫片执法 sites judged by the split (DOMAIN §7): a patch straddling an approval and PBF, a 设施农用地备案,
        an expired 临时用地 and a patch built before its approval.

        Planted last, on land of the raster window that no approval, supply, building or farmland comes within
        30 m of (checked below, as is the land each site is meant to be on), with a separate random stream and
        the id counters put back: the cells, the random county, the farmland and every other id stay as they
        were. The sites are 60 m squares on the 10 m pixel grid of the rasters, each at the free grid point
        nearest its place (an offset from the window's centre); the later image is dated 2026-05-20
        (:data:`redline.example.rasters.AFTER_DATE`).
        """
        D = dt.date
        c = self.raster_centre
        half = 30.0
        taken = shapely.union_all([r["geometry"] for r in self.approvals + self.supplies + self.buildings])
        pbf = shapely.union_all(self.farmland_gdf.geometry.to_numpy())
        lu = self.landuse_gdf
        cultivated = shapely.union_all(lu.geometry.to_numpy()[lu["DLBM"].isin(["0101", "0102", "0103"]).to_numpy()])

        window = _square(c, RASTER_HALF - 100)
        others = shapely.union_all([g for _, g in self.sites] + [_square(Point(c.x + 125, c.y + 770), 20)])  # + pond

        def clear(site, *around, on_cultivated=None):
            """The site and what is drawn around it touch no other case; the site lies on the land it is for."""
            return (window.contains(site) and self.outline.contains(site.buffer(30))
                    and not any(g.buffer(30).intersects(taken) or g.buffer(30).intersects(others)
                                for g in (site, *around))
                    and not any(g.buffer(30).intersects(pbf) for g in (*around, *(() if on_cultivated is None
                                                                                   else (site,))))
                    and (on_cultivated is None or (cultivated.contains(site) if on_cultivated
                                                   else not site.intersects(cultivated))))

        def spot(dx, dy, ok):
            """The 10 m grid point nearest c + (dx, dy) whose 60 m square passes ``ok`` (no random draw)."""
            ring = [(i, j) for i in range(-60, 61) for j in range(-60, 61)]
            ring.sort(key=lambda ij: (ij[0] ** 2 + ij[1] ** 2, ij))
            for i, j in ring:
                site = _square(Point(c.x + dx + 10 * i, c.y + dy + 10 * j), half)
                if ok(site):
                    return site
            raise RuntimeError("no free land left in the raster window for an imagery case")

        with self.separate_stream(5):
            approval = self.numbered_approval

            # 1. straddling: the planted PBF square of the unapproved_on_farmland site ends at x = c.x + 150; the
            # site spans x c.x + 110 .. c.x + 170, an approval starts at c.x + 160
            edge_x = c.x + 150
            for dy in sorted(range(-60, 61, 10), key=abs):
                site = box(edge_x - 40, c.y + 630 + dy, edge_x + 20, c.y + 690 + dy)
                g = box(edge_x + 10, c.y + 600 + dy, edge_x + 130, c.y + 720 + dy)
                if (not site.buffer(30).intersects(taken) and clear(g)
                        and abs(site.intersection(pbf).area - 2400.0) < 1e-6):
                    break
            else:
                raise RuntimeError("no free land east of the planted farmland for the straddling imagery case")
            plain = "三调 cultivated" if site.intersection(cultivated).area > 1 else "三调 not cultivated"
            others = shapely.union_all([others, site, g])
            aid = approval(g, D(2025, 8, 26), 871)
            self.plant("imagery_straddling", "change_rasters", "IM-STRADDLING", "unapproved_on_farmland",
                       f"new construction 60 m x 60 m: 40 m x 60 m (2 400 m2) on permanent basic farmland, "
                       f"10 m x 60 m (600 m2) inside approval {aid} (2025-08-26, before the later image 2026-05-20), "
                       f"10 m x 60 m (600 m2) between them on no basis and no farmland ({plain}): "
                       f"explained 600 m2, unexplained 3 000 m2 of which 2 400 m2 on PBF", site)
            self.plant("imagery_straddling", "approvals", aid, "not_supplied", "approved 2025-08-26, no supply", g)

            # 2. a 设施农用地备案 (自然资规〔2019〕4号: may use general cultivated land) on cultivated land, off PBF
            site = spot(-960, 430, lambda q: clear(q, _square(q.centroid, 50), on_cultivated=True))
            rec = _square(site.centroid, 50)
            others = shapely.union(others, rec)
            self.facility_agri = gpd.GeoDataFrame(
                {"备案编号": ["411528-SNBA-2025-007"], "备案日期": [_d(D(2025, 9, 12))],
                 "项目名称": ["息县豫南蔬菜种植合作社 育苗温室及看护房"]}, geometry=[rec], crs=CRS)
            self.plant("imagery_facility_agri", "change_rasters", "IM-FACILITY", "other_basis",
                       "new construction 60 m x 60 m on general cultivated land (三调 01xx, not PBF) inside 设施农用地备案 "
                       "411528-SNBA-2025-007 (备案 2025-09-12, before the later image): explained by the 备案", site)

            # 3. a 临时用地 whose term (two years, 《土地管理法》第五十七条) ended 2025-04-09, before the later image,
            # on land that is neither cultivated nor PBF (on those the land decides the judgement)
            site = spot(330, 390, lambda q: clear(q, _square(q.centroid, 50), on_cultivated=False))
            rec = _square(site.centroid, 50)
            others = shapely.union(others, rec)
            self.temporary_use = gpd.GeoDataFrame(
                {"批准文号": ["息自然资临〔2023〕12号"], "批准日期": [_d(D(2023, 4, 10))], "到期日期": [_d(D(2025, 4, 9))],
                 "项目名称": ["息县淮河大道改建工程 临时材料堆场"]}, geometry=[rec], crs=CRS)
            self.plant("imagery_expired_temporary_use", "change_rasters", "IM-TEMPORARY", "expired_temporary_use",
                       "new construction 60 m x 60 m inside 临时用地 息自然资临〔2023〕12号 (2023-04-10 to 2025-04-09, "
                       "ended before the later image 2026-05-20), on land not cultivated and not PBF: 到期未复垦", site)

            # 4. built before its approval: approved 2026-06-08, after the later image, before the audit date
            site = spot(250, -740, lambda q: clear(q, _square(q.centroid, 50), on_cultivated=False))
            g = _square(site.centroid, 50)
            aid = approval(g, D(2026, 6, 8), 872)
            self.plant("imagery_built_before_approval", "change_rasters", aid, "built_before_approval",
                       f"new construction 60 m x 60 m inside approval {aid}, approved 2026-06-08: after the later "
                       f"image 2026-05-20 (built first, 先建后批), before the audit date; land not cultivated, not PBF",
                       site)

            # 5. new construction on cultivated land (三调 01xx, not PBF) on no basis: 违法占用耕地, the numerator of
            # the county ratio (违法占用耕地面积 ÷ 新增建设用地占用耕地面积)
            for dx, dy in ((-600, 800), (-960, -300), (700, 400), (-300, -900), (900, -900)):
                try:
                    site = spot(dx, dy, lambda q: clear(q, on_cultivated=True))
                    break
                except RuntimeError:
                    continue
            else:
                raise RuntimeError("no free cultivated land left in the raster window for an imagery case")
            others = shapely.union(others, site)
            self.plant("imagery_unapproved_on_cultivated", "change_rasters", "IM-CULTIVATED",
                       "unapproved_on_cultivated",
                       "new construction 60 m x 60 m on general cultivated land (三调 01xx, not PBF), on no approval, "
                       "supply or other basis: 违法占用耕地 (3 600 m2 in the county ratio's numerator)", site)
            self.plant("imagery_built_before_approval", "approvals", aid, "not_supplied",
                       "approved 2026-06-08, no supply", g)

    def plan_farmland_cases(self):
        """The planted farmland patches (conflicts and the imagery site), placed before random approvals."""
        rng = self.rng
        gb_main = self.gb_geoms[0]
        s = self.seat
        planted: list[tuple[str, str | None, Any, str]] = []
        # planted conflicts: boxes straddling the growth boundary and the red line, and ribbons (slivers)
        north = shapely.intersection(shapely.LineString([(s.x - 2500, s.y), (s.x - 2500, s.y + 20000)]),
                                     gb_main.boundary)
        p = max(shapely.get_parts(north), key=lambda q: q.y) if not north.is_empty else gb_main.boundary.interpolate(0.2, True)
        g_real = _square(p, 90)
        planted.append(("farmland_growth", "farmland_growth", g_real,
                        f"a 180 m x 180 m farmland patch straddling the 城镇开发边界: about "
                        f"{g_real.intersection(gb_main).area:.0f} m2 inside it"))
        q = gb_main.boundary.interpolate(0.55, normalized=True)
        for _ in range(40):
            if q.distance(self.eco_all) > 800 and q.distance(self.raster_centre) > 2500:
                break
            q = gb_main.boundary.interpolate(float(rng.uniform(0, 1)), normalized=True)
        outside = shapely.difference(_square(q, 60), self.gb_all)
        rib = _ribbon(gb_main, q, 12, 0.5)
        planted.append(("farmland_growth_sliver", "farmland_growth_sliver", shapely.union(outside, rib),
                        f"farmland reaching 0.5 m into the 城镇开发边界 ({rib.area:.1f} m2): a digitising sliver"))
        forest = self.eco.geometry.values[-1]
        r_pt = forest.boundary.interpolate(0.25, normalized=True)
        planted.append(("farmland_eco", "farmland_eco", _square(r_pt, 80),
                        f"a 160 m x 160 m farmland patch straddling the 生态保护红线 (about "
                        f"{_square(r_pt, 80).intersection(forest).area:.0f} m2 inside it)"))
        r_pt2 = forest.boundary.interpolate(0.7, normalized=True)
        outside = shapely.difference(_square(r_pt2, 50), forest)
        rib = _ribbon(forest, r_pt2, 20, 0.6)
        planted.append(("farmland_eco_sliver", "farmland_eco_sliver", shapely.union(outside, rib),
                        f"farmland reaching 0.6 m into the 生态保护红线 ({rib.area:.1f} m2): a digitising sliver"))
        planted.append(("imagery_farmland", None, self.imagery_farm, "farmland in the raster window"))
        self.farm_planted = planted
        self.reserved = shapely.union_all([pl[2] for pl in planted]).buffer(60)
        shapely.prepare(self.reserved)

    def random_cases(self):
        rng = self.rng
        n = max(10, int(round(130 * self.scale)))
        n_out = max(2, int(round(12 * self.scale)))
        A = EXAMPLE_AS_OF
        free_in = [k for k in range(len(self.cells_in))
                   if (False, k) not in self.used and not self.reserved.intersects(self.cells_in[k])]
        free_out = [k for k in range(len(self.cells_out))
                    if (True, k) not in self.used and not self.reserved.intersects(self.cells_out[k])]
        pick_in = rng.choice(free_in, size=min(n, len(free_in)), replace=False)
        pick_out = rng.choice(free_out, size=min(n_out, len(free_out)), replace=False)
        todo = [(False, int(k)) for k in pick_in] + [(True, int(k)) for k in pick_out]
        for outside, k in todo:
            self.used.add((outside, k))
            c = (self.cells_out if outside else self.cells_in)[k]
            x0, y0 = c.bounds[:2]
            w, h = rng.uniform(80, 220), rng.uniform(70, 220)
            x, y = x0 + rng.uniform(10, 240 - w), y0 + rng.uniform(10, 240 - h)
            xs = np.array([x, x + w / 2, x + w, x + w, x + w, x + w / 2, x, x])
            ys = np.array([y, y, y, y + h / 2, y + h, y + h, y + h, y + h / 2])
            xs = xs + rng.normal(0, 2.5, 8)
            ys = ys + rng.normal(0, 2.5, 8)
            g = shapely.make_valid(shapely.Polygon(np.column_stack([xs, ys])))
            g = _polygonal(g)
            if g.geom_type != "Polygon":
                continue
            adate = dt.date(2012, 1, 1) + _days(rng.integers(0, (dt.date(2026, 5, 31) - dt.date(2012, 1, 1)).days))
            use = str(rng.choice(["工业用地", "工业用地", "工业用地", "城镇住宅用地", "商服用地", "公共管理与公共服务用地"]))
            self.new_approval(g, adate, use=use)
            r = rng.random()
            if r < 0.22:
                continue  # not supplied
            sdate = adate + _days(rng.integers(90, 1500))
            if sdate > A - _days(20):
                continue
            if r < 0.55:
                pieces = [g]
            elif r < 0.72:
                cut = x + w * rng.uniform(0.35, 0.65)
                pieces = [_polygonal(g.intersection(box(x - 10, y - 10, cut, y + h + 10))),
                          _polygonal(g.intersection(box(cut, y - 10, x + w + 10, y + h + 10)))]
            else:
                frac = rng.uniform(0.3, 0.85)
                pieces = [_polygonal(g.intersection(box(x - 10, y - 10, x + w * frac, y + h + 10)))]
            for j, sg in enumerate(pieces):
                if sg.is_empty or sg.geom_type != "Polygon":
                    continue
                self.random_supply(sg, sdate + _days(j * rng.integers(0, 400)), use)
        # a few more supplies on stock land outside approvals
        for _ in range(max(1, int(round(6 * self.scale)))):
            free_in = [k for k in range(len(self.cells_in))
                       if (False, k) not in self.used and not self.reserved.intersects(self.cells_in[k])]
            if not free_in:
                break
            k = int(rng.choice(free_in))
            self.used.add((False, k))
            x0, y0 = self.cells_in[k].bounds[:2]
            g = box(x0 + 20, y0 + 20, x0 + 20 + rng.uniform(80, 200), y0 + 20 + rng.uniform(80, 200))
            self.random_supply(g, dt.date(2013, 1, 1) + _days(rng.integers(0, 4800)), "商服用地")

    def random_supply(self, g, sdate, use):
        rng = self.rng
        A = EXAMPLE_AS_OF
        if sdate > A - _days(20):
            return
        method = "划拨" if use == "公共管理与公共服务用地" else "出让"
        handover = sdate + _days(rng.integers(30, 90))
        start = handover + _days(rng.integers(180, 365))
        completion = start + _days(rng.integers(540, 1095))
        kw = {}
        coverage, built = 0.0, None
        r = rng.random()
        if start > A:
            if rng.random() < 0.2:
                kw["actual_start"] = min(A, start - _days(rng.integers(0, 60)))
                kw["invested_frac"] = rng.uniform(0.05, 0.3)
                coverage = 0.08
        elif r < 0.74:
            kw["actual_start"] = min(A, start + _days(rng.integers(-60, 120)))
            if completion < A and rng.random() < 0.85:
                kw["actual_completion"] = min(A, completion + _days(rng.integers(-90, 180)))
                kw["invested_frac"] = rng.uniform(0.92, 1.15)
                coverage = rng.uniform(0.3, 0.65)
                built = kw["actual_completion"]
            else:
                kw["invested_frac"] = rng.uniform(0.3, 0.9)
                coverage = rng.uniform(0.12, 0.4)
        elif r < 0.82:
            kw["actual_start"] = min(A, start + _days(rng.integers(0, 120)))
            kw["suspended"] = min(A, kw["actual_start"] + _days(rng.integers(60, 700)))
            kw["invested_frac"] = rng.uniform(0.05, 0.3)
            coverage = rng.uniform(0.03, 0.2)
        elif r < 0.86:
            kw["delay"] = str(rng.choice(["政府原因：征地拆迁未完成", "政府原因：规划调整", "不可抗力：疫情影响"]))
        frac = kw.pop("invested_frac", 0.0)
        mu = g.area / (10000 / 15)
        total = round(mu * (rng.uniform(180, 420) if use == "工业用地" else rng.uniform(300, 800)), 2)
        sid = self.new_supply(g, date=sdate, use=use, method=method, handover=handover, start=start,
                              completion=completion, total=total, invested=round(total * frac, 2) if frac else None,
                              price=None if method == "划拨" else None, **kw)
        if coverage:
            fl = (1, 3) if use == "工业用地" else (4, 18)
            self.add_buildings(g, coverage, floors=fl, storey=(5.0, 10.0) if use == "工业用地" else (2.9, 3.3),
                               built=built)
        if use == "工业用地" and kw.get("actual_completion") is not None:
            sup = self.supplies[-1]
            self.new_parcel(g, industry=sup["行业分类"], holder=sup["受让人"], zone=sup["园区"] or "息县城区")
        return sid

    # -- farmland -----------------------------------------------------------------------------------------------
    def farmland(self):
        rng = self.rng
        lu = self.landuse_gdf
        cult = lu["DLBM"].isin(["0101", "0102", "0103"]).to_numpy()
        keep = cult & (rng.random(len(lu)) < 0.88)
        geoms = lu.geometry.values[keep]
        codes = lu["DLBM"].to_numpy()[keep]
        planted = self.farm_planted
        cutters = shapely.union_all([self.gb_all, self.eco_all, *[pl[2] for pl in planted],
                                     *[a["geometry"] for a in self.approvals], *[sp["geometry"] for sp in self.supplies]])
        cutters = cutters.buffer(0.05)  # 5 cm clear: only the planted patches overlap (no round-off slivers)
        shapely.prepare(cutters)
        tree = shapely.STRtree(geoms)
        hit = np.unique(tree.query(cutters, predicate="intersects"))
        geoms = geoms.copy()
        geoms[hit] = shapely.difference(geoms[hit], cutters)
        parts, pcodes = _explode(geoms, codes)
        area = _ellipsoidal_area(parts)
        ok = area >= 200
        parts, pcodes = list(parts[ok]), list(pcodes[ok])
        first_planted = len(parts)
        for _, _, g, _ in planted:
            parts.append(_polygonal(g))
            pcodes.append("0101")
        n = len(parts)
        town = self.town_of(parts)
        ids = [f"{ADCODE}JBNT{k + 1:06d}" for k in range(n)]
        self.farmland_gdf = gpd.GeoDataFrame({
            "图斑编号": ids, "DLBM": pcodes,
            "质量等别": rng.integers(5, 13, n).astype(np.int64),
            "TBMJ": _ellipsoidal_area(parts),
            "所在区县": NAME, "行政区代码": np.asarray(self.town_codes, dtype=object)[town]}, geometry=parts, crs=CRS)
        for k, (case, expected, g, note) in enumerate(planted):
            if expected is None:
                self.imagery_farm_id = ids[first_planted + k]
                for row in self.planted:
                    if row["case"] == "imagery_unapproved_on_farmland":
                        row["note"] += f" (farmland patch {self.imagery_farm_id})"
                continue
            self.plant(case, "farmland", ids[first_planted + k], expected, note, g)

    # -- 占补平衡 ---------------------------------------------------------------------------------------------------
    #: (layer, id, township index, 年度, date, 亩, 质量等别): three unit-years to check on paper, and one record
    #: accepted after the audit date. 包信镇 2024: 60 亩 (grade 6) + 40 亩 (grade 8) taken, mean grade 6.8, against
    #: 120 亩 of grade 6 added: balanced. 包信镇 2025: 80 亩 taken, 50 亩 added (its 年度 empty, from the date):
    #: 30 亩 short. 夏庄镇 2025: 60 亩 of grade 5 taken, 65 亩 of grade 9 added: enough land, 4 grades worse.
    BALANCE_RECORDS = (
        ("farmland_taken", "豫政土〔2024〕311号", 1, "2024", dt.date(2024, 3, 18), 60.0, 6),
        ("farmland_taken", "豫政土〔2024〕312号", 1, "2024", dt.date(2024, 8, 2), 40.0, 8),
        ("farmland_added", "BCGD-2024-01", 1, "2024", dt.date(2024, 11, 20), 120.0, 6),
        ("farmland_taken", "豫政土〔2025〕207号", 1, "2025", dt.date(2025, 5, 9), 80.0, 7),
        ("farmland_added", "BCGD-2025-01", 1, None, dt.date(2025, 10, 15), 50.0, 7),
        ("farmland_taken", "豫政土〔2025〕215号", 2, "2025", dt.date(2025, 6, 30), 60.0, 5),
        ("farmland_added", "BCGD-2025-02", 2, "2025", dt.date(2025, 12, 1), 65.0, 9),
        ("farmland_added", "BCGD-2026-01", 2, "2026", dt.date(2026, 9, 1), 40.0, 6),
    )

    def balance_cases(self):
        """占补平衡 records: squares of the stated 亩 beside each township's centre (no random numbers drawn)."""
        rows: dict[str, list[dict]] = {"farmland_taken": [], "farmland_added": []}
        towns = self.admin.geometry.to_numpy()
        for k, (layer, rid, town, year, date, mu, grade) in enumerate(self.BALANCE_RECORDS):
            c = towns[town].representative_point()
            half = (mu * 10000 / 15) ** 0.5 / 2
            g = _square(Point(c.x + 700.0 * (k % 4), c.y - 700.0 * (k // 4)), half)
            date_field, name = (("批准日期", "建设项目占用耕地") if layer == "farmland_taken" else ("验收日期", "补充耕地项目"))
            rows[layer].append({"批准文号" if layer == "farmland_taken" else "项目编号": rid, "项目名称": name,
                                "行政区代码": self.town_codes[town], "年度": year, date_field: _d(date),
                                "质量等别": grade, "geometry": g})
        self.balance_frames = {layer: gpd.GeoDataFrame(r, geometry="geometry", crs=CRS) for layer, r in rows.items()}
        names = self.town_names
        self.plant("balance_balanced", "farmland_balance", f"{self.town_codes[1]}/2024", "balance_balanced",
                   f"{names[1]} 2024: 100 亩 taken (mean grade 6.8), 120 亩 of grade 6 added")
        self.plant("balance_short_quantity", "farmland_balance", f"{self.town_codes[1]}/2025", "balance_short_quantity",
                   f"{names[1]} 2025: 80 亩 taken, 50 亩 added (年度 from 验收日期): 30 亩 short")
        self.plant("balance_short_quality", "farmland_balance", f"{self.town_codes[2]}/2025", "balance_short_quality",
                   f"{names[2]} 2025: 60 亩 of grade 5 taken, 65 亩 of grade 9 added: 4 grades worse")
        self.plant("balance_after_audit_date", "farmland_added", "BCGD-2026-01", "balance_after_audit_date",
                   "accepted 2026-09-01, after the audit date: left out of the balance")

    # -- TD/T 1018 evaluation over two periods ---------------------------------------------------------------
    def regions_cases(self):
        """``landuse_base`` (2020) and ``stats`` (2020, 2025) for 区域建设用地节约集约利用评价.

        Drawn with a generator of their own (seed 1018), after every other layer, so no other layer changes.
        The base layer is ``landuse`` with 6-14 % of each township's construction patches (not roads 1003)
        still 旱地 (0103); each township's GDP grows 25-60 % and its population changes by -3 % to +6 %
        (never 0, so every elasticity is defined).
        """
        rng = np.random.default_rng(1018)
        base = self.landuse_gdf.copy()
        town = self.town_of(base.geometry.values)
        cons = base["DLBM"].isin(CONSTRUCTION_CODES).to_numpy() & (base["DLBM"] != "1003").to_numpy()
        revert = np.zeros(len(base), bool)
        for t in range(len(self.town_names)):
            rows = np.flatnonzero(cons & (town == t))
            k = max(1, int(round(rng.uniform(0.06, 0.14) * len(rows))))
            revert[rng.choice(rows, size=min(k, len(rows)), replace=False)] = True
        base.loc[revert, "DLBM"] = "0103"
        base.loc[revert, "DLMC"] = LANDUSE_NAMES["0103"]
        base.loc[revert, "CZCSXM"] = ""
        base["SJNF"] = np.full(len(base), 2020, dtype=np.int64)
        self.landuse_base_gdf = base
        n = len(self.town_names)
        seat = np.asarray([name == "城关镇" for name in self.town_names])
        gdp0 = np.round(np.where(seat, rng.uniform(60, 80, n), rng.uniform(8, 22, n)), 2)
        pop0 = np.round(np.where(seat, rng.uniform(18, 22, n), rng.uniform(3.5, 7.5, n)), 2)
        gdp1 = np.round(gdp0 * rng.uniform(1.25, 1.60, n), 2)
        change = rng.uniform(-0.03, 0.06, n)
        change = np.where(np.abs(change) < 0.005, 0.01, change)
        pop1 = np.round(pop0 * (1 + change), 2)
        inv0, inv1 = (np.round(g * rng.uniform(3000, 6000, n), 0) for g in (gdp0, gdp1))  # 万元
        tax0, tax1 = (np.round(g * rng.uniform(300, 700, n), 0) for g in (gdp0, gdp1))    # 万元
        records = []
        for year, gdp, pop, inv, tax in ((2020, gdp0, pop0, inv0, tax0), (2025, gdp1, pop1, inv1, tax1)):
            for k in range(n):
                records.append({"乡镇": self.town_names[k], "行政区代码": str(self.town_codes[k]), "年份": year,
                             "地区生产总值(亿元)": float(gdp[k]), "常住人口(万人)": float(pop[k]),
                             "固定资产投资(万元)": float(inv[k]), "税收收入(万元)": float(tax[k])})
        self.stats = pd.DataFrame(records)
    #: the two project red lines (项目用地红线) of :meth:`project_cases`: 项目编号, 项目名称, 行业分类, 总投资 (万元),
    #: 计划建筑面积 (m²), width x height (m); both 工业用地 (用地用海 1001) in the 产业集聚区
    PROJECT_RECORDS = (
        ("XM-2026-001", "息县产业集聚区精密装备制造项目", "C34", 9000.0, 40000.0, 240.0, 160.0),
        ("XM-2026-002", "息县产业集聚区电子元件项目", "C39", 12000.0, 36000.0, 200.0, 150.0),
    )

    def project_cases(self):
        """Two project red lines for 用地预审: XM-2026-001 straddles the 产业集聚区 boundary's edge, with 永久基本农田
        and land outside the boundary under it; XM-2026-002 lies inside the boundary on land that is neither PBF nor
        eco red line. Planted after every other layer, on a random stream of their own (the start point along the
        boundary and inside it), away from every approval and supply, so no other layer changes."""
        rng = np.random.default_rng(DEFAULT_SEED + 7301)
        park = self.gb.geometry.iloc[1]
        pbf = shapely.union_all(self.farmland_gdf.geometry.to_numpy())
        eco = shapely.union_all(self.eco.geometry.to_numpy())
        taken = shapely.union_all([r["geometry"] for r in self.approvals + self.supplies]).buffer(30)
        ring = park.exterior
        n = 400
        start = float(rng.uniform(0, 1))
        edge = None
        w, h = self.PROJECT_RECORDS[0][5:7]
        for k in range(n):
            c = ring.interpolate(((start + k / n) % 1.0) * ring.length)
            site = shapely.box(round(c.x) - w / 2, round(c.y) - h / 2, round(c.x) + w / 2, round(c.y) + h / 2)
            if (site.intersection(pbf).area > 3000 and site.difference(park).area > 5000
                    and site.intersection(park).area > 0.4 * site.area and not site.intersects(eco)
                    and not site.intersects(taken) and self.outline.contains(site)):
                edge = site
                break
        w, h = self.PROJECT_RECORDS[1][5:7]
        inner = None
        minx, miny, maxx, maxy = park.bounds
        xs, ys = rng.uniform(minx, maxx, 2000), rng.uniform(miny, maxy, 2000)
        for x, y in zip(xs, ys, strict=True):
            site = shapely.box(round(x) - w / 2, round(y) - h / 2, round(x) + w / 2, round(y) + h / 2)
            if (park.buffer(-50).contains(site) and not site.buffer(30).intersects(pbf) and not site.intersects(eco)
                    and not site.intersects(taken)):
                inner = site
                break
        if edge is None or inner is None:
            raise RuntimeError("no place for the example's project red lines")
        rows = [{"项目编号": pid, "项目名称": name, "拟用地类型": "1001", "园区": "息县产业集聚区", "行业分类": industry,
                 "总投资": invest, "计划建筑面积": floor, "geometry": g}
                for (pid, name, industry, invest, floor, _, _), g in zip(self.PROJECT_RECORDS, (edge, inner),
                                                                         strict=True)]
        self.projects_gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    # -- the 补 side: 增减挂钩, 土地整治, 耕作层剥离, 进出平衡 -------------------------------------------------------
    #: 息县's summary scaled 1:100 (建新区 395.42, 拆旧区 853.72, 节余指标 490.77 公顷), recorded on project
    #: GG-2023-02: 853.72 - 395.42 = 458.30, so the recorded 490.77 is 32.47 公顷 (here 3 247 m²) too high
    XIXIAN_LINKAGE_M2 = (85372.0, 39542.0, 49077.0)
    #: 息县's 土地整治: 新增耕地 2847.31 公顷 over 22374.70 公顷 (the ratio the example project records)
    XIXIAN_CONSOLIDATION_RATIO = 2847.31 / 22374.70

    def supplement_cases(self):
        """增减挂钩, 土地整治, 耕作层剥离 and 进出平衡 records, and the later land use (2025 年度变更) they are checked
        on; own random generator, so no earlier layer changes."""
        rng = np.random.default_rng(20261202)
        lu = self.landuse_gdf
        codes = lu["DLBM"].to_numpy()
        area = _ellipsoidal_area(lu.geometry)
        town = self.town_of(lu.geometry.to_numpy())
        window = _square(self.raster_centre, RASTER_HALF + 500.0)
        free = ~shapely.intersects(lu.geometry.to_numpy(), window)
        later: list[dict] = []

        def pick(code, lo, hi, where=None):
            """A free patch of ``code`` sized ``lo``..``hi`` m² (where ``where``); without one (another seed or
            scale), the free patch of that code nearest the size, in ``where`` if any is."""
            base = (codes == code) & free
            for mask in (base & (area >= lo) & (area <= hi) & (True if where is None else where),
                         base & (True if where is None else where), base):
                ok = np.flatnonzero(mask)
                if len(ok):
                    break
            else:
                raise ValueError(f"the example county has no free land-use patch of code {code}")
            inside = ok[(area[ok] >= lo) & (area[ok] <= hi)]
            k = int(rng.choice(inside)) if len(inside) else int(ok[np.argmin(np.abs(area[ok] - (lo + hi) / 2))])
            free[k] = False
            return k

        def later_patch(k_or_geom, code):
            g = lu.geometry.iloc[k_or_geom] if isinstance(k_or_geom, (int, np.integer)) else k_or_geom
            later.append({"BSM": f"BG2025{len(later) + 1:05d}", "DLBM": code, "DLMC": LANDUSE_NAMES[code],
                          "SJNF": 2025, "geometry": g})

        # 增减挂钩: 拆旧区 are 2023 农村宅基地 (0702) patches, reclaimed as 旱地 by 2025; 建新区 squares by a town
        dem_rows, built_rows = [], []
        ok_k = pick("0702", 30000, 60000)
        xx_k = pick("0702", 70000, 110000)
        for pid, k in (("GG-2024-01", ok_k), ("GG-2023-02", xx_k)):
            dem_rows.append({"地块编号": f"{pid}-C1", "项目编号": pid, "项目名称": "息县城乡建设用地增减挂钩项目",
                             "geometry": lu.geometry.iloc[k]})
            later_patch(k, "0103")
        ok_area = float(area[ok_k])
        towns = self.admin.geometry.to_numpy()
        c3, c4 = towns[3].representative_point(), towns[4].representative_point()
        half_ok = (0.4 * ok_area) ** 0.5 / 2  # 建新 = 40 % of 拆旧: half 安置区, half other
        built_rows.append({"地块编号": "GG-2024-01-J1", "项目编号": "GG-2024-01", "是否安置区": "是",
                           "批准日期": "2024-04-10", "geometry": box(c3.x - half_ok, c3.y - half_ok, c3.x, c3.y + half_ok)})
        built_rows.append({"地块编号": "GG-2024-01-J2", "项目编号": "GG-2024-01", "是否安置区": "否",
                           "批准日期": "2024-04-10", "geometry": box(c3.x, c3.y - half_ok, c3.x + half_ok, c3.y + half_ok)})
        dem_area_m2, built_m2, surplus_m2 = self.XIXIAN_LINKAGE_M2
        built_rows.append({"地块编号": "GG-2023-02-J1", "项目编号": "GG-2023-02", "是否安置区": "否",
                           "批准日期": "2023-05-20", "geometry": _square(c4, built_m2 ** 0.5 / 2)})
        ok_built = float(_ellipsoidal_area([b["geometry"] for b in built_rows[:2]]).sum())
        recorded = {"GG-2024-01": (round(ok_area, -2), round(ok_built, -2), round(ok_area - ok_built, -2),
                                   "2027-04-10"),
                    "GG-2023-02": (dem_area_m2, built_m2, surplus_m2, "2025-12-31")}
        for r in dem_rows:
            dm, bm, sm, due = recorded[r["项目编号"]]
            r.update({"拆旧面积": dm, "建新面积": bm, "节余指标": sm, "周转指标归还期限": due, "归还日期": None})
        self.plant("linkage_consistent", "linkage", "GG-2024-01", "linkage_consistent",
                   "拆旧 one 0702 patch, all 旱地 in 2025; 建新 40 % of it (half 安置区); recorded figures as drawn")
        self.plant("linkage_xixian_figures", "linkage", "GG-2023-02", "linkage_surplus_over_records",
                   "息县's 建新 395.42, 拆旧 853.72, 节余 490.77 公顷 scaled 1:100: the recorded 节余 is 3 247 m² more "
                   "than recorded 拆旧 - 建新; 周转指标 due 2025-12-31, not returned: overdue")

        # 土地整治: the envelope of a 坑塘 patch, 150 m around; ponds, ditches, ridges and field roads inside it
        # made 水田 by 2025
        pond = pick("1104", 20000, 150000)
        project = shapely.envelope(lu.geometry.iloc[pond]).buffer(150.0, join_style="mitre")
        inside = np.flatnonzero(shapely.intersects(lu.geometry.to_numpy(), project))
        new_m2 = 0.0
        for k in inside:
            piece = _polygonal(shapely.intersection(lu.geometry.iloc[k], project))
            if shapely.is_empty(piece) or shapely.area(piece) <= 0:
                continue
            code = codes[k]
            if code in ("1104", "1107", "1203", "1006", "1202"):
                code = "0101"
                new_m2 += float(_ellipsoidal_area([piece])[0])
            later_patch(piece, code)
            free[k] = False
        free[:] &= ~shapely.intersects(lu.geometry.to_numpy(), project)
        recorded_new = round(new_m2, -2)
        self.consolidation = gpd.GeoDataFrame({
            "项目编号": ["TDZZ-2024-01"], "项目名称": ["息县高标准农田建设项目"], "立项日期": ["2024-03-01"],
            "建设规模": [round(recorded_new / self.XIXIAN_CONSOLIDATION_RATIO, -2)], "新增耕地面积": [recorded_new],
            "项目总投资": [round(float(rng.uniform(800, 1200)), 1)], "验收日期": ["2025-11-20"]},
            geometry=[project], crs=CRS)
        self.plant("consolidation_verified", "consolidation_projects", "TDZZ-2024-01", "consolidation_verified",
                   f"ponds, ditches, ridges and field roads turned 水田: {new_m2:,.0f} m² measured, recorded to 0.01 公顷; "
                   "建设规模 from 息县's 新增耕地率 12.73 %")

        # 进出平衡: in one township two 水田 patches became orchard and forest, one forest patch became 旱地
        out1 = pick("0101", 40000, 120000, town == 6)
        t6 = town == town[out1]
        out2 = pick("0101", 40000, 120000, t6)
        in1 = pick("0301", 20000, float(area[out1] + area[out2]) * 0.8, t6)
        later_patch(out1, "0201")
        later_patch(out2, "0301")
        later_patch(in1, "0103")
        self.plant("exchange_short", "farmland_exchange", self.town_codes[town[out1]], "exchange_short",
                   f"{self.town_names[town[out1]]}: 耕地 {lu['BSM'].iloc[out1]} -> 0201 and {lu['BSM'].iloc[out2]} -> 0301, "
                   f"only {lu['BSM'].iloc[in1]} (0301) -> 0103 back")

        # 耕作层剥离: two approvals on 耕地: one stripped 30 cm with a receiving site, one 20 cm without
        apps = pd.DataFrame(self.approvals)
        cult = lu.geometry[np.isin(codes, ["0101", "0102", "0103"])].to_numpy()
        tree = shapely.STRtree(cult)
        strips: list[dict] = []
        for k in rng.permutation(len(apps)):
            a = apps.iloc[k]
            if not isinstance(a["批准日期"], dt.date) or a["批准日期"] > EXAMPLE_AS_OF:
                continue
            on = shapely.union_all(shapely.intersection(a["geometry"], cult[tree.query(a["geometry"],
                                                                                        predicate="intersects")]))
            on = _polygonal(on)
            if shapely.is_empty(on) or shapely.area(on) < 5000:
                continue
            depth, site = ((0.30, "息县高标准农田建设项目区") if not strips else (0.20, None))
            strips.append({"剥离编号": f"BL-{len(strips) + 1:03d}", "批准文号": a["批准文号"], "剥离厚度": depth,
                           "存放或利用地点": site, "剥离日期": _d(a["批准日期"] + dt.timedelta(days=60)),
                           "geometry": on})
            if len(strips) == 2:
                break
        self.topsoil = gpd.GeoDataFrame(strips, geometry="geometry", crs=CRS)
        self.plant("topsoil_ok", "topsoil_stripping", strips[0]["批准文号"], "topsoil_ok",
                   "the approval's 耕地 stripped 30 cm, receiving site recorded")
        self.plant("topsoil_short", "topsoil_stripping", strips[1]["批准文号"], "topsoil_depth_short",
                   "stripped 20 cm (< 30 cm), no receiving site")
        self.linkage_frames = {"linkage_demolished": gpd.GeoDataFrame(dem_rows, geometry="geometry", crs=CRS),
                               "linkage_built": gpd.GeoDataFrame(built_rows, geometry="geometry", crs=CRS)}
        self.landuse_later = gpd.GeoDataFrame(later, geometry="geometry", crs=CRS)

    # -- assemble -------------------------------------------------------------------------------------------------
    def frames(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        date_cols_a = ["批准日期"]
        apps = pd.DataFrame(self.approvals)
        apps["批准面积"] = _ellipsoidal_area(apps["geometry"])
        town = self.town_of(apps["geometry"].to_numpy())
        apps["所在区县"] = NAME
        apps["行政区代码"] = np.asarray(self.town_codes, dtype=object)[town]
        apps["所在乡镇"] = np.asarray(self.town_names, dtype=object)[town]
        sup = pd.DataFrame(self.supplies)
        town = self.town_of(sup["geometry"].to_numpy())
        sup["所在区县"] = NAME
        sup["行政区代码"] = np.asarray(self.town_codes, dtype=object)[town]
        bld = pd.DataFrame(self.buildings)
        par = pd.DataFrame(self.parcels)
        par["所在区县"] = NAME
        out = {}
        for name, df, dates in (("approvals", apps, date_cols_a),
                                ("supplies", sup, [c for c in sup.columns if c.endswith("日期")]),
                                ("buildings", bld, ["建成日期"]), ("parcels", par, [])):
            df = df.copy()
            for c in dates:
                df[c] = df[c].map(lambda v: _d(v) if isinstance(v, dt.date) else v if isinstance(v, str) else None
                                  ).astype(object)  # text: a date as the bureau wrote it (2028年7月)
            for c in ("层数",):
                if c in df:
                    df[c] = df[c].astype("Int64")
            cols = [c for c in df.columns if c != "geometry"] + ["geometry"]
            out[name] = gpd.GeoDataFrame(df[cols], geometry="geometry", crs=CRS)
        # field order as a bureau export would have it
        sup_cols = ["合同编号", "签订日期", "供地方式", "土地用途", "受让人", "项目名称", "行业分类", "园区", "出让面积",
                    "出让价款", "约定交地日期", "约定缴款日期", "约定开工日期", "约定竣工日期", "实际交地日期",
                    "实际缴款日期", "实际开工日期", "实际竣工日期", "停工日期", "总投资", "已投资", "延期原因", "闲置原因代码",
                    "补充协议约定动工开发日期", "容积率下限", "容积率上限", "所在区县", "行政区代码", "geometry"]
        out["supplies"] = out["supplies"][sup_cols]
        out["approvals"] = out["approvals"][["批准文号", "批准日期", "批次名称", "批准机关", "规划用途", "批准面积",
                                             "所在区县", "行政区代码", "所在乡镇", "geometry"]]
        county = gpd.GeoDataFrame({"行政区代码": [str(ADCODE)], "名称": [NAME]}, geometry=[self.outline], crs=CRS)
        planted = pd.DataFrame(self.planted, columns=["case", "layer", "feature_id", "expected_finding", "note", "x", "y"])
        return {"county": county, "admin": self.admin, "landuse": self.landuse_gdf, "farmland": self.farmland_gdf,
                "growth_boundary": self.gb, "eco_redline": self.eco, **out, **self.balance_frames,
                "facility_agri": self.facility_agri, "temporary_use": self.temporary_use,
                "landuse_base": self.landuse_base_gdf, "stats": self.stats, "projects": self.projects_gdf,
                **self.linkage_frames, "landuse_later": self.landuse_later, "consolidation": self.consolidation,
                "topsoil": self.topsoil, "planted": planted}


def generate_layers(*, seed: int = DEFAULT_SEED, scale: float = 1.0) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Build every layer of the example county in memory (EPSG:4547), deterministic for ``seed``.

    ``scale`` multiplies the number of land-use patches and random approvals (the planted cases are
    always there). Returns ``{layer name: GeoDataFrame}`` plus the ``planted`` table (a DataFrame).
    """
    c = _County(seed, scale)
    c.townships()
    c.lines()
    c.landuse()
    c.intensity_cases()
    c.grid()
    c.run_approvals_supplies()
    c.farmland()
    c.balance_cases()
    c.imagery_basis_cases()
    c.regions_cases()
    c.project_cases()
    c.supplement_cases()
    frames = c.frames()
    frames["raster_window"] = gpd.GeoDataFrame(
        {"名称": ["卫片执法示例窗口"]}, geometry=[_square(c.raster_centre, RASTER_HALF)], crs=CRS)
    frames["zones"] = _zones(frames["supplies"])
    frames["planted"] = frames.pop("planted")
    return frames


#: the example's development zones (开发区土地集约利用评价): (开发区代码, 名称, 级别, 规划建设用地面积 公顷, box as
#: offsets in metres from the lower-left corner of the supplies marked 园区 = 息县产业集聚区)
ZONES = (
    ("411528-KFQ-01", "息县产业集聚区", "省级", 380.0, (-30.0, -25.0, 2770.0, 1475.0)),
    ("411528-KFQ-02", "息县城北工业园", "县级", 160.0, (-7030.0, 2175.0, -5230.0, 3575.0)),
)


def _zones(supplies: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Two development zones over existing approvals, supplies, parcels and buildings (no random numbers drawn,
    so every other layer stays as it was). 息县产业集聚区 covers the planted cluster of its supplies: its idle
    industrial land is over 40 % of its industrial supply of the last three years (the 栖霞 test of
    ``qixia-example`` suspends it); 息县城北工业园 lies on the county seat's northern supplies, with little idle land."""
    x0, y0, _, _ = supplies[supplies["园区"] == "息县产业集聚区"].total_bounds
    rows = [{"开发区代码": zid, "开发区名称": name, "级别": level, "规划建设用地面积": ha,
             "geometry": shapely.box(x0 + a, y0 + b, x0 + c, y0 + d)} for zid, name, level, ha, (a, b, c, d) in ZONES]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


#: half the side of the two-date raster window (m), centred on the seat's northern growth-boundary edge
RASTER_HALF = 1500.0


def generate(out_path, *, seed: int = DEFAULT_SEED, scale: float = 1.0) -> Path:
    """Generate the example county and write it as a GeoPackage (atomically); returns the path."""
    from ..io import write_layers

    frames = generate_layers(seed=seed, scale=scale)
    out_path = Path(os.fspath(out_path))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    info = {
        "name": f"{NAME} example county (redline)", "adcode": str(ADCODE), "seed": str(seed), "scale": str(scale),
        "as_of": EXAMPLE_AS_OF.isoformat(), "crs": CRS,
        "outline": "derived from DataV GeoAtlas boundary (411500_full.json), GCJ-02 corrected to WGS84/CGCS2000",
        "note": "generated data: townships, land use, farmland, boundaries, approvals and supplies are synthetic"}
    frames["example_info"] = pd.DataFrame({"key": list(info), "value": list(info.values())})
    write_layers(frames, out_path)
    return out_path
