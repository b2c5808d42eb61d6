<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 开发区土地集约利用评价 Development zone indicators, one colour per status (written from the audit's spec by redline.styles) -->
  <renderer-v2 type="categorizedSymbol" attr="status" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category render="true" symbol="0" value="suspend" label="暂停新增工业用地供应 suspend"/>
      <category render="true" symbol="1" value="pass" label="未超过闲置比例 pass"/>
      <category render="true" symbol="2" value="not_judged" label="未判定 not_judged"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="214,39,40,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="139,25,26,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.6"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="44,160,44,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="28,104,28,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="150,150,150,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="97,97,97,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <mapTip>&lt;b&gt;开发区土地集约利用评价&lt;/b&gt; [% "zone_id" %]
&lt;table&gt;
[% CASE WHEN "status_zh" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;闲置比例判定&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("status_zh", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "development_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;土地开发率&lt;/th&gt;&lt;td&gt;' || format_number("development_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "supply_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;土地供应率&lt;/th&gt;&lt;td&gt;' || format_number("supply_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "built_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;土地建成率&lt;/th&gt;&lt;td&gt;' || format_number("built_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "industrial_share" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;工业用地率&lt;/th&gt;&lt;td&gt;' || format_number("industrial_share" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "far" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;综合容积率&lt;/th&gt;&lt;td&gt;' || format_number("far", 2) || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "industrial_far" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;工业用地综合容积率&lt;/th&gt;&lt;td&gt;' || format_number("industrial_far", 2) || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "building_density" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;建筑密度&lt;/th&gt;&lt;td&gt;' || format_number("building_density" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "investment_wan_per_ha" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;工业用地固定资产投入强度(万元/公顷)&lt;/th&gt;&lt;td&gt;' || format_number("investment_wan_per_ha", 2) || ' 万元/公顷' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "investment_wan_per_mu" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;工业用地固定资产投入强度(万元/亩)&lt;/th&gt;&lt;td&gt;' || format_number("investment_wan_per_mu", 2) || ' 万元/亩' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "tax_wan_per_ha" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;地均税收(万元/公顷)&lt;/th&gt;&lt;td&gt;' || format_number("tax_wan_per_ha", 2) || ' 万元/公顷' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "tax_wan_per_mu" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;地均税收(万元/亩)&lt;/th&gt;&lt;td&gt;' || format_number("tax_wan_per_mu", 2) || ' 万元/亩' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "unsupplied_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;批而未供率&lt;/th&gt;&lt;td&gt;' || format_number("unsupplied_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "idle_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;闲置土地率&lt;/th&gt;&lt;td&gt;' || format_number("idle_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "expired_disposal_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;到期项目用地处置率&lt;/th&gt;&lt;td&gt;' || format_number("expired_disposal_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "years_of_supply_left" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;尚可供应年限(年)&lt;/th&gt;&lt;td&gt;' || format_number("years_of_supply_left", 2) || ' 年' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "idle_industrial_share_3y" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;闲置工业用地占近三年工业供地比例&lt;/th&gt;&lt;td&gt;' || format_number("idle_industrial_share_3y" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "suspend_new_industrial" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;暂停新增工业用地&lt;/th&gt;&lt;td&gt;' || if("suspend_new_industrial", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "not_computed" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;未计算指标及原因&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("not_computed", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat("zone_id", ' ', "status_zh")</previewExpression>
</qgis>
