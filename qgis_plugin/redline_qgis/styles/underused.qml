<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 用而不足 Under-used land, one colour per judgement (written from the audit's spec by redline.styles) -->
  <renderer-v2 type="categorizedSymbol" attr="judgement" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category render="true" symbol="0" value="underused" label="用而不足 underused"/>
      <category render="true" symbol="1" value="meets" label="达标 meets"/>
      <category render="true" symbol="2" value="not_assessable" label="无法判定 not_assessable"/>
      <category render="true" symbol="3" value="not_industrial" label="非工业用地 not_industrial"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="255,221,87,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="165,143,56,255"/>
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
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="120,120,220,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="78,78,143,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="3" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="200,200,200,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="130,130,130,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <mapTip>&lt;b&gt;用而不足&lt;/b&gt; [% "parcel_id" %]
&lt;table&gt;
[% CASE WHEN "judgement_zh" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;判定&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("judgement_zh", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "far" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;容积率&lt;/th&gt;&lt;td&gt;' || format_number("far", 2) || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "far_min" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;容积率下限&lt;/th&gt;&lt;td&gt;' || format_number("far_min", 2) || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "building_coefficient" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;建筑系数&lt;/th&gt;&lt;td&gt;' || format_number("building_coefficient" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "investment_intensity" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;投资强度(万元/亩)&lt;/th&gt;&lt;td&gt;' || format_number("investment_intensity", 2) || ' 万元/亩' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "tax_per_mu" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;亩均税收(万元/亩)&lt;/th&gt;&lt;td&gt;' || format_number("tax_per_mu", 2) || ' 万元/亩' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "output_per_mu" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;亩均产值(万元/亩)&lt;/th&gt;&lt;td&gt;' || format_number("output_per_mu", 2) || ' 万元/亩' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "low_efficiency" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;低效用地(容积率&amp;lt;0.3)&lt;/th&gt;&lt;td&gt;' || if("low_efficiency", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "underused" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;用而不足&lt;/th&gt;&lt;td&gt;' || if("underused", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "far_over_max" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;超合同容积率上限&lt;/th&gt;&lt;td&gt;' || if("far_over_max", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "reasons" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;原因&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("reasons", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "not_judged" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;未判定指标&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("not_judged", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat("parcel_id", ' ', "judgement_zh")</previewExpression>
</qgis>
