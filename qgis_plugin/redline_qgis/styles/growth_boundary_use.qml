<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 城镇开发边界 growth boundary use: blue dashed -->
  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="30,120,200,40"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="30,90,170,255"/>
            <Option type="QString" name="outline_style" value="dash"/>
            <Option type="QString" name="outline_width" value="0.6"/>
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
  <mapTip>&lt;b&gt;城镇开发边界使用情况&lt;/b&gt; [% "boundary_id" %]
&lt;table&gt;
[% CASE WHEN "built_share" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;建设比例&lt;/th&gt;&lt;td&gt;' || format_number("built_share" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat('城镇开发边界使用情况 ', "boundary_id")</previewExpression>
</qgis>
