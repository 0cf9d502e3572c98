# ruff: noqa: E501  (hand-written HTML templates: one tag per line, as the sites print them)
"""2000s table layouts (富春网, 兰溪新闻网) and GBK pages with no charset (台州新闻网)."""

from __future__ import annotations

from common import (
    CORPUS,
    Art,
    icp,
    paragraphs_html,
    pick_headlines,
    register_list,
    write_expected,
    write_page,
    write_routes,
)

# ---------------------------------------------------------------- 富春网 (gb2312 meta, GBK bytes)
FY = "www.fcdemo-news.cn"

FY_ARTS = [
    Art(
        url=f"http://{FY}/html/2024/fyxw_1203/58213.html",
        title="富阳区召开全区经济工作务虚会",
        published="2024-12-03 09:05:12",
        origin="富春日报",
        authors=["孙立群"],
        editor="何晓燕",
        channel="富阳新闻",
        family="table",
        traits=["gb2312_meta", "br_paragraphs", "font_tags", "title_suffix_underscore"],
        text="""
12月2日下午，富阳区召开全区经济工作务虚会，总结分析今年以来经济运行情况，研究谋划明年经济工作思路和重点举措。区领导王建华、陈志刚、刘海燕等出席会议。
会上，区发改局通报了1至10月全区经济运行情况。今年以来，全区地区生产总值同比增长6.8%，规上工业增加值增长8.2%，固定资产投资增长7.5%，主要经济指标增速位居全市前列。
区经信局、区商务局、区农业农村局等部门负责人围绕产业培育、招商引资、乡村振兴等工作作交流发言，并就明年重点工作提出意见建议。
!/uploadfile/2024/1203/20241203090512345.jpg
^会议现场。记者 钟文 摄
会议指出，今年以来，面对复杂严峻的外部环境，全区上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进，高质量发展取得新成效。同时也要清醒看到，有效需求不足、部分企业经营困难等问题依然存在。
会议强调，明年是“十四五”规划收官之年，要坚持以经济建设为中心，聚焦“415X”先进制造业集群，加快培育新质生产力；要抓好项目招引，力争全年招引亿元以上产业项目40个以上；要持续优化营商环境，切实为企业纾困解难。
会议要求，各部门、各乡镇（街道）要提前谋划、主动作为，确保明年经济工作开好局、起好步。
""",
    ),
    Art(
        url=f"http://{FY}/html/2024/fyxw_1205/58302.html",
        title="新登镇“共富工坊”让村民在家门口增收",
        published="2024-12-05 16:40:03",
        origin="富春日报",
        authors=["周敏"],
        contributors=["许亮"],
        editor="何晓燕",
        channel="乡镇动态",
        family="table",
        traits=["gb2312_meta", "br_paragraphs", "byline_in_info_line"],
        text="""
走进新登镇湘溪村的“共富工坊”，十几位村民正坐在长桌前，熟练地把一根根竹丝编成精美的果篮、茶盘。“一个月能挣三千多块，离家近，还能照顾孩子。”村民李月红一边忙活一边说。
今年以来，新登镇依托本地竹木资源和传统手工技艺，联合12家企业建起17个“共富工坊”，吸纳周边村民就业600余人，人均月增收2000元以上。
“企业把订单和原料送到村里，村民在家门口就能加工，成品由企业统一回收销售。”新登镇相关负责人介绍，工坊还定期邀请非遗传承人开展技能培训，帮助村民提升手艺。
除了竹编，工坊的业务范围还在不断拓展。在半山村，一家服装企业把部分缝制工序放到村里，30多名留守妇女成了“车间工人”；在双江村，村民们为电商企业分拣、包装农产品，旺季时一天能发货上万单。
下一步，新登镇将继续深化“企业+村集体+农户”合作模式，力争到明年底“共富工坊”数量达到25个，带动更多村民增收致富。
“共富工坊”不仅让村民的“钱袋子”鼓了起来，也让传统手艺有了传承。在湘溪村，年过六旬的竹编艺人王师傅成了工坊的“技术顾问”，手把手教年轻人编织技巧。“以前担心这门手艺没人学，现在年轻人也愿意来了。”
""",
    ),
    Art(
        url=f"http://{FY}/html/2024/fyxw_1209/58417.html",
        title="富春江畔新添一处城市书房",
        published="2024-12-09 08:12:40",
        origin="富阳区融媒体中心",
        authors=[],
        editor="何晓燕",
        channel="文化体育",
        family="table",
        traits=["gb2312_meta", "short_article", "no_author"],
        text="""
近日，位于富春江畔的春江街道城市书房正式对外开放。书房面积约260平方米，藏书1.2万册，设有阅读区、儿童绘本区和自习区，每天8:30至21:00开放，市民凭身份证或社保卡即可免费借阅。
据悉，这是富阳今年建成的第6家城市书房，书房与区图书馆实现通借通还，市民还可通过“富阳悦读”小程序预约座位、查询馆藏。
""",
    ),
    Art(
        url=f"http://{FY}/html/2024/fyxw_1211/58501.html",
        title="富阳启动冬季“护林防火”专项行动",
        published="2024-12-11 10:30:00",
        origin="富春日报",
        authors=["孙立群"],
        editor="王蕾",
        channel="富阳新闻",
        family="table",
        traits=["gb2312_meta", "br_paragraphs", "seconds_zero"],
        text="""
进入冬季，天干物燥，森林火险等级持续偏高。12月10日，富阳区启动为期4个月的冬季“护林防火”专项行动，全面加强火源管控和隐患排查。
专项行动期间，全区将组织护林员、应急队伍开展常态化巡山护林，在重点林区入山口设置检查站，严查携带火种进山等行为；同时加强对坟头祭扫、农事用火、野外烧烤等重点行为的管理。
区林业部门还将借助林火视频监控系统和无人机巡查，对全区28.6万亩重点林区实现24小时监测，做到火情早发现、早报告、早处置。
区应急管理局提醒，市民进入林区时请勿携带火种，发现火情请第一时间拨打119或12119森林火警电话。
据了解，富阳区森林覆盖率达到70%以上，是全省重点林区之一。今年以来，全区已组织森林防火培训和演练30余场次，新建林区蓄水池12座，更新扑火装备一批。
区林业部门相关负责人表示，专项行动期间将对违规用火行为“零容忍”，发现一起、查处一起，并通过村广播、微信群等渠道加强防火宣传，让“防火就是保家园”的理念深入人心。
""",
    ),
]


def fy_page(a: Art) -> str:
    hot = "".join(
        f'<tr><td height="22">·<a href="/html/2024/fyxw_1128/{58000 + i}.html" target="_blank">{h}</a></td></tr>\n'
        for i, h in enumerate(pick_headlines(a.url, 10, a.title))
    )
    related = "".join(
        f'<tr><td height="22">·<a href="/html/2024/fyxw_1120/{57800 + i}.html">{h}</a></td></tr>\n'
        for i, h in enumerate(pick_headlines(a.url + "rel", 5, a.title))
    )
    body = paragraphs_html(
        a,
        p="　　{}<br />\n<br />",
        img='<div align="center"><img src="{}" border="0" width="550" /></div><br />',
        cap='<div align="center"><font color="#666666" style="font-size:12px">{}</font></div><br />',
        joiner="\n",
    )
    author = f"作者：记者 {'　'.join(a.authors)}" if a.authors else ""
    if a.contributors:
        author += f" 通讯员 {' '.join(a.contributors)}"
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{a.title}_{a.channel}_富春网</title>
<meta name="keywords" content="富阳,富春网,{a.channel}">
<meta name="description" content="富春网-富阳第一新闻门户">
<link href="/css/style.css" rel="stylesheet" type="text/css">
<style type="text/css">
<!--
body {{ margin:0; font-size:12px; }}
td.content {{ font-size:14px; line-height:26px; }}
.title {{ font-family:黑体; }}
-->
</style>
<script language="javascript" src="/js/common.js"></script>
</head>
<body bgcolor="#FFFFFF" topmargin="0" leftmargin="0">
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr>
    <td width="230"><a href="/"><img src="/images/logo.gif" width="230" height="70" border="0" alt="富春网"></a></td>
    <td align="right"><font color="#999999">设为首页 | 加入收藏 | <a href="http://m.fcdemo-news.cn/">手机版</a></font></td>
  </tr>
</table>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#0055A5">
  <tr>
    <td height="32" class="nav"><a href="/">首页</a> | <a href="/html/fyxw/">富阳新闻</a> | <a href="/html/xzdt/">乡镇动态</a> | <a href="/html/whty/">文化体育</a> | <a href="/html/shms/">社会民生</a> | <a href="/html/tpxw/">图片新闻</a> | <a href="/html/zt/">专题</a> | <a href="/bbs/">富春论坛</a></td>
  </tr>
</table>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr>
    <td height="28">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/html/fyxw/">{a.channel}</a> &gt;&gt; 正文</td>
  </tr>
</table>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr>
    <td width="680" valign="top">
      <table width="100%" border="0" cellspacing="0" cellpadding="0" style="border:1px solid #CCCCCC">
        <tr>
          <td class="title" align="center" height="60"><font size="5" color="#003366"><b>{a.title}</b></font></td>
        </tr>
        <tr>
          <td align="center" height="26" bgcolor="#F2F2F2"><font color="#666666">来源：{a.origin}&nbsp;&nbsp;&nbsp;{author}&nbsp;&nbsp;&nbsp;发布时间：{a.d("isos")}&nbsp;&nbsp;&nbsp;点击数：<script>document.write(Math.round(Math.random()*900+100));</script></font></td>
        </tr>
        <tr>
          <td class="content" id="fontzoom" style="padding:15px">
<!-- 正文开始 -->
{body}
<!-- 正文结束 -->
          </td>
        </tr>
        <tr>
          <td align="right" style="padding-right:20px"><font color="#999999">【责任编辑：{a.editor}】</font></td>
        </tr>
        <tr>
          <td height="30" align="center">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td>
        </tr>
      </table>
      <table width="100%" border="0" cellspacing="0" cellpadding="0">
        <tr><td height="26" bgcolor="#E8EEF7"><b>&nbsp;相关新闻</b></td></tr>
        {related}
      </table>
    </td>
    <td width="10"></td>
    <td width="270" valign="top">
      <table width="100%" border="0" cellspacing="0" cellpadding="0" style="border:1px solid #CCCCCC">
        <tr><td height="26" bgcolor="#E8EEF7"><b>&nbsp;热点排行</b></td></tr>
        {hot}
      </table>
      <table width="100%" border="0" cellspacing="0" cellpadding="0">
        <tr><td><a href="/ad/click.php?id=17"><img src="/ad/fyyh_270x120.gif" width="270" height="120" border="0" alt="富阳银行 贷款直通车"></a></td></tr>
      </table>
    </td>
  </tr>
</table>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0" style="border-top:2px solid #0055A5">
  <tr>
    <td align="center" height="80"><font color="#666666">关于我们 | 联系我们 | 广告服务 | 版权声明<br>
    富春网 版权所有 未经授权禁止复制或建立镜像 Copyright &copy; 2003-2024 All Rights Reserved<br>
    {icp(FY)} 新闻热线：0571-6332XXXX</font></td>
  </tr>
</table>
</body>
</html>
"""


def fy_list(items: list[Art], page: int, total: int) -> str:
    rows = "\n".join(
        f'<tr><td height="24">·<a href="{a.path}" target="_blank">{a.title}</a></td>'
        f'<td width="90" align="right"><font color="#999999">{a.d("isoday")}</font></td></tr>'
        for a in items
    )
    pager = f"共{total}页 当前第{page}页 "
    if page == 1:
        pager += '首页 上一页 <a href="index_2.html">下一页</a> <a href="index_2.html">尾页</a>'
    else:
        pager += '<a href="index.html">首页</a> <a href="index.html">上一页</a> 下一页 尾页'
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>富阳新闻_富春网</title>
</head>
<body>
<table width="960" border="0" align="center"><tr><td class="nav"><a href="/">首页</a> | <a href="/html/fyxw/">富阳新闻</a> | <a href="/html/xzdt/">乡镇动态</a> | <a href="/html/whty/">文化体育</a> | <a href="/html/shms/">社会民生</a> | <a href="/bbs/">富春论坛</a> | <a href="/about/contact.html">联系我们</a></td></tr></table>
<table width="960" border="0" align="center"><tr><td>当前位置：<a href="/">首页</a> &gt;&gt; 富阳新闻</td></tr></table>
<table width="680" border="0" align="center" cellpadding="0" cellspacing="0">
{rows}
<tr><td colspan="2" align="center" height="40">{pager}</td></tr>
</table>
<table width="960" border="0" align="center"><tr><td align="center">富春网 版权所有 {icp(FY)}</td></tr></table>
</body>
</html>
"""


# ---------------------------------------------------------------- 兰溪新闻网 (utf-8, <font>, nested)
LX = "news.lxdemo.com.cn"

LX_ARTS = [
    Art(
        url=f"http://{LX}/system/2024/11/28/014562301.shtml",
        title="兰江两岸亮化提升工程完工 “夜兰溪”更美了",
        published="2024-11-28 19:26",
        origin="兰溪日报",
        authors=["吴晓东"],
        contributors=["方蕾"],
        editor="叶子",
        channel="兰溪新闻",
        family="table",
        traits=["nested_tables", "div_paragraphs_in_td", "title_suffix_dash"],
        text="""
11月27日晚，随着最后一段景观灯带调试完成，兰江两岸亮化提升工程全面完工。当晚，不少市民来到江边散步拍照，“夜兰溪”的美景在朋友圈刷屏。
此次亮化提升工程北起兰江大桥，南至中洲公园，全长约4.2公里，涉及沿江建筑立面、桥梁、驳岸和绿道照明。工程采用节能LED灯具，并设置了平日、节假日和重大节日三种灯光模式。
“以前晚上江边黑乎乎的，现在灯一亮，感觉整座城都活了。”家住兰江街道的市民陈阿姨说，她每天晚饭后都会和老伴来江边走一走。
市住建局相关负责人介绍，亮化工程还同步改造了沿江绿道的照明和监控设施，消除夜间安全隐患。下一步，兰溪还将结合夜市、水上游线等项目，进一步激活夜间经济。
记者在现场看到，中洲公园一带新设置了水幕投影和互动地灯，不少孩子在灯光下追逐嬉戏。兰江大桥的桥体灯光以“江潮”为主题，每逢整点还会上演三分钟的灯光秀。
“灯亮了，人就多了，晚上的生意比以前好了不少。”在江边经营奶茶店的小刘说，最近每天营业额都比以前多出三四百元。
据悉，亮化提升工程总投资约3800万元，采用智能照明控制系统，可根据季节和人流情况自动调节亮度，预计每年可节约用电约30%。
""",
    ),
    Art(
        url=f"http://{LX}/system/2024/12/02/014568877.shtml",
        title="兰溪杨梅完成冬季“修剪”迎来年丰收",
        published="2024-12-02 11:03",
        origin="兰溪日报",
        authors=["徐丽"],
        editor="叶子",
        channel="三农",
        family="table",
        traits=["nested_tables", "div_paragraphs_in_td", "font_tags", "end_byline"],
        text="""
连日来，在兰溪市马涧镇的杨梅基地里，果农们正忙着修剪枝条、施放冬肥，为明年的杨梅丰收打下基础。
“冬季修剪很关键，剪掉过密的枝条，让树冠通风透光，明年结的果子个头大、糖度高。”种植大户章建明一边示范一边介绍，他家承包的120亩杨梅林，今年亩产达到了800公斤。
马涧镇是兰溪杨梅的主产区，种植面积超过1.5万亩。近年来，当地推广矮化栽培、避雨设施等新技术，杨梅品质和产量逐年提升，“马涧杨梅”还获评国家农产品地理标志。
为帮助果农科学管护，市农业农村局组织农技专家开展“冬管”技术服务，今年已举办培训班8期，培训果农600余人次。
章建明告诉记者，今年杨梅上市期间，他通过直播卖出了近两万斤鲜果，价格比往年批发高出三成。“现在不愁卖，就怕品质跟不上，所以冬管一点都不敢马虎。”
马涧镇农业服务中心负责人介绍，明年镇里还将新建两处杨梅冷链仓储中心，延长鲜果销售期，并引导果农发展杨梅酒、杨梅干等深加工产品，进一步提高杨梅附加值。
@（记者 徐丽 通讯员 章海波）
""",
        contributors=["章海波"],
    ),
    Art(
        url=f"http://{LX}/system/2024/12/06/014573410.shtml",
        title="兰溪举行2024年度消防安全演练",
        published="2024-12-06 15:48",
        origin="兰溪新闻网",
        authors=[],
        editor="叶子",
        channel="兰溪新闻",
        family="table",
        traits=["nested_tables", "short_article", "kuaixun"],
        text="""
本网讯 12月5日下午，兰溪市消防救援大队联合市应急管理局在兰江街道某商业综合体开展2024年度消防安全综合演练，模拟商场火灾情况下的人员疏散、初期火灾扑救和高层救援等科目，参演人员200余人，进一步检验了多部门联合处置能力。
""",
    ),
]


def lx_page(a: Art) -> str:
    hot = "\n".join(
        f'<tr><td class="list"><font color="#CC0000">{i + 1}</font> <a href="/system/2024/11/2{i % 9}/0145{i:02d}112.shtml">{h}</a></td></tr>'
        for i, h in enumerate(pick_headlines(a.url + "hot", 12, a.title))
    )
    body = paragraphs_html(
        a,
        p='<div style="text-indent:2em"><font face="宋体" size="3">{}</font></div>',
        by='<div align="right"><font face="宋体" size="3">{}</font></div>',
    )
    reporter = f"记者：{' '.join(a.authors)}" if a.authors else ""
    if a.contributors and not any(b.kind == "by" for b in a.blocks):
        reporter += f" 通讯员：{' '.join(a.contributors)}"
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{a.title} - 兰溪新闻网</title>
<meta name="description" content="{a.body[0][:60]}" />
<script type="text/javascript">
var _hmt = _hmt || [];
(function() {{ var hm = document.createElement("script"); hm.src = "//hm.baidu.com/hm.js?9f3a1c"; var s = document.getElementsByTagName("script")[0]; s.parentNode.insertBefore(hm, s); }})();
</script>
</head>
<body>
<table width="1000" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td>
  <table width="100%" cellpadding="0" cellspacing="0" border="0" class="top">
  <tr><td><img src="/images/lxnews_logo.png" alt="兰溪新闻网"></td><td align="right">2024年12月 星期二 | <a href="/rss/">RSS</a> | <a href="/app/">客户端下载</a></td></tr>
  </table>
  <table width="100%" cellpadding="0" cellspacing="0" border="0" class="menu">
  <tr><td><a href="/">首页</a></td><td><a href="/lxxw/">兰溪新闻</a></td><td><a href="/sn/">三农</a></td><td><a href="/shehui/">社会</a></td><td><a href="/wenhua/">文化</a></td><td><a href="/zhuanti/">专题</a></td><td><a href="/epaper/">兰溪日报</a></td></tr>
  </table>
</td></tr>
<tr><td>
  <table width="100%" cellpadding="0" cellspacing="0" border="0">
  <tr>
    <td width="700" valign="top">
      <table width="100%" cellpadding="0" cellspacing="0" border="0">
      <tr><td class="position">您现在的位置： <a href="/">兰溪新闻网</a> &gt; <a href="/lxxw/">{a.channel}</a></td></tr>
      <tr><td class="biaoti" align="center"><h2><font color="#000066">{a.title}</font></h2></td></tr>
      <tr><td align="center" class="date"><font color="#888888">{a.d("cnpad")}&nbsp;&nbsp;来源：{a.origin}&nbsp;&nbsp;{reporter}</font>&nbsp;&nbsp;【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</td></tr>
      <tr><td class="content">
        <table width="96%" align="center"><tr><td>
{body}
        </td></tr></table>
      </td></tr>
      <tr><td align="right" class="editor"><font color="#888888">编辑：{a.editor}</font></td></tr>
      <tr><td>
        <table width="100%"><tr><td>
        <div class="bdsharebuttonbox"><a href="#" class="bds_more" data-cmd="more">分享到：</a><a href="#" class="bds_weixin" data-cmd="weixin" title="分享到微信">微信</a><a href="#" class="bds_tsina" data-cmd="tsina" title="分享到新浪微博">微博</a></div>
        <script>window._bd_share_config={{"common":{{"bdSnsKey":{{}},"bdText":"","bdMini":"2"}},"share":{{}}}};</script>
        </td></tr></table>
      </td></tr>
      </table>
    </td>
    <td width="20"></td>
    <td width="280" valign="top">
      <table width="100%" class="side"><tr><td class="sidetitle">本周热点</td></tr>
{hot}
      </table>
    </td>
  </tr>
  </table>
</td></tr>
<tr><td align="center" class="footer">
主办：中共兰溪市委宣传部 承办：兰溪市融媒体中心 版权所有 兰溪新闻网<br />
联系电话：0579-8882XXXX 违法和不良信息举报电话：0579-8889XXXX<br />
{icp(LX)}
</td></tr>
</table>
</body>
</html>
"""


# ---------------------------------------------------------------- 台州新闻网 (GBK, no charset)
TZ = "www.tzdemo-news.cn"

TZ_ARTS = [
    Art(
        url=f"http://{TZ}/news/tzxw/2024_12/311507.htm",
        title="椒江二桥拓宽改造工程进入主体施工",
        published="2024-12-04 07:55",
        origin="台州日报",
        authors=["林海"],
        contributors=["陈晓"],
        channel="台州新闻",
        family="gbk_no_charset",
        traits=["no_charset", "gbk", "table_layout", "title_suffix_pipe", "url_month_only"],
        text="""
本报讯（记者 林海 通讯员 陈晓）12月3日，记者从市交通运输局获悉，椒江二桥拓宽改造工程已完成前期管线迁改，正式进入主体施工阶段，预计2026年6月建成通车。
椒江二桥是连接椒江区与临海市的重要通道，日均车流量超过6万辆次。由于建成时间较早，桥面仅为双向四车道，早晚高峰拥堵严重。此次改造将在原桥两侧各新建一幅桥梁，建成后桥面将拓宽至双向八车道。
为减少施工对交通的影响，工程采用“边通车、边施工”的方式，施工期间原桥保持双向通行。交警部门同步优化了周边道路信号灯配时，并在主要路口增派警力疏导交通。
市交通运输局相关负责人提醒，施工期间过往车辆请减速慢行，尽量选择椒江一桥、台州湾大桥等线路绕行。
记者在施工现场看到，大型机械正在进行桩基施工，工人们分段作业，现场设置了硬质围挡和警示标志。项目负责人介绍，目前已完成桩基施工180余根，占总量的三分之一。
“原桥通行能力早已饱和，拓宽改造后，早晚高峰的拥堵情况将得到明显改善。”市交通运输局相关负责人说，工程还将同步建设慢行系统和观景平台，方便市民骑行和散步。
""",
    ),
    Art(
        url=f"http://{TZ}/news/tzxw/2024_12/311622.htm",
        title="台州今年新增省级高新技术企业382家",
        published="2024-12-06 08:21",
        origin="台州日报",
        authors=["王珏"],
        channel="台州新闻",
        family="gbk_no_charset",
        traits=["no_charset", "gbk", "broken_bytes", "table_layout"],
        text="""
记者从市科技局获悉，今年以来，台州新认定省级高新技术企业382家，总数达到2960家，高新技术产业增加值占规上工业比重提升至68.4%。
“我们今年研发投入超过8000万元，新产品销售收入占比超过一半。”位于台州湾新区的一家汽车零部件企业负责人介绍，企业去年被认定为高新技术企业后，享受了研发费用加计扣除等政策红利。
为加快科技企业培育，台州实施科技企业“双倍增”行动，建立“科技型中小企业—高新技术企业—科技领军企业”梯次培育体系，对首次认定的高新技术企业给予最高30万元奖励。
今年，台州还新建省级重点企业研究院6家、省级企业研究开发中心41家，全社会研发投入强度预计达到3.1%。
在创新平台建设方面，台州湾科创走廊加快建设，已集聚各类研发机构120余家。今年以来，全市企业与高校院所合作开展技术攻关项目260余项，转化科技成果400余项。
市科技局相关负责人表示，下一步将继续完善科技金融、人才引育等配套政策，让更多企业“愿创新、敢创新、能创新”。
@（记者 王珏）
""",
    ),
    Art(
        url=f"http://{TZ}/news/shms/2024_12/311688.htm",
        title="路桥一小区停车难有了“解法”",
        published="2024-12-07 10:02",
        origin="台州新闻网",
        authors=["郑一鸣"],
        editor="蒋蓉",
        channel="社会民生",
        family="gbk_no_charset",
        traits=["no_charset", "gbk", "table_layout", "editor_label"],
        text="""
“以前下班回来找车位要转好几圈，现在小区里新划了120个车位，停车方便多了。”12月6日，家住路桥区路北街道某小区的周先生说。
这个小区建于2002年，共有住户860户，原规划停车位仅200余个，私家车却有600多辆。车辆乱停乱放、堵塞消防通道的现象时有发生，居民意见很大。
今年9月，社区联合物业、业委会召开多次协商会，最终形成方案：将小区内闲置的绿化边角地改造成生态停车位，同时与周边两家单位签订错时共享协议，夜间开放其内部停车场。
“改造资金由维修基金和街道补助共同承担，方案经过全体业主表决，三分之二以上同意才实施。”社区书记说，改造完成后，小区新增车位120个，共享车位80个，停车难问题基本得到缓解。
记者在小区看到，新划的停车位整齐排列，地面采用透水砖铺设，车位之间种上了草皮。原来堵在消防通道上的车辆不见了，小区道路宽敞了许多。
为了让停车秩序长效保持，小区还安装了道闸和车牌识别系统，外来车辆临时停放需登记，业主车辆实行“一户一位”优先保障。
“停车问题解决了，邻里之间的矛盾也少了。”业委会主任陈先生说，下一步小区还准备建设电动自行车集中充电棚，解决“飞线充电”问题。
@（记者 郑一鸣）
""",
    ),
]


def tz_page(a: Art) -> str:
    hot = "\n".join(
        f'<li><a href="/news/tzxw/2024_11/3109{i:02d}.htm">{h}</a></li>'
        for i, h in enumerate(pick_headlines(a.url, 8, a.title))
    )
    body = paragraphs_html(a, p="<P>　　{}</P>", img='<P align=center><IMG src="{}"></P>')
    return f"""<HTML>
<HEAD>
<TITLE>{a.title}|台州新闻网</TITLE>
<META name="keywords" content="台州,新闻">
<LINK href="/style/main.css" type=text/css rel=stylesheet>
</HEAD>
<BODY>
<TABLE cellSpacing=0 cellPadding=0 width=980 align=center border=0>
<TR><TD><A href="/"><IMG src="/images/logo.jpg" border=0></A></TD><TD align=right><A href="/news/tzxw/">台州新闻</A> | <A href="/news/shms/">社会民生</A> | <A href="/news/gn/">国内</A> | <A href="/news/gj/">国际</A> | <A href="/epaper/">台州日报</A></TD></TR>
</TABLE>
<TABLE cellSpacing=0 cellPadding=0 width=980 align=center border=0>
<TR>
<TD vAlign=top width=700>
  <TABLE cellSpacing=0 cellPadding=0 width="100%" border=0>
  <TR><TD class=dh>您的位置：<A href="/">首页</A> &gt; <A href="/news/">新闻中心</A> &gt; <A href="/news/tzxw/">{a.channel}</A></TD></TR>
  <TR><TD align=middle class=bt><FONT style="FONT-SIZE: 22px"><B>{a.title}</B></FONT></TD></TR>
  <TR><TD align=middle class=sj>{a.d("iso")}　来源：{a.origin}</TD></TR>
  <TR><TD class=zw>
{body}
  </TD></TR>
  <TR><TD class=bj>{f"责任编辑：{a.editor}" if a.editor else ""}</TD></TR>
  <TR><TD class=fx>分享到： <A href="#">微信</A> <A href="#">微博</A> <A href="#">QQ空间</A></TD></TR>
  <TR><TD class=xg><B>相关阅读</B><UL>{hot}</UL></TD></TR>
  </TABLE>
</TD>
<TD width=20></TD>
<TD vAlign=top width=260>
  <TABLE width="100%"><TR><TD class=rmph>热门排行</TD></TR><TR><TD><OL>{hot}</OL></TD></TR></TABLE>
</TD>
</TR>
</TABLE>
<TABLE width=980 align=center><TR><TD align=middle class=foot>台州新闻网版权所有　Copyright (C) 2001-2024<BR>{icp(TZ)}　联系我们：0576-8812XXXX</TD></TR></TABLE>
</BODY>
</HTML>
"""


def build() -> None:
    for a in FY_ARTS:
        write_page(CORPUS, a.url, fy_page(a), "gbk")
        write_expected(CORPUS, a, "gbk")
    lst = f"http://{FY}/html/fyxw/index.html"
    write_page(CORPUS, lst, fy_list(FY_ARTS[2:][::-1] + FY_ARTS[1:2], 1, 2), "gbk")
    write_page(CORPUS, f"http://{FY}/html/fyxw/index_2.html", fy_list(FY_ARTS[:1], 2, 2), "gbk")
    register_list(
        lst,
        f"http://{FY}/html/fyxw/index_2.html",
        [a.url for a in FY_ARTS],
        r"/html/\d{4}/fyxw_\d{4}/\d+\.html",
    )
    write_routes(CORPUS, FY, '[defaults]\ncontent_type = "text/html"')
    for a in LX_ARTS:
        write_page(CORPUS, a.url, lx_page(a))
        write_expected(CORPUS, a, "utf-8")
    write_routes(
        CORPUS,
        TZ,
        "# GBK bytes; neither the header nor the page names a charset\n"
        '[defaults]\ncontent_type = "text/html"',
    )
    for a in TZ_ARTS:
        html = tz_page(a)
        data = html.encode("gbk")
        body = None
        if "broken_bytes" in a.traits:
            data, body = break_two_bytes(data, a)
        path = write_page(CORPUS, a.url, "", "gbk")
        path.write_bytes(data)
        write_expected(CORPUS, a, "gbk", body)
    build_dq()


def break_two_bytes(data: bytes, a: Art) -> tuple[bytes, list[str]]:
    """Overwrite two ASCII digits of the body with 0xFF (a byte no GBK character uses)."""
    raw = bytearray(data)
    for needle in ("2960家".encode("gbk"), "3.1%".encode("gbk")):
        at = data.index(needle)
        raw[at] = 0xFF
    broken = bytes(raw)
    text = broken.decode("gb18030", errors="replace")
    body = [p.replace("2960家", "\ufffd960家").replace("3.1%", "\ufffd.1%") for p in a.body]
    for p in body:
        assert p in text, p
    return broken, body


# ---------------------------------------------------------------- 德清新闻网 (GBK, no charset, divs)
DQ = "www.dqdemo-news.com"

DQ_ART = Art(
    url=f"http://{DQ}/dqxw/2024/12/09/art_771_20412.shtml",
    title="德清地理信息小镇新引进企业32家",
    published="2024-12-09 15:12:06",
    origin="德清新闻网",
    authors=["姚凯"],
    contributors=["沈红"],
    editor="俞佳",
    channel="德清新闻",
    family="gbk_no_charset",
    traits=["no_charset", "gbk", "div_layout", "title_suffix_dash", "end_byline"],
    text="""
记者从德清地理信息小镇获悉，今年以来，小镇新引进地理信息及相关产业企业32家，累计集聚企业超过500家，地理信息产业营业收入预计突破300亿元。
走进小镇的展示中心，一块巨大的三维实景屏幕上，德清全域的山川河流、道路建筑清晰可见。“这是我们用无人机航拍和激光雷达扫描建起来的实景三维模型，精度达到厘米级。”一家测绘企业的技术人员介绍。
近年来，德清依托联合国世界地理信息大会永久会址，推动地理信息与自动驾驶、智慧城市、数字乡村等领域融合发展。在小镇周边，自动驾驶测试道路已开放超过900公里，多家企业在这里开展智能网联汽车测试。
“小镇的产业生态越来越完善，上下游企业都在这里，合作很方便。”一家遥感卫星数据企业负责人说，企业去年从北京迁来，今年营收增长了六成。
德清县相关负责人表示，下一步将加快建设地理信息产业创新中心，引育一批高层次人才和重大项目，打造具有全球影响力的地理信息产业高地。
@（记者 姚凯 通讯员 沈红）
""",
)


def dq_page(a: Art) -> str:
    hot = "".join(
        f'<li><a href="/dqxw/2024/12/0{1 + i % 8}/art_771_203{i:02d}.shtml">{h}</a></li>'
        for i, h in enumerate(pick_headlines(a.url, 9, a.title))
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<title>{a.title} - 德清新闻网</title>
<meta name="keywords" content="德清,地理信息">
<style>.wz_con p{{text-indent:2em;line-height:30px}}</style>
</head>
<body>
<div class="dq_top"><a href="/">德清新闻网</a> <a href="/dqxw/">德清新闻</a> <a href="/xzdt/">乡镇动态</a> <a href="/tp/">图片</a> <a href="/sp/">视频</a> <a href="/lxwm/">联系我们</a></div>
<div class="dq_dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/dqxw/">{a.channel}</a></div>
<div class="wz_box">
<div class="wz_title">{a.title}</div>
<div class="wz_info">{a.d("isos")}　来源：{a.origin}　编辑：{a.editor}</div>
<div class="wz_con">
{paragraphs_html(a)}
</div>
</div>
<div class="dq_right"><div class="bt">热门点击</div><ul>{hot}</ul></div>
<div class="dq_foot">德清新闻网 版权所有 {icp(DQ)} 技术支持：德清县融媒体中心</div>
</body>
</html>
"""


def build_dq() -> None:
    write_routes(
        CORPUS,
        DQ,
        "# GBK bytes; neither the header nor the page names a charset\n"
        '[defaults]\ncontent_type = "text/html"',
    )
    write_page(CORPUS, DQ_ART.url, dq_page(DQ_ART), "gbk")
    write_expected(CORPUS, DQ_ART, "gbk")
