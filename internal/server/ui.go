package server

import (
	"net/http"

	"github.com/fastroad/fastroad/i18n"
)

// uiText are the page's own words, English and Chinese; words the report
// already has come from the i18n catalogue (catalogueKeys).
var uiText = map[string][2]string{
	"title":           {"fastroad: drive-time map", "fastroad：出行时间地图"},
	"direction":       {"Direction", "方向"},
	"from":            {"from the point", "从该点出发"},
	"to":              {"to the point", "到达该点"},
	"bands":           {"Bands (minutes)", "时间圈（分钟）"},
	"alternative":     {"Alternative", "方案"},
	"click_hint":      {"Click the map or a town for its drive-time bands.", "点击地图或城镇，查看其出行时间圈。"},
	"residents":       {"Residents", "常住人口"},
	"within":          {"within", "以内"},
	"minutes":         {"min", "分钟"},
	"difference":      {"Difference with the base", "与现状的差异"},
	"gainers":         {"residents save at least 1 minute or are newly reached", "常住人口节省至少1分钟或新纳入"},
	"losers":          {"residents lose at least 1 minute", "常住人口增加至少1分钟"},
	"saves":           {"saves ≥ {0} min", "节省 ≥ {0} 分钟"},
	"costs":           {"costs ≥ {0} min", "增加 ≥ {0} 分钟"},
	"cells":           {"Computed on cells of {0} m (coarser for larger areas; the report uses the study's cells).", "按 {0} 米网格计算（范围越大网格越粗；报告采用研究设定的网格）。"},
	"newly":           {"newly reached", "新纳入"},
	"lost":            {"no longer reached", "不再可达"},
	"towns":           {"Towns", "城镇"},
	"areas":           {"Counties", "区县"},
	"town":            {"Town", "城镇"},
	"area":            {"Area", "区域"},
	"population":      {"Population", "人口"},
	"to_hsr":          {"To HSR (min)", "至高铁站（分钟）"},
	"to_entrance":     {"To expressway (min)", "至高速入口（分钟）"},
	"to_trunk":        {"To trunk road (min)", "至国省道（分钟）"},
	"to_centre":       {"To centre (min)", "至中心城区（分钟）"},
	"hsr_mean":        {"Mean to HSR (min)", "至高铁平均（分钟）"},
	"entrance_mean":   {"Mean to expressway (min)", "至高速平均（分钟）"},
	"entrance_within": {"Within {0} min of an entrance", "{0}分钟内到达高速入口"},
	"download_layer":  {"Download layer (GeoJSON)", "下载图层（GeoJSON）"},
	"download_table":  {"Download table (CSV)", "下载表格（CSV）"},
	"loading":         {"Computing…", "计算中…"},
	"language":        {"Language", "语言"},
	"error":           {"Error", "错误"},
	"estimate":        {"estimate", "估算"},
	"edited_roads":    {"Edited roads", "方案道路"},
	"control_lines":   {"Control lines", "控制线"},
	"places":          {"Places", "地点"},
	"roads":           {"Roads", "道路"},
	"isochrone":       {"Isochrone", "等时圈"},
	"zoom_in":         {"Zoom in to see every road.", "放大以显示全部道路。"},
	"hsr_station":     {"HSR station", "高铁站"},
	"rail_station":    {"Rail station", "火车站"},
	"entrance":        {"Expressway entrance", "高速入口"},
}

// catalogueKeys are taken from the i18n catalogue.
var catalogueKeys = []string{"base", "section_access"}

func (s *Server) ui(w http.ResponseWriter, r *http.Request) {
	if err := params(r, "lang"); err != nil {
		s.fail(w, err)
		return
	}
	l, err := lang(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	k := 0
	if l == i18n.ZH {
		k = 1
	}
	out := map[string]string{"lang": string(l)}
	for key, v := range uiText {
		out[key] = v[k]
	}
	for _, key := range catalogueKeys {
		out[key] = i18n.T(l, key)
	}
	writeJSON(w, out)
}
