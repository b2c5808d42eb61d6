<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 三区三线冲突图斑 Three-line conflicts, one colour per kind (written from the audit's spec by redline.styles) -->
  <renderer-v2 type="categorizedSymbol" attr="kind" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category render="true" symbol="0" value="farmland_growth" label="永久基本农田与城镇开发边界重叠 farmland_growth"/>
      <category render="true" symbol="1" value="farmland_eco" label="永久基本农田与生态保护红线重叠 farmland_eco"/>
      <category render="true" symbol="2" value="growth_eco" label="城镇开发边界与生态保护红线重叠 growth_eco"/>
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
            <Option type="QString" name="color" value="44,160,44,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="28,104,28,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.6"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="148,103,189,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="96,66,122,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.6"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <mapTip>&lt;b&gt;三区三线冲突图斑&lt;/b&gt; [% "conflict_id" %]
&lt;table&gt;
[% CASE WHEN "kind_zh" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;冲突类型&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("kind_zh", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "width_m" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;平均宽度(米)&lt;/th&gt;&lt;td&gt;' || format_number("width_m", 2) || ' m' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "is_sliver" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;是否碎片&lt;/th&gt;&lt;td&gt;' || if("is_sliver", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "sliver_reason" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;碎片判定&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("sliver_reason", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat("conflict_id", ' ', "kind_zh")</previewExpression>
</qgis>
