<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 供地率 supply rate: outline -->
  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="200,16,46,20"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="120,20,40,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.5"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <mapTip>&lt;b&gt;供地率&lt;/b&gt; [% "district" %]
&lt;table&gt;
[% CASE WHEN "supply_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;供地率&lt;/th&gt;&lt;td&gt;' || format_number("supply_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "min_rate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;供地率下限&lt;/th&gt;&lt;td&gt;' || format_number("min_rate" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "below_min" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;低于下限(增存挂钩)&lt;/th&gt;&lt;td&gt;' || if("below_min", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat('供地率 ', "district")</previewExpression>
</qgis>
