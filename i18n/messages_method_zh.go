package i18n

// 报告的方法说明（study.(*Study).MethodNotes），并入 zh 目录。
var methodZH = map[string]string{
	"method_times":          "出行时间为按车速配置中各等级道路车速计算的OSM路网最短小汽车行驶时间；未计转向延误、信号灯及拥堵。",
	"method_towns":          "城镇为OSM中place=city/town节点（及县级行政区的行政中心），并按规划人员文件修改；每个城镇落在最近的普通道路（非高速公路）上。",
	"method_entrances":      "各路网分别识别高速公路出入口：普通道路经匝道进入全封闭道路网络之处，每个互通立交计一处，且其所接全封闭道路不短于{0}公里。",
	"method_isochrones":     "等时圈：栅格单元{0}米；由道路以{1}公里/小时到达两侧{2}米以内的土地；高速公路主线及匝道不服务两侧土地。无论绘制哪些时间圈，栅格均计算至{3}分钟，差异图统计任一路网可达的全部单元。",
	"method_controls":       "控制线：紫线（历史文化保护）与蓝线（水体）为刚性冲突（线内长度与穿越次数：需架桥、隧道或改线）；绿线按研究设定的道路用地宽度计占地面积；红线为线位位于道路红线内的比例。道路进入紫线或蓝线的路段在图上标出。",
	"method_town_figures":   "城镇人口为城镇自身数据（OSM人口标签或规划人员文件）；常住人口取自人口栅格（见下）；面积取自等时圈多边形。",
	"method_control_source": "{1}（{0}）：{2}",
	"method_control_none":   "未检查：未提供",
	"method_control_file":   "规划人员文件 {0}",
	"method_control_osm":    "由OpenStreetMap提取（{0}）",
	"method_pop_none":       "常住人口：无人口栅格（未提供人口数据且未读取路网数据文件）。",
	"method_pop_surface":    "常住人口：{0}米人口栅格，按总量守恒重采样到出行时间栅格；数据来源按顺序使用，先覆盖某区域的来源在该区域优先。",
	"method_pop_source":     "人口数据来源 {0}（{1}）：{2}人，落位{3}人{4}。",
	"method_pop_outside":    "，研究范围外{0}人（{1}项）",
	"method_pop_covered":    "，{0}人位于先前来源已覆盖的区域",
	"method_pop_estimate":   "；其中部分为无总量区域按地名等级的估算值",
	"method_pop_planner":    "人口：规划人员给出的{0}人口（{1}人）将OSM地名{2}合并为一处计权重。",
	"method_pop_region":     "研究范围：{0}；人口栅格在其外的{1}人（数据文件覆盖的相邻地区的估算值）不计入。",
	"method_pop_urban":      "城镇人口指居住在place=city或town范围内、距城市节点{0}公里（城镇节点{1}公里）以内的居住用地内，或距城市节点{2}公里（城镇节点{3}公里）以内的栅格单元中的人口；其余为乡村人口。县界取自数据文件中admin_level {4}的行政边界；栅格单元按其中心所在县归属。",
}

func init() {
	for k, v := range methodZH {
		zh[k] = v
	}
}
