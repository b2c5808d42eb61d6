<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 批后监管预警 Deadline alerts, one colour per level (written from the audit's spec by redline.styles) -->
  <renderer-v2 type="categorizedSymbol" attr="level" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category render="true" symbol="0" value="escalated" label="警示(逾期未履约) escalated"/>
      <category render="true" symbol="1" value="overdue" label="已逾期 overdue"/>
      <category render="true" symbol="2" value="upcoming" label="预警(即将到期) upcoming"/>
      <category render="true" symbol="3" value="ok" label="正常 ok"/>
      <category render="true" symbol="4" value="met" label="已履约 met"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="215,48,39,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="139,31,25,255"/>
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
            <Option type="QString" name="color" value="253,174,97,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="164,113,63,255"/>
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
            <Option type="QString" name="color" value="255,237,111,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="165,154,72,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.6"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="3" alpha="1" clip_to_extent="1" force_rhr="0">
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
      <symbol type="fill" name="4" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="190,190,190,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="123,123,123,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <mapTip>&lt;b&gt;批后监管预警&lt;/b&gt; [% "supply_id" %]
&lt;table&gt;
[% CASE WHEN "level_zh" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;预警级别&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("level_zh", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "agreed_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;约定日期&lt;/th&gt;&lt;td&gt;' || format_date("agreed_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "actual_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;实际日期&lt;/th&gt;&lt;td&gt;' || format_date("actual_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "days_remaining" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;剩余天数&lt;/th&gt;&lt;td&gt;' || format_number("days_remaining", 0) || ' 天' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "days_overdue" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;逾期天数&lt;/th&gt;&lt;td&gt;' || format_number("days_overdue", 0) || ' 天' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "days_late" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;迟延天数&lt;/th&gt;&lt;td&gt;' || format_number("days_late", 0) || ' 天' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "reason" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;说明&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("reason", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat("supply_id", ' ', "level_zh")</previewExpression>
</qgis>
