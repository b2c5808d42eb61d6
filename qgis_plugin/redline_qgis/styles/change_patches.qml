<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 变化图斑 change patches: cyan -->
  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="0,170,200,60"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="0,130,170,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
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
  <mapTip>&lt;b&gt;变化图斑&lt;/b&gt; [% "patch_id" %]
&lt;table&gt;
[% CASE WHEN "before_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;前时相日期&lt;/th&gt;&lt;td&gt;' || format_date("before_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "after_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;后时相日期&lt;/th&gt;&lt;td&gt;' || format_date("after_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "below_min_area" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;低于最小上图面积&lt;/th&gt;&lt;td&gt;' || if("below_min_area", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "min_area_rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("min_area_rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat('变化图斑 ', "patch_id")</previewExpression>
</qgis>
