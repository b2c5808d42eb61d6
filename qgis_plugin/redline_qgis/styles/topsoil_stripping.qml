<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 耕作层剥离 Topsoil stripping, one colour per status (written from the audit's spec by redline.styles) -->
  <renderer-v2 type="categorizedSymbol" attr="regexp_substr(&quot;status&quot;, '^[^;]*')" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category render="true" symbol="0" value="no_record" label="未见剥离记录 no_record"/>
      <category render="true" symbol="1" value="volume_short" label="剥离量不足 volume_short"/>
      <category render="true" symbol="2" value="depth_short" label="剥离厚度不足 depth_short"/>
      <category render="true" symbol="3" value="no_receiving_site" label="未记录存放或利用地点 no_receiving_site"/>
      <category render="true" symbol="4" value="not_checked" label="厚度和剥离量均未记录 not_checked"/>
      <category render="true" symbol="5" value="ok" label="剥离相符 ok"/>
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
            <Option type="QString" name="color" value="255,127,14,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="165,82,9,255"/>
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
            <Option type="QString" name="color" value="227,119,194,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="147,77,126,255"/>
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
            <Option type="QString" name="color" value="188,189,34,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="122,122,22,255"/>
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
            <Option type="QString" name="color" value="170,170,170,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="110,110,110,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="5" alpha="1" clip_to_extent="1" force_rhr="0">
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
    </symbols>
  </renderer-v2>
  <mapTip>&lt;b&gt;耕作层剥离&lt;/b&gt; [% "approval_id" %]
&lt;table&gt;
[% CASE WHEN "status_zh" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;结论&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("status_zh", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "approval_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;批准日期&lt;/th&gt;&lt;td&gt;' || format_date("approval_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "stripped_share" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;剥离面积占耕地比例&lt;/th&gt;&lt;td&gt;' || format_number("stripped_share" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "depth_m" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;剥离厚度(米)&lt;/th&gt;&lt;td&gt;' || format_number("depth_m", 2) || ' m' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "depth_min_m" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;规定厚度(米)&lt;/th&gt;&lt;td&gt;' || format_number("depth_min_m", 2) || ' m' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "volume_m3" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;剥离量(立方米)&lt;/th&gt;&lt;td&gt;' || format_number("volume_m3", 2) || ' m³' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "required_m3" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;应剥离量(立方米)&lt;/th&gt;&lt;td&gt;' || format_number("required_m3", 2) || ' m³' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "volume_short_m3" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;剥离量缺口(立方米)&lt;/th&gt;&lt;td&gt;' || format_number("volume_short_m3", 2) || ' m³' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat("approval_id", ' ', "status_zh")</previewExpression>
</qgis>
