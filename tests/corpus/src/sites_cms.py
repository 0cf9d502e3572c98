# ruff: noqa: E501  (hand-written HTML templates: one tag per line, as the sites print them)
"""CMS families: TRS WCM (甬江新闻网, 嘉禾新闻网), Hanweb (舟山市政府门户), WordPress (钱塘笔记)."""

from __future__ import annotations

import json

from common import (
    CORPUS,
    Art,
    comments,
    icp,
    paragraphs_html,
    pick_headlines,
    police,
    register_list,
    write_expected,
    write_page,
    write_routes,
)

# ---------------------------------------------------------------- TRS WCM, t2024… URLs
NB = "www.yjdemo-news.cn"

NB_ARTS = [
    Art(
        url=f"http://{NB}/xwzx/bdxw/202412/t20241203_4021567.html",
        title="宁波舟山港前11个月集装箱吞吐量突破3600万标准箱",
        published="2024-12-03 10:12",
        origin="宁波日报",
        authors=["龚哲明"],
        editor="王芳",
        channel="本地新闻",
        family="trs",
        traits=["trs_editor", "trs_comments", "url_date", "related_longer_than_article"],
        text="""
记者昨日从宁波舟山港集团获悉，今年1至11月，宁波舟山港累计完成集装箱吞吐量3612万标准箱，同比增长11.3%，提前一个月突破3600万标准箱，全年有望再创历史新高。
今年以来，宁波舟山港新开辟集装箱航线18条，航线总数达到305条，其中“一带一路”航线130余条，连通全球200多个国家和地区的600多个港口。
#海铁联运成为新增长点
海铁联运业务持续放量。1至11月，宁波舟山港海铁联运业务量完成165万标准箱，同比增长10.2%，开通海铁联运班列线路26条，辐射内陆16个省份的66个地级市。
“过去从江西发货到宁波要走公路，现在坐班列，运输成本每箱能省下几百元。”一位物流企业负责人说。
#数智化改造提升作业效率
在梅山港区，远程操控的桥吊正在有条不紊地装卸集装箱，智能集卡往来穿梭。港区相关负责人介绍，经过数智化改造，单桥吊作业效率提升约15%，船舶平均在港时间进一步缩短。
下一步，宁波舟山港将继续拓展航线网络，深化港口数字化建设，全力打造世界一流强港。
""",
    ),
    Art(
        url=f"http://{NB}/xwzx/bdxw/202412/t20241204_4022890.html",
        title="鄞州区发布首批“15分钟便民生活圈”示范点",
        published="2024-12-04 16:35",
        origin="甬江新闻网",
        authors=["陈朝霞"],
        editor="王芳",
        channel="本地新闻",
        family="trs",
        traits=["trs_editor", "trs_comments", "meta_date_only", "spans_in_paragraphs"],
        text="""
12月4日，鄞州区发布首批12个“15分钟便民生活圈”示范点，涵盖社区商业综合体、邻里中心和特色街区等类型，居民步行15分钟即可满足日常购物、餐饮、养老、托育等需求。
在首批示范点之一的钟公庙街道某邻里中心，菜场、药店、理发店、老年食堂一应俱全，二楼还设有托育园和社区图书馆。“买菜、吃饭、带孩子，下楼走几步就都解决了。”居民张女士说。
据介绍，鄞州区自去年启动便民生活圈建设以来，已新建和改造提升社区商业网点860余个，引进品牌连锁便利店120家，新增社区食堂28家。
鄞州区商务局相关负责人表示，到2025年底，全区将实现“15分钟便民生活圈”城镇社区全覆盖。
记者了解到，为让便民生活圈“活”起来，鄞州区还推出了“一圈一策”，根据每个社区的人口结构和消费需求配置业态。年轻家庭多的社区，重点引入托育、儿童教育等服务；老年人多的社区，则优先布局老年食堂、康养服务和家政维修。
此外，鄞州区还搭建了便民生活圈线上服务平台，居民通过手机即可查询周边商户信息、预约上门服务。
""",
    ),
    Art(
        url=f"http://{NB}/xwzx/bdxw/202412/t20241206_4024117.html",
        title="宁波地铁8号线一期全线“洞通”",
        published="2024-12-06 09:40",
        origin="宁波晚报",
        authors=["金鹭"],
        contributors=["周洁"],
        editor="张晓",
        channel="本地新闻",
        family="trs",
        traits=["trs_editor", "end_byline", "caption_paragraph"],
        text="""
12月5日上午，随着盾构机缓缓破土而出，宁波地铁8号线一期工程最后一个区间隧道顺利贯通，标志着8号线一期全线实现“洞通”。
!./W020241206394015268147.jpg
^盾构机破土而出。
宁波地铁8号线一期工程全长约23.9公里，共设车站20座，全部为地下站，线路串联起鄞州、海曙、江北等区域，与多条已运营线路实现换乘。
据了解，8号线一期隧道施工过程中先后穿越多条河道和密集建筑群，施工单位采用自动化监测、同步注浆等技术，确保施工安全和周边建筑稳定。
接下来，8号线一期将全面转入铺轨、机电安装和装修施工阶段，计划2026年建成通车。
8号线一期工程是宁波城市轨道交通第三轮建设规划的重要组成部分。线路建成后，将进一步加密中心城区轨道交通网络，串联起多个大型居住区、商业中心和交通枢纽。
“我家附近就有一个站，以后上班坐地铁只要二十多分钟。”家住江北的市民王女士说，她每天都在关注8号线的建设进展。
@（记者 金鹭 通讯员 周洁）
""",
    ),
]


def nb_page(a: Art) -> str:
    rel = "\n".join(
        f'<li><a href="../202411/t202411{10 + i}_40{i}1234.html" target="_blank">{h}</a><span>2024-11-{10 + i}</span></li>'
        for i, h in enumerate(pick_headlines(a.url, 14, a.title))
    )
    body = paragraphs_html(
        a,
        p='<p style="text-indent: 2em;">{}</p>',
        img='<p style="text-align: center;"><img src="{}" oldsrc="W020241206394015268147.jpg" style="border-width:0px;" /></p>',
        cap='<p style="text-align: center;"><span style="font-family: 楷体;">{}</span></p>',
        h='<p style="text-indent: 2em;"><strong>{}</strong></p>',
    )
    if "spans_in_paragraphs" in a.traits:
        body = body.replace("，", '<span style="font-family: 宋体;">，</span>', 3)
    meta_date = a.d("isoday") if "meta_date_only" in a.traits else a.d("iso")
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{a.title}_甬江新闻网</title>
<meta name="SiteName" content="甬江新闻网">
<meta name="ColumnName" content="{a.channel}">
<meta name="ArticleTitle" content="{a.title}">
<meta name="PubDate" content="{meta_date}">
<meta name="ContentSource" content="{a.origin}">
<link rel="stylesheet" href="../../../images/style.css">
<script src="../../../images/jquery.min.js"></script>
</head>
<body>
<div class="header"><div class="w1200"><a href="/" class="logo"><img src="../../../images/logo.png" alt="甬江新闻网"></a>
<div class="search"><form action="/search/"><input type="text" name="q" placeholder="请输入关键词"><button>搜索</button></form></div></div></div>
<div class="nav"><ul class="w1200">
<li><a href="/">首页</a></li><li><a href="/xwzx/bdxw/">本地新闻</a></li><li><a href="/xwzx/gnxw/">国内新闻</a></li><li><a href="/xwzx/gjxw/">国际新闻</a></li><li><a href="/sp/">视频</a></li><li><a href="/zt/">专题</a></li><li><a href="/pl/">评论</a></li><li><a href="/fw/">服务</a></li>
</ul></div>
<div class="w1200 crumbs">当前位置：<a href="../../../" title="首页" class="CurrChnlCls">首页</a>&nbsp;&gt;&nbsp;<a href="../../" title="新闻中心" class="CurrChnlCls">新闻中心</a>&nbsp;&gt;&nbsp;<a href="../" title="{a.channel}" class="CurrChnlCls">{a.channel}</a></div>
<div class="w1200 main clearfix">
<div class="left">
<div class="article">
<h1 class="art-title">{a.title}</h1>
<div class="art-info"><span class="source">来源：{a.origin}</span><span class="time">{a.d("iso")}</span><span class="author">作者：{" ".join(a.authors)}</span><span class="fontsize">字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span></div>
<div class="art-content">
<!--<$[信息内容]>begin--><div class="TRS_Editor"><style type="text/css">
.TRS_Editor P{{margin-top:5px;margin-bottom:5px;line-height:2;font-family:宋体;font-size:12pt;}}.TRS_Editor DIV{{margin-top:5px;margin-bottom:5px;line-height:2;font-family:宋体;font-size:12pt;}}.TRS_Editor TD{{margin-top:5px;margin-bottom:5px;line-height:2;font-family:宋体;font-size:12pt;}}
</style>
<div class="Custom_UnionStyle">
{body}
</div></div><!--<$[信息内容]>end-->
</div>
<div class="art-editor">责任编辑：{a.editor}</div>
<div class="share">分享到：<a class="wx" href="javascript:;">微信</a><a class="wb" href="javascript:;">微博</a><a class="qq" href="javascript:;">QQ</a></div>
<div class="prev-next"><p>上一篇：<a href="../202411/t20241130_4019823.html">奉化水蜜桃冬季管护技术培训走进田间</a></p><p>下一篇：<a href="../202412/t20241207_4024589.html">江北区举办“老外看宁波”摄影展</a></p></div>
</div>
<div class="related"><h3>相关新闻</h3><ul>
{rel}
</ul></div>
</div>
<div class="right">
<div class="box"><h3>热点排行</h3><ol>{"".join(f"<li><em>{i + 1}</em><a href='../202411/t20241120_40188{i:02d}.html'>{h}</a></li>" for i, h in enumerate(pick_headlines(a.url + "h", 10)))}</ol></div>
<div class="box ad"><a href="/ad/2024/"><img src="../../../images/ad_300x250.jpg" alt="广告"></a></div>
</div>
</div>
<div class="footer"><p><a href="/about/">关于我们</a> | <a href="/contact/">联系我们</a> | <a href="/ad/">广告服务</a> | <a href="/copyright/">版权声明</a></p>
<p>甬江新闻网版权所有 未经书面授权禁止使用 Copyright &copy; 2024 www.yjdemo-news.cn All Rights Reserved</p>
<p>{icp(NB)} {police(NB)} 互联网新闻信息服务许可证：3312006000XX</p></div>
<script>var _trs_uv = "";var _trsid = "trsc-9d8e7f";</script>
</body>
</html>
"""


def nb_list(items: list[Art], page: int) -> str:
    rows = "\n".join(
        f'<li><a href="./{a.path.split("/bdxw/")[1]}" target="_blank" title="{a.title}">{a.title}</a><span>{a.d("isoday")}</span></li>'
        for a in items
    )
    pager = (
        '<a href="index.html">首页</a> <span>1</span> <a href="index_1.html">2</a> <a href="index_1.html">下一页</a> <a href="index_1.html">尾页</a>'
        if page == 1
        else '<a href="index.html">首页</a> <a href="index.html">上一页</a> <a href="index.html">1</a> <span>2</span> 尾页'
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>本地新闻_甬江新闻网</title></head>
<body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xwzx/bdxw/">本地新闻</a></li><li><a href="/xwzx/gnxw/">国内新闻</a></li><li><a href="/xwzx/gjxw/">国际新闻</a></li><li><a href="/sp/">视频</a></li><li><a href="/zt/">专题</a></li></ul></div>
<div class="crumbs">当前位置：<a href="../../">首页</a> &gt; <a href="../">新闻中心</a> &gt; 本地新闻</div>
<div class="list"><ul>
{rows}
</ul></div>
<script>
var currentPage = {page - 1};var countPage = 2;
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){{ /* TRS pager */ }}
createPageHTML(countPage, currentPage, "index", "html");
</script>
<div class="page">{pager}</div>
<div class="footer">甬江新闻网版权所有 {icp(NB)} <a href="/contact/">联系我们</a></div>
</body></html>
"""


# ---------------------------------------------------------------- TRS WCM, /art/ URLs
JX = "www.jhdemo-news.com"

JX_ARTS = [
    Art(
        url=f"https://{JX}/art/2024/12/3/art_1562_698231.html",
        title="嘉兴南湖区启动老旧小区改造三年行动",
        published="2024-12-03 08:30",
        origin="嘉兴日报",
        authors=["沈琳", "马晓东"],
        editor="李想",
        channel="南湖",
        family="trs",
        traits=["trs_editor", "art_url", "multiple_authors", "og_meta", "meta_in_utc"],
        text="""
12月2日，记者从南湖区住建局获悉，南湖区正式启动老旧小区改造三年行动，计划到2027年完成2000年前建成的老旧小区改造86个，惠及居民3.2万户。
此次改造分为基础类、完善类和提升类三大类，基础类重点解决雨污分流、管线入地、屋面防水等问题；完善类包括加装电梯、增设停车位、改造绿化景观等；提升类则结合未来社区建设，配建养老托育、文体活动等公共服务设施。
“改不改、怎么改，居民说了算。”南湖区住建局相关负责人介绍，每个小区在改造前都要开展入户调查，改造方案须经三分之二以上居民同意后方可实施。
据悉，今年南湖区已完成首批12个小区的改造，累计加装电梯54台，新增停车位1100余个。
记者在已完成改造的某小区看到，原来杂乱的架空线已全部入地，破损的路面铺上了沥青，楼道里新装了感应灯，小区中心还建起了一个小游园。“改造前下雨天出门都要穿雨靴，现在环境比新小区还好。”居民沈阿姨说。
南湖区住建局相关负责人表示，改造过程中将同步建立长效管理机制，引导小区引入专业物业或实行居民自治管理，防止“一年新、两年旧、三年回原样”。
""",
    ),
    Art(
        url=f"https://{JX}/art/2024/12/5/art_1562_698544.html",
        title="嘉兴粽子产业今年产值有望突破80亿元",
        published="2024-12-05 14:06",
        origin="嘉兴日报",
        authors=["许金艳"],
        editor="李想",
        channel="经济",
        family="trs",
        traits=["trs_editor", "art_url", "og_title_differs", "jsonld"],
        text="""
又是一年冬至将近，嘉兴的粽子生产企业却已经忙着备战明年端午。记者了解到，今年嘉兴粽子产业总产值有望突破80亿元，同比增长约9%。
作为“中国粽子之乡”，嘉兴目前拥有粽子生产企业30余家，年产粽子超过10亿只，产品销往全国并出口到东南亚、欧美等20多个国家和地区。
“线上销售占比已经超过四成。”一家老字号粽子企业的负责人说，今年企业新推出低糖、杂粮等健康口味，在电商平台上很受年轻人欢迎。
为推动产业升级，嘉兴出台粽子产业高质量发展扶持政策，支持企业开展智能化改造、建设原料基地，并打造粽子文化旅游线路。
在嘉兴一家粽子生产企业的车间里，记者看到，从浸米、配料、包裹到蒸煮、真空包装，生产线实现了半自动化作业，但包粽子这道关键工序仍由熟练工人手工完成。“机器包的粽子口感不如手工，所以我们保留了三百多名包粽工。”企业负责人说。
业内人士表示，嘉兴粽子产业正从“卖产品”向“卖文化”转变，粽子博物馆、包粽体验等文旅项目不断涌现，吸引了大量游客。
""",
    ),
    Art(
        url=f"https://{JX}/art/2024/12/9/art_1563_699012.html",
        title="嘉兴发布寒潮蓝色预警",
        published="2024-12-09 17:20",
        origin="嘉兴市气象台",
        channel="社会",
        editor="李想",
        family="trs",
        traits=["trs_editor", "art_url", "kuaixun", "no_author"],
        text="""
嘉兴市气象台12月9日17时发布寒潮蓝色预警：受强冷空气影响，预计10日至12日我市将出现明显降温，过程降温幅度8～10℃，12日早晨最低气温-2～0℃，有冰冻，并伴有5～7级偏北风。请注意防寒保暖，做好设施农业和水管防冻工作。
""",
    ),
]


def jx_page(a: Art) -> str:
    body = paragraphs_html(a, p="<p>　　{}</p>")
    og_title = a.title + "（图）" if "og_title_differs" in a.traits else a.title
    ld = ""
    if "jsonld" in a.traits:
        ld = (
            '<script type="application/ld+json">'
            + json.dumps(
                {
                    "@context": "https://schema.org",
                    "@type": "NewsArticle",
                    "headline": a.title,
                    "datePublished": a.d("meta"),
                    "dateModified": "2024-12-06T09:00:00+08:00",
                    "author": [{"@type": "Person", "name": n} for n in a.authors],
                    "publisher": {"@type": "Organization", "name": "嘉禾新闻网"},
                },
                ensure_ascii=False,
            )
            + "</script>"
        )
    authors = "　".join(a.authors)
    hot = "".join(
        f'<li><a href="/art/2024/11/{20 + i % 9}/art_1562_6970{i:02d}.html">{h}</a></li>'
        for i, h in enumerate(pick_headlines(a.url, 10, a.title))
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{a.title}_{a.channel}_嘉禾新闻网</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{og_title}">
<meta property="og:site_name" content="嘉禾新闻网">
<meta property="article:published_time" content="{a.d("utc") if "meta_in_utc" in a.traits else a.d("meta")}">
{ld}
<style>.art_box{{width:860px}}.TRS_Editor p{{text-indent:2em;line-height:1.9}}</style>
</head>
<body>
<div id="top"><a href="/">嘉禾新闻网</a> <span>嘉兴第一新闻门户</span> <a href="/app/">下载客户端</a> <a href="/login/">登录</a></div>
<ul id="menu"><li><a href="/col/col1561/">首页</a></li><li><a href="/col/col1562/">南湖</a></li><li><a href="/col/col1563/">社会</a></li><li><a href="/col/col1564/">经济</a></li><li><a href="/col/col1565/">文化</a></li><li><a href="/col/col1566/">县市区</a></li></ul>
<div class="location">首页 &gt; <a href="/col/col1562/">{a.channel}</a> &gt; 正文</div>
<div class="art_box">
<div class="art_title"><h2>{a.title}</h2></div>
<div class="art_info">{a.d("iso")} &nbsp; 来源：{a.origin} &nbsp; {f"记者：{authors}" if authors else ""} &nbsp; 浏览：<span id="hits">1024</span></div>
<div class="art_text"><!--<$[信息内容]>begin-->
<div class="TRS_Editor">
{body}
</div>
<!--<$[信息内容]>end--></div>
<div class="art_bj">编辑：{a.editor}</div>
<div class="sxp"><div>上一篇：<a href="/art/2024/12/2/art_1562_698100.html">秀洲区举办农民丰收节</a></div><div>下一篇：<a href="/art/2024/12/4/art_1562_698301.html">平湖光机电产业园二期开工</a></div></div>
</div>
<div class="side"><h4>排行</h4><ul>{hot}</ul><h4>推荐</h4><ul>{hot}</ul></div>
<div id="foot">主办单位：嘉禾新闻传媒有限公司 版权所有 联系我们：0573-8201XXXX<br>{icp(JX)}</div>
</body>
</html>
"""


# ---------------------------------------------------------------- Hanweb (大汉) government portal
ZS = "www.zsdemo.gov.cn"

ZS_ARTS = [
    Art(
        url=f"http://{ZS}/art/2024/12/3/art_1229_3871234.html",
        title="我市召开海洋经济高质量发展推进会",
        published="2024-12-03 10:12",
        origin="舟山日报",
        channel="舟山要闻",
        family="hanweb",
        traits=["hanweb_zoom", "article_title_meta", "pubdate_meta", "no_author", "views_line"],
        text="""
12月2日，全市海洋经济高质量发展推进会召开。会议总结今年以来海洋经济发展成效，部署下一阶段重点工作。
今年1至10月，全市海洋经济总产出同比增长8.6%，绿色石化、船舶修造、海洋电子信息等产业集群加快壮大，远洋渔业、水产品精深加工等传统优势产业持续提质。
会议强调，要坚持向海图强，加快构建现代海洋产业体系；要做强港口物流，深化江海联运服务中心建设；要保护好海洋生态环境，推动海洋经济绿色低碳发展。
各县（区）、功能区和市级有关部门负责人参加会议。
会议要求，要加快推进重大项目建设，确保甬舟铁路、六横公路大桥等重点工程按期推进；要强化科技创新支撑，推动海洋科研成果就地转化；要持续优化营商环境，吸引更多涉海企业落户舟山。
会上，普陀区、岱山县和舟山经济开发区作了交流发言。
""",
    ),
    Art(
        url=f"http://{ZS}/art/2024/12/5/art_1229_3872018.html",
        title="舟山新增两条跨海公交线路",
        published="2024-12-05 09:00",
        origin="市交通运输局",
        channel="舟山要闻",
        family="hanweb",
        traits=["hanweb_zoom", "article_title_meta", "pubdate_meta", "no_author"],
        text="""
为方便岛际群众出行，自12月6日起，我市新开通定海至岱山、普陀至朱家尖两条跨海公交线路。
新开通的线路均采用新能源公交车，票价按现行标准执行，市民可使用公交卡、交通联合卡和手机扫码乘车。
首末班时间：定海至岱山线6:30—18:30，普陀至朱家尖线6:00—19:00，高峰时段发车间隔约20分钟。
市民如有疑问，可拨打交通服务热线0580-12328咨询。
据了解，两条新线路开通前，市交通运输局组织开展了多次线路踏勘和乘客需求调研，根据沿线居民出行规律确定了站点设置和发车时刻。
“以前去岱山要先坐公交到码头，再换乘轮渡，现在一趟车就能到，方便多了。”家住定海的市民张先生说。
下一步，市交通运输局将根据客流变化动态调整运力，并研究开通更多跨岛公交线路，进一步完善海岛公共交通网络。
""",
    ),
    Art(
        url=f"http://{ZS}/art/2024/12/10/art_1229_3873560.html",
        title="市领导调研冬季渔业安全生产工作",
        published="2024-12-10 16:55",
        origin="市海洋与渔业局",
        channel="舟山要闻",
        family="hanweb",
        traits=["hanweb_zoom", "article_title_meta", "pubdate_meta", "caption_paragraph"],
        text="""
12月10日，副市长李国平带队调研冬季渔业安全生产工作，实地检查渔港、渔船和渔业企业安全管理情况。
!/picture/0/2412101655123456789.jpg
^图为调研现场。
在沈家门渔港，李国平登上渔船，详细查看救生设备、消防器材配备和北斗终端使用情况，并与船老大交流。他强调，冬季海上风大浪高，各地各部门要压紧压实安全责任，严格落实渔船出海报告、恶劣天气停航避风等制度。
李国平要求，要加强渔船动态监管，强化船员安全培训，严厉打击“三无”船舶和违规作业行为，坚决守住渔业安全生产底线。
在一家水产品加工企业，李国平详细了解企业冬季生产和安全管理情况，要求企业加强冷库、氨制冷系统等重点部位的安全检查，确保生产安全。
据了解，进入冬季以来，我市已开展渔业安全生产检查3轮，检查渔船1800余艘次，整改安全隐患260余处。
""",
    ),
]


def zs_page(a: Art) -> str:
    body = paragraphs_html(
        a,
        p='<p style="text-indent:2em;">{}</p>',
        img='<p style="text-align:center"><img src="{}" border="0" /></p>',
        cap='<p style="text-align:center">{}</p>',
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>舟山市人民政府门户网站 {a.title}</title>
<meta name="SiteName" content="舟山市人民政府门户网站">
<meta name="SiteDomain" content="www.zsdemo.gov.cn">
<meta name="SiteIDCode" content="3309000001">
<meta name="ColumnName" content="{a.channel}">
<meta name="ColumnType" content="舟山要闻">
<meta name="ArticleTitle" content="{a.title}">
<meta name="PubDate" content="{a.d("iso")}">
<meta name="ContentSource" content="{a.origin}">
<meta name="Keywords" content="">
<meta name="Url" content="{a.url}">
<script language="javascript" src="/script/0/1703131010548219.js"></script>
<link href="/module/jslib/jquery/jquery.css" rel="stylesheet" type="text/css">
</head>
<body>
<div class="top"><a href="/">舟山市人民政府</a> <a href="/col/col1228/index.html">无障碍</a> <a href="/col/col1300/index.html">长者模式</a> <a href="http://www.zjzwfw.gov.cn/">浙江政务服务网</a></div>
<div class="nav"><a href="/">首页</a><a href="/col/col1228/index.html">政务动态</a><a href="/col/col1229/index.html">舟山要闻</a><a href="/col/col1230/index.html">部门动态</a><a href="/col/col1231/index.html">政府信息公开</a><a href="/col/col1232/index.html">政务服务</a><a href="/col/col1233/index.html">互动交流</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1228/index.html">政务动态</a> &gt; <a href="/col/col1229/index.html">{a.channel}</a></div>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="main">
<tr><td class="title" align="center"><!--<$[标题名称]>begin-->{a.title}<!--<$[标题名称]>end--></td></tr>
<tr><td class="info" align="center">发布日期：{a.d("iso")}　信息来源：{a.origin}　浏览次数：<script language="javascript" src="/module/visitcount/articlehits.jsp?colid=1229&artid={a.path.rsplit("_", 1)[1][:-5]}"></script>　字号：[ <a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(12)">小</a> ]</td></tr>
<tr><td class="bt_content">
<div id="zoom">
<!--<$[信息内容]>begin-->
{body}
<!--<$[信息内容]>end-->
</div>
</td></tr>
<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
</table>
<div class="footer">
<p>主办：舟山市人民政府办公室　承办：舟山市大数据发展管理局</p>
<p>网站标识码：3309000001　{icp(ZS)}　{police(ZS)}</p>
<p><a href="/col/col1240/index.html">网站地图</a> | <a href="/col/col1241/index.html">联系我们</a> | <a href="/col/col1242/index.html">隐私声明</a></p>
</div>
</body>
</html>
"""


def zs_list(items: list[Art], page: int) -> str:
    rows = "\n".join(
        f'<record><![CDATA[<li><a href="{a.path}" target="_blank" title="{a.title}">{a.title}</a><span>{a.d("isoday")}</span></li>]]></record>'
        for a in items
    )
    visible = "\n".join(
        f'<li><a href="{a.path}" target="_blank" title="{a.title}">{a.title}</a><span>{a.d("isoday")}</span></li>'
        for a in items
    )
    nxt = (
        '<a href="/col/col1229/index.html?uid=4521&amp;pageNum=2">下一页</a>'
        if page == 1
        else '<a href="/col/col1229/index.html?uid=4521&amp;pageNum=1">上一页</a>'
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>舟山要闻 舟山市人民政府门户网站</title></head>
<body>
<div class="nav"><a href="/">首页</a><a href="/col/col1228/index.html">政务动态</a><a href="/col/col1229/index.html">舟山要闻</a><a href="/col/col1230/index.html">部门动态</a><a href="/col/col1241/index.html">联系我们</a></div>
<div id="4521"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3309&path=/&columnid=1229&unitid=4521"></a>]]></nextgroup><recordset>
{rows}
</recordset></datastore></script>
<ul class="list">
{visible}
</ul>
<div class="page">共2页 {nxt}</div>
</div>
<div class="footer">舟山市人民政府办公室主办 {icp(ZS)}</div>
</body></html>
"""


# ---------------------------------------------------------------- WordPress blog
QT = "blog.qtdemo-notes.net"

QT_ARTS = [
    Art(
        url=f"https://{QT}/2024/12/03/qiantang-biomedicine-park/",
        title="在钱塘医药港走了一天：一个产业园的早晨和傍晚",
        published="2024-12-03 21:14:36",
        authors=["老吴"],
        channel="本地观察",
        family="wordpress",
        traits=["wp_entry_content", "time_datetime", "visible_date_only", "commentlist", "jsonld"],
        text="""
早上七点半，下沙的天还灰着，医药港小镇门口的早餐铺已经排起了队。穿着工牌的年轻人一手豆浆一手手机，步子很快。
我这次来，是想看看大家常说的“中国医药港”到底长什么样。几年前这里还是大片厂房和空地，现在沿着主干道走，一栋栋研发楼挨着，楼下挂着各种生物科技公司的牌子。
#上午：实验室里的“慢功夫”
一位做核酸药物的朋友带我参观了他们的实验室。隔着玻璃，能看到研究员们穿着防护服在做细胞培养。他说，一款新药从立项到上市，少则七八年，多则十几年，“急不来，也不能急”。
他们公司三年前从上海搬来，看中的是这里的产业链：“原料、检测、中试、临床，附近基本都能找到合作方，效率高太多了。”
!https://{QT}/wp-content/uploads/2024/12/yiyaogang-morning.jpg
^园区的早晨，上班的人流。
#中午：食堂里的“人才画像”
午饭在园区的共享食堂吃，十五块钱两荤一素。邻桌几个人在聊临床数据，另一桌在讨论租房。我随口问了几个人，大多是二十多岁到三十出头，硕士、博士不在少数。
#傍晚：江边的跑步道
下班后，很多人会去江边跑步。钱塘江的风很大，跑道上的灯一盏盏亮起来。朋友说，刚来的时候觉得这里“太远”，现在地铁通了，商场开了，反倒觉得生活挺方便。
一个园区能不能留住人，看的也许不只是政策和厂房，还有早上那碗豆浆、傍晚那条跑道。
""",
    ),
    Art(
        url=f"https://{QT}/2024/12/07/old-ferry-memory/",
        title="消失的老渡口",
        published="2024-12-07 10:02:11",
        authors=["老吴"],
        channel="本地观察",
        family="wordpress",
        traits=["wp_entry_content", "time_datetime", "commentlist", "comments_longer_than_article"],
        text="""
小时候，去江对岸要坐渡船。渡口就在堤坝下面，一间小小的售票亭，一毛钱一张票。
船是那种铁壳的机动船，突突突地冒着黑烟，人和自行车挤在甲板上。遇上涨潮，船晃得厉害，大人们紧紧攥着孩子的手。
后来大桥一座座建起来，渡船的人越来越少。再后来，渡口停了，售票亭拆了，堤坝上修起了漂亮的绿道。
前几天路过，特意去找了找。原来的位置大概在一棵老樟树旁边，现在立着一块小小的石碑，写着“老渡口旧址”。有个老人在边上钓鱼，说他年轻时在这条船上当过水手。
城市变得越来越好，但有些东西，只能留在记忆里了。
老人说，那时候船上有个规矩，开船前要敲三下铜锣。谁家有急事赶不上船，在岸上喊一嗓子，船老大总会等一等。他还记得有一年发大水，渡船连着三天停航，对岸的孩子就住在他家，和他的孩子挤一张床。
我问他，想不想念那条船。他笑笑说：“想有什么用，桥比船方便多了。”说完又把鱼竿往水里甩了甩。
回家的路上，我在绿道上骑了一圈。江风还是那样的风，江水还是那样的水，只是再也听不到那突突突的马达声了。
""",
    ),
    Art(
        url=f"https://{QT}/2024/12/10/weekend-market-notes/",
        title="周末市集逛吃记录（附路线）",
        published="2024-12-10 18:45:00",
        authors=["阿青"],
        channel="本地观察",
        family="wordpress",
        traits=["wp_entry_content", "time_datetime", "list_items_in_body", "guest_author"],
        text="""
上周末去了滨江的那个创意市集，本来只想随便逛逛，结果从下午两点待到了天黑。简单记录一下，给想去的朋友参考。
#怎么去
地铁6号线到站后步行十分钟左右，入口在园区东门。周末开车不太建议，附近停车位很紧张。
#吃了什么
最推荐的是一家卖葱油饼的小摊，现烤现卖，排队的人不少，但出餐挺快。另外一家做手冲咖啡的，豆子是店主自己烘的，价格也不贵。
#买了什么
手工陶瓷杯两个，一块扎染桌布，还有一本旧书摊上淘的老杭州地图册。
整体感受：人多但不乱，摊位种类丰富，适合周末带朋友或家人去消磨一个下午。
#几点小建议
一是尽量下午早点去，三点以后人会越来越多，热门摊位要排很久；二是带好零钱或者提前开通手机支付，个别摊主只收现金；三是园区里有免费饮水点，可以自带水杯。
另外，市集每月第一个和第三个周末开放，下雨天会暂停，出发前最好先看一下主办方公众号的通知。
""",
    ),
]


def qt_page(a: Art) -> str:
    t = a.dt
    body = paragraphs_html(
        a,
        p="<p>{}</p>",
        img='<figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683" src="{}" class="wp-image-2211" /></figure>',
        cap='<p class="has-text-align-center has-small-font-size">{}</p>',
        h='<h3 class="wp-block-heading">{}</h3>',
    )
    n_comments = 22 if "comments_longer_than_article" in a.traits else 6
    cm = "\n".join(
        f'''<li class="comment even thread-even depth-1" id="comment-{300 + i}">
<article id="div-comment-{300 + i}" class="comment-body"><footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{nick}</b> <span class="says">说道：</span></div>
<div class="comment-metadata"><a href="{a.url}#comment-{300 + i}"><time datetime="{stamp.replace(" ", "T")}:00+08:00">{stamp.replace("-", "年", 1).replace("-", "月", 1).replace(" ", "日 ")}</time></a></div></footer>
<div class="comment-content"><p>{text}</p></div>
<div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-{300 + i}">回复</a></div></article></li>'''
        for i, (nick, _place, stamp, text, _likes) in enumerate(comments(a.url, n_comments, t))
    )
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "name": "钱塘笔记", "url": f"https://{QT}/"},
                {
                    "@type": "BlogPosting",
                    "headline": a.title,
                    "datePublished": a.d("meta"),
                    "dateModified": a.d("meta"),
                    "author": {"@type": "Person", "name": a.authors[0]},
                    "mainEntityOfPage": a.url,
                },
            ],
        },
        ensure_ascii=False,
    )
    recent = "".join(
        f'<li><a href="https://{QT}/2024/11/{10 + i}/post-{i}/">{h}</a></li>'
        for i, h in enumerate(pick_headlines(a.url, 6))
    )
    return f"""<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{a.title} &#8211; 钱塘笔记</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="钱塘笔记 &raquo; Feed" href="https://{QT}/feed/" />
<script type="application/ld+json" class="yoast-schema-graph">{ld}</script>
<link rel='stylesheet' id='wp-block-library-css' href='https://{QT}/wp-includes/css/dist/block-library/style.min.css?ver=6.4.2' media='all' />
<style id='global-styles-inline-css'>body{{--wp--preset--color--black: #000000;--wp--preset--font-size--small: 13px;}}</style>
<meta property="og:locale" content="zh_CN" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{a.title} &#8211; 钱塘笔记" />
<meta property="article:published_time" content="{a.d("meta")}" />
</head>
<body class="post-template-default single single-post postid-2210 single-format-standard">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">跳至内容</a>
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="https://{QT}/" rel="home">钱塘笔记</a></p><p class="site-description">一个杭州人的城市观察</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu"><li><a href="https://{QT}/">首页</a></li><li><a href="https://{QT}/category/bendi/">本地观察</a></li><li><a href="https://{QT}/category/jiyi/">城市记忆</a></li><li><a href="https://{QT}/category/shenghuo/">生活</a></li><li><a href="https://{QT}/about/">关于</a></li></ul></nav></header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
<article id="post-2210" class="post-2210 post type-post status-publish format-standard hentry category-bendi">
<header class="entry-header">
<h1 class="entry-title">{a.title}</h1>
<div class="entry-meta"><span class="posted-on">发布于 <a href="{a.url}" rel="bookmark"><time class="entry-date published" datetime="{a.d("meta")}">{a.d("cnday")}</time><time class="updated" datetime="2024-12-11T08:00:00+08:00">2024年12月11日</time></a></span><span class="byline"> 作者 <span class="author vcard"><a class="url fn n" href="https://{QT}/author/{a.authors[0]}/">{a.authors[0]}</a></span></span></div>
</header>
<div class="entry-content">
{body}
</div>
<footer class="entry-footer"><span class="cat-links">分类 <a href="https://{QT}/category/bendi/" rel="category tag">{a.channel}</a></span><span class="tags-links">标签 <a href="https://{QT}/tag/hangzhou/" rel="tag">杭州</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="文章"><div class="nav-links"><div class="nav-previous"><a href="https://{QT}/2024/11/28/rain/" rel="prev"><span class="nav-subtitle">上一篇：</span> <span class="nav-title">下雨天的运河</span></a></div><div class="nav-next"><a href="https://{QT}/2024/12/12/winter/" rel="next"><span class="nav-subtitle">下一篇：</span> <span class="nav-title">冬天的第一碗片儿川</span></a></div></div></nav>
<div id="comments" class="comments-area">
<h2 class="comments-title">《{a.title}》上有{n_comments}条评论</h2>
<ol class="commentlist">
{cm}
</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">发表回复</h3><form action="https://{QT}/wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-notes">您的电子邮箱地址不会被公开。</p><p class="comment-form-comment"><textarea id="comment" name="comment"></textarea></p><p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="发表评论" /></p></form></div>
</div>
</main>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">近期文章</h2><ul>{recent}</ul></section>
<section class="widget widget_archive"><h2 class="widget-title">归档</h2><ul><li><a href="https://{QT}/2024/12/">2024年12月</a></li><li><a href="https://{QT}/2024/11/">2024年11月</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">&copy; 2024 钱塘笔记 · 由 <a href="https://wordpress.org/">WordPress</a> 强力驱动 · {icp(QT)}</div></footer>
</div>
<script src="https://{QT}/wp-includes/js/comment-reply.min.js?ver=6.4.2" id="comment-reply-js" async data-wp-strategy="async"></script>
</body>
</html>
"""


def qt_list(items: list[Art], page: int) -> str:
    posts = "\n".join(
        f'''<article class="post type-post status-publish hentry"><header class="entry-header"><h2 class="entry-title"><a href="{a.url}" rel="bookmark">{a.title}</a></h2>
<div class="entry-meta"><time class="entry-date published" datetime="{a.d("meta")}">{a.d("cnday")}</time></div></header>
<div class="entry-summary"><p>{a.body[0][:50]}…</p></div></article>'''
        for a in items
    )
    nav = (
        f'<a class="next page-numbers" href="https://{QT}/category/bendi/page/2/">下一页</a>'
        if page == 1
        else f'<a class="prev page-numbers" href="https://{QT}/category/bendi/">上一页</a>'
    )
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="UTF-8"><title>本地观察 &#8211; 钱塘笔记</title></head>
<body class="archive category">
<header><p class="site-title"><a href="https://{QT}/">钱塘笔记</a></p><nav><ul><li><a href="https://{QT}/">首页</a></li><li><a href="https://{QT}/category/bendi/">本地观察</a></li><li><a href="https://{QT}/category/jiyi/">城市记忆</a></li><li><a href="https://{QT}/about/">关于</a></li><li><a href="https://{QT}/tag/hangzhou/">杭州</a></li></ul></nav></header>
<main><h1 class="page-title">分类：<span>本地观察</span></h1>
{posts}
<nav class="navigation pagination"><div class="nav-links">{nav}</div></nav>
</main>
<footer>&copy; 2024 钱塘笔记</footer>
</body></html>
"""


def build() -> None:
    build_more()
    for a in NB_ARTS:
        write_page(CORPUS, a.url, nb_page(a))
        write_expected(CORPUS, a, "utf-8")
    base = f"http://{NB}/xwzx/bdxw/"
    write_page(CORPUS, base + "index.html", nb_list(NB_ARTS[::-1][:2], 1))
    write_page(CORPUS, base + "index_1.html", nb_list(NB_ARTS[:1], 2))
    register_list(
        base + "index.html",
        base + "index_1.html",
        [a.url for a in NB_ARTS],
        r"/xwzx/bdxw/\d{6}/t\d{8}_\d+\.html",
    )
    for a in JX_ARTS:
        write_page(CORPUS, a.url, jx_page(a))
        write_expected(CORPUS, a, "utf-8")
    for a in ZS_ARTS:
        write_page(CORPUS, a.url, zs_page(a))
        write_expected(CORPUS, a, "utf-8")
    col = f"http://{ZS}/col/col1229/"
    write_page(CORPUS, col + "index.html", zs_list(ZS_ARTS[::-1][:2], 1))
    write_page(CORPUS, col + "index_p2.html", zs_list(ZS_ARTS[:1], 2))
    write_routes(
        CORPUS,
        ZS,
        """
# Hanweb column pages page by query (?uid=4521&pageNum=2); the second page is its own file.
[[route]]
path = "/col/col1229/index.html"
query = { pageNum = "2" }
file = "col/col1229/index_p2.html"
""",
    )
    register_list(
        col + "index.html",
        col + "index.html?uid=4521&pageNum=2",
        [a.url for a in ZS_ARTS],
        r"/art/\d{4}/\d{1,2}/\d{1,2}/art_1229_\d+\.html",
    )
    for a in QT_ARTS:
        write_page(CORPUS, a.url, qt_page(a))
        write_expected(CORPUS, a, "utf-8")
    cat = f"https://{QT}/category/bendi/"
    write_page(CORPUS, cat, qt_list(QT_ARTS[::-1][:2], 1))
    write_page(CORPUS, cat + "page/2/", qt_list(QT_ARTS[:1], 2))
    register_list(cat, cat + "page/2/", [a.url for a in QT_ARTS], r"/\d{4}/\d\d/\d\d/[\w-]+/")


# ---------------------------------------------------------------- a second WordPress theme (Astra-like)
XH = "www.xhdemo-diary.com"

XH_ART = Art(
    url=f"https://{XH}/2024/12/08/canal-walk-gongchenqiao/",
    title="沿着运河从拱宸桥走到武林门",
    published="2024-12-08 16:20:45",
    authors=["运河边的猫"],
    channel="城市漫步",
    family="wordpress",
    traits=[
        "wp_entry_content",
        "time_datetime",
        "no_visible_time",
        "commentlist",
        "nickname_author",
    ],
    text="""
周六下午天气很好，临时决定沿着京杭大运河走一段。从拱宸桥出发，一路往南，到武林门码头结束，全程大约六公里，走走停停花了三个小时。
拱宸桥是杭州现存最高最长的石拱桥，桥上人不少，有拍照的游客，也有遛狗的附近居民。桥西的老街区这几年改造得很好，桥西历史文化街区里有几家博物馆，刀剪剑博物馆和扇博物馆都是免费的，值得进去看看。
!https://{XH}/wp-content/uploads/2024/12/gongchenqiao.jpg
^傍晚的拱宸桥。
继续往南走，河边的步道修得很平整，每隔一段就有长椅和直饮水。不时有运河上的水上巴士开过，船上的游客朝岸上挥手。
走到富义仓附近时已经四点多了。富义仓以前是储存粮食的仓库，现在改成了文化创意园区，有书店、咖啡馆和小剧场。我在一家书店里坐了半个小时，翻了一本讲运河历史的书。
最后一段路两边高楼渐多，城市的感觉越来越强。到武林门码头时，太阳正好落下去，河面被染成了橘红色。
总的来说，这条路线很适合周末散步，不累，风景也好。建议下午出发，可以赶上运河边的日落。
""",
)


def xh_page(a: Art) -> str:
    cm = "\n".join(
        f'<li class="comment" id="li-comment-{90 + i}"><article class="ast-comment"><div class="ast-comment-info"><cite class="fn">{nick}</cite><time datetime="{stamp.replace(" ", "T")}:00+08:00">{stamp[:10]}</time></div><section class="ast-comment-content comment"><p>{text}</p></section></article></li>'
        for i, (nick, _p, stamp, text, _l) in enumerate(comments(a.url, 9, a.dt))
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{a.title} | 小河日记</title>
<meta property="og:title" content="{a.title}" />
<meta property="article:published_time" content="{a.d("meta")}" />
<meta property="article:modified_time" content="2024-12-09T10:02:11+08:00" />
<style id="astra-theme-css-inline-css">.ast-single-post .entry-content p{{margin-bottom:1.6em}}</style>
</head>
<body class="post-template-default single single-post ast-single-post ast-separate-container">
<div class="hfeed site" id="page">
<header class="site-header ast-primary-header-bar"><div class="site-branding"><span class="site-title"><a href="https://{XH}/">小河日记</a></span></div>
<nav class="main-header-bar-navigation"><ul class="main-header-menu"><li class="menu-item"><a href="https://{XH}/">首页</a></li><li class="menu-item"><a href="https://{XH}/category/walk/">城市漫步</a></li><li class="menu-item"><a href="https://{XH}/category/food/">吃吃喝喝</a></li><li class="menu-item"><a href="https://{XH}/about/">关于我</a></li></ul></nav></header>
<div id="content" class="site-content"><div class="ast-container"><div id="primary" class="content-area primary"><main id="main" class="site-main">
<article class="post-1734 post type-post status-publish format-standard ast-article-single" id="post-1734">
<div class="ast-post-format- single-layout-1">
<header class="entry-header"><h1 class="entry-title">{a.title}</h1>
<div class="entry-meta"><span class="cat-links"><a href="https://{XH}/category/walk/" rel="category tag">{a.channel}</a></span> / 作者：<span class="posted-by vcard author"><a class="url fn n" href="https://{XH}/author/cat/"><span class="author-name">{a.authors[0]}</span></a></span> / <span class="posted-on"><span class="published" itemprop="datePublished">{a.d("cnday")}</span></span></div></header>
<div class="entry-content clear">
{paragraphs_html(a, img='<figure class="wp-block-image"><img src="{}" alt="" loading="lazy" />', cap="<figcaption>{}</figcaption></figure>")}
</div>
</div>
</article>
<div class="ast-single-related-posts-container"><h2 class="ast-related-posts-title">相关文章</h2>{"".join(f'<article class="ast-related-post"><a href="https://{XH}/2024/11/{10 + i}/walk-{i}/">{h}</a></article>' for i, h in enumerate(pick_headlines(a.url, 4)))}</div>
<div id="comments" class="comments-area"><h3 class="comments-title">9 条评论</h3><ol class="ast-comment-list commentlist">
{cm}
</ol></div>
</main></div></div></div>
<footer class="site-footer"><div class="ast-footer-copyright"><p>版权所有 &copy; 2024 小河日记 | 由 Astra WordPress 主题强力驱动</p></div></footer>
</div>
</body>
</html>
"""


# ---------------------------------------------------------------- a second Hanweb portal (county)
DS = "www.dsdemo.gov.cn"

DS_ART = Art(
    url=f"http://{DS}/art/2024/12/11/art_1401_88231.html",
    title="岱山县举办海洋文化节闭幕式",
    published="2024-12-11 17:45",
    origin="岱山县文化和广电旅游体育局",
    channel="县府动态",
    family="hanweb",
    traits=["hanweb_zoom", "article_title_meta", "pubdate_meta", "no_author", "picture_centered"],
    text="""
12月11日，第十四届岱山海洋文化节在东沙古镇闭幕。本届文化节历时一个月，先后举办了祭海仪式、海洋民俗展演、渔民画展、海鲜美食节等二十余项活动，吸引游客30余万人次。
!/picture/0/2412111745201234567.jpg
^闭幕式文艺演出现场。
闭幕式上，岱山县为本届文化节“最美渔嫂”“非遗传承人”等获奖代表颁奖，并为“海洋文化研学基地”授牌。
近年来，岱山以海洋文化节为载体，深入挖掘渔俗文化、海防文化和盐业文化资源，推动文旅融合发展。今年以来，全县接待游客人次和旅游收入同比分别增长18%和21%。
""",
)


def ds_page(a: Art) -> str:
    body = paragraphs_html(
        a,
        p="<p>　　{}</p>",
        img='<p align="center"><img src="{}" border="0" /></p>',
        cap='<p align="center">{}</p>',
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="SiteName" content="岱山县人民政府">
<meta name="ColumnName" content="{a.channel}">
<meta name="ArticleTitle" content="{a.title}">
<meta name="PubDate" content="{a.d("iso")}">
<meta name="ContentSource" content="{a.origin}">
<title>岱山县人民政府 {a.channel} {a.title}</title>
</head>
<body>
<div class="head"><a href="/">岱山县人民政府</a></div>
<div class="menu"><a href="/">首页</a> <a href="/col/col1401/index.html">县府动态</a> <a href="/col/col1402/index.html">部门动态</a> <a href="/col/col1403/index.html">信息公开</a></div>
<table width="1000" align="center"><tr><td>您当前的位置：<a href="/">首页</a> &gt; <a href="/col/col1401/index.html">{a.channel}</a></td></tr></table>
<table width="1000" align="center" class="content-table">
<tr><td align="center" class="title"><!--<$[标题名称]>begin-->{a.title}<!--<$[标题名称]>end--></td></tr>
<tr><td align="center" class="info">发布日期：{a.d("iso")}　来源：{a.origin}　访问次数：<span id="hits"></span></td></tr>
<tr><td><div id="zoom"><!--<$[信息内容]>begin-->{body}<!--<$[信息内容]>end--></div></td></tr>
</table>
<div class="foot">岱山县人民政府办公室主办 {icp(DS)} {police(DS)} <a href="/col/col1410/index.html">联系我们</a></div>
</body>
</html>
"""


def build_more() -> None:
    for a, render in ((XH_ART, xh_page), (DS_ART, ds_page)):
        write_page(CORPUS, a.url, render(a))
        write_expected(CORPUS, a, "utf-8")
