<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 闲置土地 Idle land, one colour per status (written from the audit's spec by redline.styles) -->
  <renderer-v2 type="categorizedSymbol" attr="status" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category render="true" symbol="0" value="idle_recover" label="闲置满两年(可无偿收回) idle_recover"/>
      <category render="true" symbol="1" value="idle" label="闲置满一年(征缴闲置费) idle"/>
      <category render="true" symbol="2" value="stalled" label="开工后中止满一年(闲置, 收回待审查) stalled"/>
      <category render="true" symbol="3" value="start_overdue" label="逾期未开工(不满一年) start_overdue"/>
      <category render="true" symbol="4" value="exempt_overdue" label="第八条情形(处置逾期未记录, 待审查) exempt_overdue"/>
      <category render="true" symbol="5" value="exempt" label="第八条情形(待按第十二条协商处置, 不征缴) exempt"/>
      <category render="true" symbol="6" value="suspended_undetermined" label="停工满一年(开发面积或投资比例不明, 待核实) suspended_undetermined"/>
      <category render="true" symbol="7" value="undetermined" label="无法判定(缺约定开工日期或闲置原因代码无法识别) undetermined"/>
      <category render="true" symbol="8" value="not_due" label="未到约定开工日期 not_due"/>
      <category render="true" symbol="9" value="in_progress" label="在建 in_progress"/>
      <category render="true" symbol="10" value="completed" label="已竣工 completed"/>
      <category render="true" symbol="11" value="not_yet_supplied" label="签订日期晚于审计基准日(尚未供地, 不判定) not_yet_supplied"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="165,0,38,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="107,0,24,255"/>
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
      <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="152,78,163,150"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="98,50,105,255"/>
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
            <Option type="QString" name="color" value="253,174,97,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="164,113,63,255"/>
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
            <Option type="QString" name="color" value="140,86,75,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="91,55,48,255"/>
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
      <symbol type="fill" name="6" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="197,176,213,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="128,114,138,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="7" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="90,90,90,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="58,58,58,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="8" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="171,217,233,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="111,141,151,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="9" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="161,217,155,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="104,141,100,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="10" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="120,120,120,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="78,78,78,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="11" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="219,219,141,90"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="142,142,91,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <mapTip>&lt;b&gt;闲置土地&lt;/b&gt; [% "supply_id" %]
&lt;table&gt;
[% CASE WHEN "status_zh" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;状态&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("status_zh", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "supply_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;供地日期&lt;/th&gt;&lt;td&gt;' || format_date("supply_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "effective_start_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;起算动工开发日期&lt;/th&gt;&lt;td&gt;' || format_date("effective_start_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "developed_ratio" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;开发比例&lt;/th&gt;&lt;td&gt;' || format_number("developed_ratio" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "invested_ratio" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;投资比例&lt;/th&gt;&lt;td&gt;' || format_number("invested_ratio" * 100, 1) || '%' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "idle_date" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;认定闲置日期&lt;/th&gt;&lt;td&gt;' || format_date("idle_date", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "idle_days" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;闲置天数&lt;/th&gt;&lt;td&gt;' || format_number("idle_days", 0) || ' 天' || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "measure_zh" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;处置措施(第十四条)&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("measure_zh", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "recovery_candidate" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;可无偿收回&lt;/th&gt;&lt;td&gt;' || if("recovery_candidate", '是', '否') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "pending_since" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;待处置起始日期&lt;/th&gt;&lt;td&gt;' || format_date("pending_since", 'yyyy-MM-dd') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "reason" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;认定理由&lt;/th&gt;&lt;td&gt;' || replace(replace(replace("reason", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/td&gt;&lt;/tr&gt;' END %]
[% CASE WHEN "rule" IS NULL THEN '' ELSE '&lt;tr&gt;&lt;th align="left"&gt;依据&lt;/th&gt;&lt;td&gt;&lt;small&gt;' || replace(replace(replace("rule", '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;'), '&gt;', '&amp;gt;') || '&lt;/small&gt;&lt;/td&gt;&lt;/tr&gt;' END %]
&lt;/table&gt;</mapTip>
  <previewExpression>concat("supply_id", ' ', "status_zh")</previewExpression>
</qgis>
