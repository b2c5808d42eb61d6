<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: 开发区土地集约利用评价 Development zone indicators, one colour per status (written from the audit's spec by scripts/package_plugin.py) -->
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
</qgis>
