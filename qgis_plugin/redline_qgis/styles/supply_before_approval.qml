<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: a finding (generic): red -->
  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="200,16,46,60"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="200,16,46,255"/>
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
  <mapTip>&lt;b&gt;先供后批&lt;/b&gt; [% "supply_id" %]
&lt;table&gt;
[% CASE WHEN "supply_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;供地日期&lt;/th&gt;&lt;td&gt;' || format_date("supply_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "approval_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;批准日期&lt;/th&gt;&lt;td&gt;' || format_date("approval_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "days_before_approval" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;早于批准天数&lt;/th&gt;&lt;td&gt;' || format_number("days_before_approval", 0) || ' 天' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "reason" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;认定理由&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("reason", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat('先供后批 ', "supply_id")</previewExpression>
</qgis>
