# ruff: noqa: E501  (hand-written HTML templates: one tag per line, as the sites print them)
"""Founder e-paper and 翔宇 CMS, caption-heavy pages, long comment sections, 政务 portals."""

from __future__ import annotations

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
)

# ---------------------------------------------------------------- 方正 e-paper (day precision)
EP = "epaper.hzdemo-daily.cn"

EP_ARTS = [
    Art(
        url=f"https://{EP}/html/2024-12/03/content_80112_20415501.htm",
        title="全省“千万工程”现场推进会在湖州召开",
        published="2024-12-03",
        origin="湖城日报",
        authors=["沈吟"],
        contributors=["吴立新"],
        channel="第01版：要闻",
        family="founder",
        traits=[
            "founder_content",
            "enpproperty",
            "epaper_day_precision",
            "second_paragraph_byline_lead",
        ],
        extra={
            "node": "80112",
            "page": "01",
            "pagename": "要闻",
            "intro": "深化“千万工程” 建设和美乡村",
        },
        text="""
12月2日，全省深入学习运用“千万工程”经验现场推进会在湖州召开。会议总结交流各地经验做法，部署推进下一阶段工作。
本报讯（记者 沈吟 通讯员 吴立新）与会代表实地考察了安吉、德清、南浔等地的和美乡村建设点，观摩了乡村产业发展、人居环境整治和乡村治理等方面的成果。
会议指出，二十多年来，“千万工程”从农村环境整治起步，持续向纵深推进，造就了万千美丽乡村，造福了万千农民群众。要坚持以人民为中心，聚焦产业兴旺、强村富民，推动“千万工程”迭代升级。
会议要求，要扎实推进乡村全面振兴，做好“土特产”文章，深化强村富民集成改革，加快城乡融合发展，努力打造乡村振兴的浙江样板。
会上，湖州、衢州、丽水等地作交流发言，分享了在乡村产业培育、农村集体经济发展、乡村治理现代化等方面的探索和经验。
与会代表表示，将把学习运用“千万工程”经验作为推动乡村全面振兴的重要抓手，结合本地实际抓好落实，让农民群众有更多获得感、幸福感。
""",
    ),
    Art(
        url=f"https://{EP}/html/2024-12/03/content_80112_20415502.htm",
        title="湖州港集装箱吞吐量创新高",
        published="2024-12-03",
        origin="湖城日报",
        authors=["陆健"],
        channel="第01版：要闻",
        family="founder",
        traits=["founder_content", "enpproperty", "epaper_day_precision", "short_article"],
        extra={"node": "80112", "page": "01", "pagename": "要闻", "intro": ""},
        text="""
本报讯（记者 陆健）记者从市港航管理中心获悉，今年1至11月，湖州港完成集装箱吞吐量108.6万标箱，同比增长15.2%，首次在11月份突破百万标箱，创历史新高。
湖州港是长三角重要的内河港口。近年来，湖州持续推进“公转水”“散改集”，开通至上海港、宁波舟山港的集装箱航线18条，内河集装箱运输网络不断完善。
今年以来，湖州港新建改建内河码头泊位12个，港口通过能力进一步提升。市港航管理中心相关负责人表示，将加快推进湖州港集装箱作业区建设，力争明年集装箱吞吐量突破120万标箱。
""",
    ),
    Art(
        url=f"https://{EP}/html/2024-12/03/content_80114_20415531.htm",
        title="竹乡少年的“非遗课堂”",
        published="2024-12-03",
        origin="湖城日报",
        authors=["钟瑜"],
        channel="第03版：社会",
        family="founder",
        traits=[
            "founder_content",
            "enpproperty",
            "epaper_day_precision",
            "caption_paragraph",
            "subtitle",
        ],
        extra={
            "node": "80114",
            "page": "03",
            "pagename": "社会",
            "intro": "",
            "sub": "安吉一小学将竹编技艺引入课堂",
        },
        text="""
竹片在孩子们手中上下翻飞，不一会儿，一只小巧的竹篮就初具雏形。在安吉县一所小学的竹编教室里，四年级的学生们正在上每周一次的“非遗课堂”。
!../../../res/1/20241203/1733185622391.jpg
^学生们在老师指导下学习竹编。
“刚开始手老是被竹片划到，现在已经能编出小篮子了。”10岁的小雨举起自己的作品，脸上满是自豪。
学校从三年前开始开设竹编课程，邀请当地竹编非遗传承人担任校外辅导员，每学期安排16个课时。学校还建起竹文化展示馆，陈列学生的优秀作品。
“孩子们从小接触竹编，不仅学会了一门手艺，也更了解家乡的文化。”校长说，学校计划将竹编课程与科学、美术等学科融合，开发更多特色课程。
学校的竹编教室里，墙上挂满了学生们的作品：竹篮、竹扇、竹灯笼，还有用竹丝编成的十二生肖。“每一件都是孩子们一点一点编出来的。”竹编老师说，有的学生一学期能完成七八件作品。
""",
    ),
]


def ep_page(a: Art) -> str:
    x = a.extra
    aid = a.path.rsplit("_", 1)[1][:-4]
    lead = any("本报讯" in b.text for b in a.blocks)
    author = "" if lead else "本报记者 " + " ".join(a.authors)
    body = paragraphs_html(
        a,
        p="<P>　　{}</P>",
        img='<table align="center"><tr><td><img src="{}"></td></tr></table>',
        cap='<P style="text-align:center">{}</P>',
    )
    others = "".join(
        f'<li><a href="content_{x["node"]}_204155{10 + i}.htm">{h}</a></li>'
        for i, h in enumerate(pick_headlines(a.url, 5, a.title))
    )
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>湖城日报数字报-{a.title}</title>
<link href="../../../style/epaper.css" rel="stylesheet" type="text/css">
<script type="text/javascript" src="../../../script/jquery.js"></script>
</head>
<body>
<!--enpproperty <articleid>{aid}</articleid><date>{a.d("isoday")}</date><author>{" ".join(a.authors)}</author><title>{a.title}</title><keyword></keyword><subtitle>{x.get("sub", "")}</subtitle><introtitle>{x["intro"]}</introtitle><siteid>1</siteid><nodeid>{x["node"]}</nodeid><nodename>{a.channel}</nodename><nodesearchname></nodesearchname>/enpproperty-->
<table width="1000" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td class="header"><img src="../../../images/masthead.png" alt="湖城日报"> <span class="date">{a.d("cnday")} 星期二</span> <a href="../../../html/{a.d("isoday")[:7]}/{a.d("isoday")[8:]}/node_{x["node"]}.htm">返回版面</a> <a href="../../../../paperindex.htm">往期回顾</a></td></tr>
<tr><td>
<table width="100%"><tr>
<td width="340" valign="top" class="banmian"><div id="pageLink"><a href="node_80112.htm">第01版：要闻</a><a href="node_80113.htm">第02版：综合</a><a href="node_80114.htm">第03版：社会</a><a href="node_80115.htm">第04版：文化</a></div><img src="../../../res/1/20241203/page{x["page"]}_s.jpg" usemap="#PagePicMap"></td>
<td valign="top">
<table width="100%" cellpadding="0" cellspacing="0"><tr><td class="font02" align="center">{x["intro"]}</td></tr>
<tr><td class="font01" align="center"><founder-title>{a.title}</founder-title></td></tr>
<tr><td class="font02" align="center">{x.get("sub", "")}</td></tr>
<tr><td class="font03" align="center"><founder-author>{author}</founder-author></td></tr>
<tr><td><div id="ozoom" style="font-size:16px"><founder-content>
{body}
</founder-content></div></td></tr></table>
<table width="100%"><tr><td class="bmdh"><b>本版导读</b><ul>{others}</ul></td></tr></table>
</td></tr></table>
</td></tr>
<tr><td class="foot" align="center">湖城日报社版权所有 未经书面授权 不得复制或建立镜像<br>{icp(EP)}</td></tr>
</table>
</body>
</html>
"""


def ep_node(node: str, name: str, items: list[Art], nxt: str | None) -> str:
    links = "\n".join(
        f'<li><a href="{a.path.rsplit("/", 1)[1]}"><div style="display:inline" id="mp{i}">{a.title}</div></a></li>'
        for i, a in enumerate(items)
    )
    nav = (
        f'<a id="next" href="{nxt}">下一版 &gt;</a>'
        if nxt
        else '<a href="node_80112.htm">&lt; 上一版</a>'
    )
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>湖城日报数字报-{name}</title></head>
<body>
<div class="top"><a href="../../../../paperindex.htm">往期回顾</a> <a href="http://www.hzdemo-daily.cn/">湖城网</a> <a href="../../../../about/contact.htm">联系我们</a></div>
<div id="pageLink"><a href="node_80112.htm">第01版：要闻</a> <a href="node_80113.htm">第02版：综合</a> <a href="node_80114.htm">第03版：社会</a></div>
<map name="PagePicMap"></map>
<div class="title">{name}</div>
<ul class="list">
{links}
</ul>
<div class="pn">{nav}</div>
<div class="foot">湖城日报社版权所有 {icp(EP)}</div>
</body></html>
"""


# ---------------------------------------------------------------- 方正翔宇 CMS
XY = "www.qzdemo-news.cn"

XY_ARTS = [
    Art(
        url=f"http://{XY}/content/2024-12/04/content_9921453.htm",
        title="衢州柑橘进入采摘季 “橘农”忙丰收",
        published="2024-12-04 10:12:35",
        origin="衢州日报",
        authors=["徐慧"],
        contributors=["毛晓"],
        editor="吴婷",
        channel="衢州新闻",
        family="byline",
        traits=["xiangyu_cms", "enpcontent_comments", "second_paragraph_byline_lead", "url_date"],
        text="""
冬日暖阳下，柯城区九华乡的柑橘园里一片金黄，橘农们正忙着采摘、装箱，运输车辆往来不断。
本报讯（记者 徐慧 通讯员 毛晓）“今年雨水调匀，柑橘个头大、甜度高，一亩地能收四千斤左右。”种植户郑大伯笑着说，他家的30亩胡柚和椪柑已经被收购商提前订走了一半。
衢州是全国重要的柑橘产区，种植面积达40余万亩。近年来，当地推广柑橘“疏果提质”、避雨栽培等技术，精品果比例明显提高，衢州椪柑、常山胡柚等品牌知名度不断扩大。
为拓宽销路，衢州今年开展“柑橘直播月”活动，组织300余名“农播”通过电商平台销售柑橘，线上销售额同比增长近四成。
在九华乡的柑橘分拣中心，一台台智能分选机正在高速运转，柑橘按照大小、糖度自动分级。“以前靠人工挑，一天也就几千斤，现在一天能分拣十几万斤。”分拣中心负责人说。
""",
    ),
    Art(
        url=f"http://{XY}/content/2024-12/07/content_9924018.htm",
        title="衢江区一批民生实事项目完工",
        published="2024-12-07 16:00:00",
        origin="衢州日报",
        authors=["吴彬"],
        editor="吴婷",
        channel="县市区",
        family="founder",
        traits=["xiangyu_cms", "enpcontent_comments", "list_like_paragraphs"],
        text="""
近日，衢江区今年确定的10个民生实事项目已完成8个，剩余2个项目将于月底前完工。
其中，新建的区第二幼儿园已于9月投入使用，新增学位540个；区人民医院新住院大楼主体完工，明年上半年启用；城区新增公共停车位1200个，改造老旧小区6个。
此外，区里还新建了3个“15分钟健身圈”和12个农村文化礼堂，为农村老人提供助餐服务的“幸福食堂”达到68家。
衢江区相关负责人表示，明年将继续聚焦教育、医疗、养老等领域，谋划一批群众可感可及的民生实事。
“孩子在家门口就能上公办幼儿园，接送方便多了。”家住衢江区的市民刘女士说，她的女儿今年9月进入区第二幼儿园就读。
据了解，今年衢江区民生实事项目由群众投票确定，项目征集阶段共收到群众建议1300余条。
""",
    ),
]


def xy_page(a: Art) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{a.title}_衢州新闻网</title>
<meta name="contentid" content="{a.path.rsplit("_", 1)[1][:-4]}">
<meta name="author" content="">
<meta name="source" content="{a.origin}">
</head>
<body>
<div class="header"><div class="logo"><a href="/">衢州新闻网</a></div><div class="nav"><a href="/">首页</a> <a href="/node/qzxw/">衢州新闻</a> <a href="/node/xsq/">县市区</a> <a href="/node/sp/">视频</a> <a href="/node/pl/">评论</a> <a href="http://epaper.qzdemo-news.cn/">衢州日报</a></div></div>
<div class="local">当前位置：<a href="/">首页</a> &gt; <a href="/node/qzxw/">{a.channel}</a> &gt; 正文</div>
<div class="container">
<div class="left_box">
<h1 class="tit">{a.title}</h1>
<div class="info"><span>{a.d("isos")}</span><span>来源: {a.origin}</span><span>{"" if any("本报讯" in b.text for b in a.blocks) else "记者 " + " ".join(a.authors)}</span></div>
<div class="cont" id="content">
<!--enpcontent-->{paragraphs_html(a, p="<p>{}</p>", joiner="")}<!--/enpcontent-->
</div>
<div class="bj">编辑：{a.editor}</div>
<div class="fenxiang"><span>分享到：</span><a class="wx">微信</a><a class="wb">微博</a></div>
</div>
<div class="right_box"><h3>点击排行</h3><ul>{"".join(f'<li><a href="/content/2024-11/2{i % 9}/content_99{i:02d}001.htm">{h}</a></li>' for i, h in enumerate(pick_headlines(a.url, 10, a.title)))}</ul></div>
</div>
<div class="footer">衢州新闻网版权所有 {icp(XY)} 联系我们 0570-3051XXXX</div>
</body>
</html>
"""


# ---------------------------------------------------------------- 桐庐新闻网: captions as paragraphs
TL = "www.tldemo-news.cn"

TL_ARTS = [
    Art(
        url=f"http://{TL}/tlxw/202412/t20241203_1125601.shtml",
        title="富春江上“渔舟唱晚”再现",
        published="2024-12-03 17:08",
        origin="桐庐新闻网",
        authors=["方琳"],
        editor="赵倩",
        channel="桐庐新闻",
        family="captions",
        traits=["pic_txt_class", "many_captions", "caption_before_text"],
        text="""
!/tlxw/202412/W020241203601.jpg
^富春江上的渔船。记者 方琳 摄
夕阳西下，富春江面波光粼粼，几条渔船缓缓驶过，渔民撒网收网，勾勒出一幅“渔舟唱晚”的美丽画卷。
近年来，桐庐持续推进富春江生态保护和修复，实施禁渔期制度和增殖放流，江中鱼类资源逐步恢复。每年禁渔期结束后，当地部分渔民转型为“生态渔民”，在规定区域内从事限量捕捞和渔事体验服务。
!/tlxw/202412/W020241203602.jpg
^渔民展示刚捕获的鲜鱼。
“以前靠打鱼养家，现在除了捕鱼，还能带游客体验撒网、品尝江鲜，收入比以前还多。”渔民老钟说。
!/tlxw/202412/W020241203603.jpg
^游客在江边拍摄日落。
据统计，今年以来，富春江沿线乡镇接待渔事体验游客超过5万人次，带动沿江农家乐、民宿增收2000余万元。
桐庐县农业农村局相关负责人介绍，下一步将结合富春江“诗路文化带”建设，进一步丰富渔事体验内容，开发江鲜美食、渔家民宿等特色产品，让渔民吃上“生态饭”“旅游饭”。
""",
    ),
    Art(
        url=f"http://{TL}/tlxw/202412/t20241206_1125944.shtml",
        title="桐庐快递物流园二期投用",
        published="2024-12-06 11:25",
        origin="桐庐新闻网",
        authors=["蒋平"],
        contributors=["俞晨"],
        editor="赵倩",
        channel="桐庐新闻",
        family="captions",
        traits=["figcaption", "end_byline"],
        extra={"fig": True},
        text="""
12月5日，桐庐快递物流园二期正式投入使用。新投用的分拨中心配备了智能分拣设备，日均处理快件能力达到300万件。
!/tlxw/202412/W020241206101.jpg
^智能分拣线上的快件。
作为“中国民营快递之乡”，桐庐是多家快递企业的发源地。物流园二期建成后，将进一步完善县域快递物流网络，助力农产品“出村进城”。
!/tlxw/202412/W020241206102.jpg
^物流园二期全景。
据介绍，物流园二期占地约120亩，总投资约6亿元，引进了多家快递企业区域分拨中心和电商仓储企业。二期投用后，桐庐快件中转时间将平均缩短两小时，县域内快件实现“当日达”。
桐庐县邮政管理局相关负责人表示，将以物流园为依托，推动快递业与制造业、农业深度融合，服务更多本地企业和农户。
@（记者 蒋平 通讯员 俞晨）
""",
    ),
    Art(
        url=f"http://{TL}/tlxw/202412/t20241210_1126302.shtml",
        title="瑶琳镇举行首届稻草艺术节",
        published="2024-12-10 09:50",
        origin="桐庐新闻网",
        authors=["陈洁"],
        editor="赵倩",
        channel="乡镇街道",
        family="captions",
        traits=["centered_tuwei_caption", "caption_paragraph"],
        text="""
12月9日，瑶琳镇首届稻草艺术节开幕。稻田里，用稻草扎制的巨型恐龙、熊猫、孔雀等造型栩栩如生，吸引了众多游客前来观赏拍照。
!/tlxw/202412/W020241210001.jpg
^图为游客与稻草艺术作品合影。
本次艺术节共展出稻草艺术作品60余件，均由当地村民和美院学生共同设计制作。艺术节期间，还举办稻草编织比赛、农产品市集和乡村音乐会等活动。
!/tlxw/202412/W020241210002.jpg
^图为村民在制作稻草工艺品。
瑶琳镇相关负责人介绍，举办稻草艺术节既能让秸秆变废为宝，又能带动乡村旅游，助力村民增收。
“这些稻草原来都是要处理掉的，现在变成了艺术品，还能吸引游客。”参与制作的村民老何说，他和村里的十几位老人一起忙活了一个多月，扎出了十多件作品。
""",
    ),
]


def tl_page(a: Art) -> str:
    if a.extra.get("fig"):
        body = paragraphs_html(
            a,
            p="<p>{}</p>",
            img='<figure><img src="{}" alt="" />',
            cap="<figcaption>{}</figcaption></figure>",
        )
    elif "centered_tuwei_caption" in a.traits:
        body = paragraphs_html(
            a,
            p="<p>　　{}</p>",
            img='<p style="text-align:center"><img src="{}" /></p>',
            cap='<p style="text-align:center">{}</p>',
        )
    else:
        body = paragraphs_html(
            a,
            p="<p>　　{}</p>",
            img='<p class="pic"><img src="{}" /></p>',
            cap='<p class="pic_txt">{}</p>',
        )
    by = "" if any(b.kind == "by" for b in a.blocks) else f"记者 {' '.join(a.authors)}"
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{a.title}_{a.channel}_桐庐新闻网</title>
<meta name="description" content="{a.body[0][:50]}">
<meta property="og:image" content="{a.images[0] if a.images else ""}">
</head>
<body>
<div class="tl-head"><a class="logo" href="/">桐庐新闻网</a><ul><li><a href="/">首页</a></li><li><a href="/tlxw/">桐庐新闻</a></li><li><a href="/xzjd/">乡镇街道</a></li><li><a href="/tp/">图片</a></li><li><a href="/sp/">视频</a></li></ul></div>
<div class="tl-pos">首页 &gt; <a href="/tlxw/">{a.channel}</a></div>
<div class="tl-main">
<h1>{a.title}</h1>
<div class="tl-info">{a.d("iso")}　{a.origin}　{by}</div>
<div class="tl-content TRS_Editor">
{body}
</div>
<div class="tl-editor">编辑：{a.editor}</div>
<div class="tl-page">上一篇：<a href="/tlxw/202411/t20241129_1125401.shtml">分水镇制笔产业转型升级</a>　下一篇：<a href="/tlxw/202412/t20241211_1126400.shtml">桐庐开展冬季送温暖活动</a></div>
</div>
<div class="tl-side"><h3>图片新闻</h3>{"".join(f'<div class="pic-item"><img src="/tp/2024/{i}.jpg"><p>{h}</p></div>' for i, h in enumerate(pick_headlines(a.url, 6, a.title)))}</div>
<div class="tl-foot">桐庐新闻网 版权所有 {icp(TL)} {police(TL)}</div>
</body>
</html>
"""


# ---------------------------------------------------------------- 温州网: comments longer than the article
WZ = "news.wzdemo-net.cn"

WZ_ARTS = [
    Art(
        url=f"https://{WZ}/system/2024/12/04/104561872.shtml",
        title="温州市区将新增5条公交微循环线路",
        published="2024-12-04 08:40",
        origin="温州日报",
        authors=["叶静"],
        editor="潘雪",
        channel="温州新闻",
        family="long_comments",
        traits=["comments_longer_than_article", "comment_times_after_publish"],
        text="""
记者从市公交集团获悉，本月中旬起，温州市区将新开通5条公交微循环线路，主要服务老城区、大型居住区和地铁站点之间的短途出行。
新线路采用小型新能源公交车，线路长度在5至8公里之间，途经多个此前公交覆盖不足的老小区和菜场、医院等民生场所。
市公交集团相关负责人表示，将根据运营情况动态调整线路和班次，市民可通过“温州公交”APP实时查询车辆到站信息。
据了解，5条线路的走向是根据市民通过“温州公交”APP、12345热线等渠道反映的出行需求确定的。线路开通后，将串联起市区20余个老旧小区和5个地铁站点，预计日均服务乘客5000人次以上。
“家门口就有公交站，去地铁站只要十分钟，出行方便多了。”家住蒲鞋市街道的市民王大伯说。
""",
    ),
    Art(
        url=f"https://{WZ}/system/2024/12/06/104563390.shtml",
        title="鹿城区启动老旧电梯更新改造",
        published="2024-12-06 10:05",
        origin="温州晚报",
        authors=["黄晓东"],
        contributors=["林伟"],
        editor="潘雪",
        channel="温州新闻",
        family="long_comments",
        traits=["comments_longer_than_article", "end_byline", "meta_disagrees_later_day"],
        extra={"meta_day": "2024-12-07"},
        text="""
鹿城区近日启动老旧住宅电梯更新改造工作，首批将对使用年限超过15年、故障率较高的126台电梯进行更新改造，预计明年6月底前完成。
改造资金采取“政府补助一点、维修资金出一点、业主筹一点”的方式筹集，每台电梯政府补助最高15万元。
“我们这栋楼的电梯用了快二十年，三天两头坏，老人上下楼很不方便。”家住五马街道的居民吴阿姨说，听说要换新电梯，楼里的住户都很支持。
为确保改造期间居民正常出行，施工单位将采取“一梯一方案”，对有多部电梯的楼栋分批施工，对只有一部电梯的楼栋，提前告知居民施工时间，并为行动不便的老人提供上下楼帮扶服务。
区市场监管局相关负责人表示，改造完成后，将对新电梯实行“物联网+维保”模式，实时监测电梯运行状态，及时发现和处置故障。
@（记者 黄晓东 通讯员 林伟）
""",
    ),
]


def wz_page(a: Art) -> str:
    cm = "\n".join(
        f'<div class="pl-item"><div class="pl-user"><img src="/images/avatar.png"><span class="name">{nick}</span><span class="ip">{place}</span></div>'
        f'<div class="pl-text">{text}</div><div class="pl-foot"><span class="time">{stamp}</span><a class="zan">顶({likes})</a><a class="reply">回复</a></div></div>'
        for nick, place, stamp, text, likes in comments(a.url, 26, a.dt)
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{a.title}-温州网</title>
<meta name="keywords" content="温州">
<meta name="publishdate" content="{a.extra.get("meta_day") or a.d("iso")}">
</head>
<body>
<div class="topnav"><a href="/">温州网首页</a> <a href="/system/wzxw/">温州新闻</a> <a href="/system/sh/">社会</a> <a href="/system/ty/">体育</a> <a href="/bbs/">论坛</a></div>
<div class="loc">温州网 &gt; <a href="/system/wzxw/">{a.channel}</a></div>
<div class="art">
<h1>{a.title}</h1>
<div class="source">{a.d("iso")} 来源：{a.origin} {"" if any(b.kind == "by" for b in a.blocks) else "记者 " + " ".join(a.authors)}</div>
<div class="art-body">
{paragraphs_html(a)}
</div>
<div class="zbian">编辑：{a.editor}</div>
</div>
<div class="pinglun"><div class="pl-head">网友评论（{26}条）<a href="#">我要评论</a></div>
{cm}
<div class="pl-more"><a href="#">查看更多评论</a></div></div>
<div class="side"><h3>今日热点</h3>{"".join(f'<p><a href="/system/2024/12/0{1 + i % 5}/1045{i:05d}.shtml">{h}</a></p>' for i, h in enumerate(pick_headlines(a.url, 10, a.title)))}</div>
<div class="footer">温州网 版权所有 {icp(WZ)} 联系我们</div>
</body>
</html>
"""


# one more long-comment page: a BBS-style local portal
LA = "www.lademo-city.com"

LA_ART = Art(
    url=f"https://{LA}/news/show-90217.html",
    title="临安天目山景区冬季门票半价",
    published="2024-12-05 15:30",
    origin="临安发布",
    authors=[],
    editor="小安",
    channel="本地资讯",
    family="long_comments",
    traits=["comments_longer_than_article", "kuaixun", "no_author", "floor_numbers"],
    text="""
记者从临安区文旅局获悉，12月6日至明年2月28日，天目山景区推出冬季门票半价优惠，其间游客购票仅需60元。此外，60周岁以上老人、学生凭有效证件可免费入园。景区提醒，冬季山上气温较低，部分路段可能结冰，请游客注意防寒防滑。
""",
)


def la_page(a: Art) -> str:
    floors = "\n".join(
        f'<tr><td class="floor">{i + 1}楼</td><td class="u">{nick}<br><small>来自{place}</small></td><td class="c"><div class="t">{stamp}</div><div class="m">{text}</div></td></tr>'
        for i, (nick, place, stamp, text, _) in enumerate(comments(a.url, 18, a.dt))
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{a.title} - 本地资讯 - 临安城市网</title></head>
<body>
<div class="hd"><a href="/">临安城市网</a> <a href="/news/">资讯</a> <a href="/bbs/">社区</a> <a href="/house/">房产</a> <a href="/job/">招聘</a></div>
<div class="pos"><a href="/">首页</a> - <a href="/news/">{a.channel}</a> - 正文</div>
<div class="news">
<h1>{a.title}</h1>
<div class="mt">{a.d("iso")}　来源：{a.origin}　编辑：{a.editor}</div>
<div class="ct">{paragraphs_html(a)}</div>
</div>
<h3>网友回复（18）</h3>
<table class="replies">{floors}</table>
<div class="ft">临安城市网 版权所有 {icp(LA)}</div>
</body></html>
"""


# ---------------------------------------------------------------- 政务 portals
HZ = "www.hzdemo.gov.cn"

HZ_ARTS = [
    Art(
        url=f"https://{HZ}/art/2024/12/4/art_812262_59102345.html",
        title="市政府常务会议研究部署冬春季安全生产等工作",
        published="2024-12-04 18:30",
        origin="市政府办公厅",
        channel="政务要闻",
        family="gov",
        traits=["pages_content", "info_line_views", "no_author", "publisher_label"],
        extra={"agency": "杭州市人民政府办公厅"},
        text="""
12月4日，市长主持召开市政府常务会议，研究部署冬春季安全生产、今冬明春能源保供等工作。
会议指出，冬春季是安全生产事故易发多发期，各地各部门要坚持人民至上、生命至上，压紧压实安全生产责任，深入开展重点行业领域隐患排查整治，坚决防范遏制重特大事故发生。
会议强调，要统筹做好能源保供工作，加强电力、天然气供需监测和调度，确保群众温暖过冬。要关心关爱困难群众，及时发放救助资金和物资。
会议还研究了其他事项。
会议研究了今冬明春能源保供有关工作。会议要求，要加强与上游供应企业的沟通协调，落实好天然气、电煤等能源资源的合同签订和储备工作；要做好应急预案，确保极端天气下城市运行平稳有序。
会议还审议并原则通过了《杭州市城市道路挖掘管理办法（修订草案）》。
""",
    ),
    Art(
        url=f"https://{HZ}/art/2024/12/6/art_812262_59103377.html",
        title="杭州出台支持人工智能产业发展若干措施",
        published="2024-12-06 09:00",
        origin="市经信局",
        channel="政务要闻",
        family="gov",
        traits=["pages_content", "info_line_views", "numbered_paragraphs"],
        extra={"agency": "杭州市经济和信息化局"},
        text="""
近日，市政府办公厅印发《杭州市支持人工智能产业发展的若干措施》（以下简称《措施》），从算力、数据、模型、应用等方面提出18条支持措施。
《措施》提出，对新建智算中心给予最高5000万元补助；对企业购买算力服务给予最高30%的补贴；支持建设行业高质量数据集，对开放共享的数据集给予奖励。
在应用场景方面，《措施》明确每年发布人工智能应用场景清单不少于100个，对入选国家级人工智能创新应用的项目给予最高500万元奖励。
《措施》自2025年1月1日起施行，有效期3年。
在人才方面，《措施》提出，对在杭从事人工智能研发的顶尖人才和团队，给予最高1亿元项目资助；支持高校开设人工智能相关专业，扩大人才培养规模。
《措施》还提出，鼓励金融机构开发面向人工智能企业的专属金融产品，支持符合条件的人工智能企业上市融资。
""",
    ),
    Art(
        url=f"https://{HZ}/art/2024/12/10/art_812262_59104120.html",
        title="《杭州市加快推进城市更新工作实施意见》政策解读",
        published="2024-12-10 15:30",
        origin="市住房保障和房产管理局",
        channel="政务要闻",
        family="gov",
        traits=[
            "pages_content",
            "info_line_views",
            "policy_interpretation",
            "long_article",
            "numbered_subheadings",
        ],
        extra={"agency": "杭州市住房保障和房产管理局"},
        text="""
近日，市政府办公厅印发《杭州市加快推进城市更新工作实施意见》（以下简称《实施意见》）。为便于社会各界更好地理解和执行，现就有关内容解读如下。
#一、出台背景
当前，杭州城市发展已由大规模增量建设转为存量提质改造和增量结构调整并重的阶段。全市2000年以前建成的老旧小区、老旧厂区、老旧街区数量较多，部分区域存在基础设施老化、公共服务配套不足、产业业态低效等问题。为系统推进城市更新，提升城市品质和综合竞争力，市里在深入调研、广泛征求意见的基础上，研究制定了《实施意见》。
#二、主要目标
《实施意见》提出，到2027年，全市累计完成老旧小区综合改造提升500个以上，实施老旧厂区、低效工业用地更新改造1万亩以上，打造城市更新示范项目50个以上，城市功能品质和人居环境明显改善。
#三、重点任务
《实施意见》明确了六个方面的重点任务。
一是推进老旧小区综合改造。坚持“改造一个、带动一片”，统筹推进基础设施改造、公共服务配套和小区治理提升，有条件的小区同步实施加装电梯、增设停车位和建设“一老一小”服务设施。
二是推动老旧厂区和低效用地更新。鼓励通过“工业上楼”、产业园区有机更新等方式，提高土地利用效率，引导传统产业转型升级，培育新产业新业态。
三是实施老旧街区活化利用。注重历史文化保护传承，在保护历史风貌的前提下，植入文化、商业、旅游等功能，打造一批有烟火气、有文化味的特色街区。
四是完善城市基础设施。加快推进城市地下管网更新改造、雨污分流和海绵城市建设，提升城市防洪排涝能力和安全韧性。
五是补齐公共服务短板。结合城市更新，优先配建社区养老、托育、卫生服务和文体设施，推动15分钟公共服务圈全覆盖。
六是提升城市绿化和公共空间品质。见缝插绿、拆违建绿，建设口袋公园、城市绿道，让市民推窗见绿、出门进园。
#四、保障措施
在资金保障方面，《实施意见》提出建立政府引导、市场运作、公众参与的多元化投入机制，统筹使用各级财政资金，鼓励金融机构为城市更新项目提供中长期贷款，支持社会资本通过特许经营等方式参与城市更新。
在政策支持方面，《实施意见》明确，对城市更新项目在用地、规划、审批等方面给予支持。如允许在保障公共利益和安全的前提下，适当放宽建筑间距、日照等技术指标要求；对利用存量房屋发展新产业新业态的，可在一定期限内继续按原用途和土地权利类型使用土地。
在群众参与方面，《实施意见》强调，城市更新要坚持“居民自愿、政府引导、社会参与”，项目实施前应充分征求居民意见，建立健全居民议事协商机制，让群众成为城市更新的参与者和受益者。
#五、实施时间
《实施意见》自2025年1月1日起施行，有效期至2029年12月31日。
""",
    ),
]


def hz_page(a: Art) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="SiteName" content="杭州市人民政府门户网站">
<meta name="ColumnName" content="{a.channel}">
<meta name="ArticleTitle" content="{a.title}">
<meta name="PubDate" content="{a.d("isoday")}">
<meta name="ContentSource" content="{a.origin}">
<title>{a.title} 杭州市人民政府门户网站</title>
</head>
<body>
<div class="gov-top"><a href="/">杭州市人民政府</a> <a href="/col/col1000/">English</a> <a href="/col/col1001/">无障碍浏览</a> <a href="/col/col1002/">长者模式</a></div>
<div class="gov-nav"><a href="/">首页</a><a href="/col/col812262/">政务要闻</a><a href="/col/col812263/">部门动态</a><a href="/col/col812264/">信息公开</a><a href="/col/col812265/">政务服务</a><a href="/col/col812266/">政民互动</a></div>
<div class="gov-crumb">当前位置：<a href="/">首页</a> &gt; <a href="/col/col812262/">{a.channel}</a></div>
<div class="pages-box">
<h1 class="pages-title">{a.title}</h1>
<div class="pages-date">发布时间：{a.d("iso")}　来源：{a.origin}　发布机构：{a.extra["agency"]}　浏览次数：<span id="llcs">3516</span>　<span class="font">字体：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</span></div>
<div class="pages_content" id="UCAP-CONTENT">
{paragraphs_html(a, p='<p style="text-indent:2em;">{}</p>')}
</div>
<div class="pages-print"><a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a> <span>分享到：</span><a>微信</a><a>微博</a></div>
</div>
<div class="gov-related"><h3>相关链接</h3><ul>{"".join(f'<li><a href="/art/2024/11/{10 + i}/art_812262_591000{i:02d}.html">{h}</a></li>' for i, h in enumerate(pick_headlines(a.url, 8, a.title)))}</ul></div>
<div class="gov-foot"><p>主办：杭州市人民政府办公厅　承办：杭州市数据资源管理局</p><p>网站标识码：3301000001　{icp(HZ)}　{police(HZ)}</p><p><a href="/col/col1010/">网站地图</a> <a href="/col/col1011/">联系我们</a></p></div>
</body>
</html>
"""


XS = "jxj.xsdemo.gov.cn"

XS_ART = Art(
    url=f"http://{XS}/art/2024/12/5/art_1302877_58820194.html",
    title="区经信局召开数字经济重点企业座谈会",
    published="2024-12-05 16:21:08",
    origin="区经信局",
    authors=["施婷"],
    channel="工作动态",
    family="gov",
    traits=["ucap_content", "author_label_in_info", "seconds_in_info"],
    text="""
12月5日下午，区经信局召开数字经济重点企业座谈会，听取企业对明年发展的意见建议，协调解决企业发展中遇到的困难和问题。
座谈会上，来自集成电路、智能物联、软件信息等领域的12家重点企业负责人依次发言，围绕人才引进、融资服务、用地保障、应用场景开放等方面提出建议。
区经信局主要负责人表示，将对企业提出的问题建立清单、逐项跟踪，能解决的立即解决，一时难以解决的积极协调相关部门，切实帮助企业纾困解难。
据悉，今年1至10月，全区数字经济核心产业营业收入同比增长11.6%。
有企业负责人表示，希望政府部门在重大项目申报、应用场景开放等方面给予更多指导和支持。“萧山的营商环境越来越好，我们对明年的发展很有信心。”
""",
)


def xs_page(a: Art) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>区经信局召开数字经济重点企业座谈会_工作动态_萧山区经济和信息化局</title>
</head>
<body>
<div class="header"><h2>杭州市萧山区经济和信息化局</h2></div>
<div class="nav"><a href="/">首页</a> <a href="/col/col1302877/">工作动态</a> <a href="/col/col1302878/">通知公告</a> <a href="/col/col1302879/">政策文件</a> <a href="/col/col1302880/">办事服务</a></div>
<div class="bt-position">您当前的位置：<a href="/">首页</a>&gt;<a href="/col/col1302877/">{a.channel}</a></div>
<div class="main-txt">
<div class="title">{a.title}</div>
<div class="info"><span>信息来源：{a.origin}</span><span>作者：{a.authors[0]}</span><span>发布日期：{a.d("isos")}</span><span>访问次数：<script>document.write(892)</script></span></div>
<div id="UCAP-CONTENT">
{paragraphs_html(a, p='<p style="text-indent:2em;font-size:16px;">{}</p>')}
</div>
</div>
<div class="foot">杭州市萧山区经济和信息化局 主办 | {icp(XS)} | 联系我们：0571-8289XXXX</div>
</body>
</html>
"""


NH = "www.nhdemo.gov.cn"

NH_ART = Art(
    url=f"http://{NH}/xwzx/bmdt/202412/t20241209_6621093.html",
    title="南湖区开展“安全生产月”执法检查",
    published="2024-12-09",
    origin="区应急管理局",
    channel="部门动态",
    family="gov",
    traits=["article_con", "date_only_gov", "no_author"],
    text="""
近日，南湖区应急管理局联合区消防救援大队、区市场监管局组成联合检查组，对辖区内危险化学品经营企业、人员密集场所开展安全生产执法检查。
检查组重点检查了企业安全生产主体责任落实、隐患排查治理、应急预案演练等情况，对检查中发现的问题当场反馈，要求限期整改。
此次共检查企业36家，发现隐患问题87处，已督促整改79处，立案查处2起。
区应急管理局相关负责人表示，将对整改情况开展“回头看”，对拒不整改或整改不到位的企业依法依规严肃处理，并将执法检查与安全培训、隐患排查相结合，推动企业安全生产主体责任落实落地。
下一步，南湖区将继续保持安全生产执法高压态势，确保全区安全生产形势持续稳定。
""",
)


def nh_page(a: Art) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{a.title}-嘉兴市南湖区人民政府</title>
</head>
<body>
<div class="g-head"><a href="/">嘉兴市南湖区人民政府</a></div>
<div class="g-menu"><a href="/">首页</a> | <a href="/xwzx/">新闻中心</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> | <a href="/hdjl/">互动交流</a></div>
<div class="g-pos">首页 &gt; 新闻中心 &gt; <a href="/xwzx/bmdt/">{a.channel}</a></div>
<div class="article">
<div class="article-title"><h2>{a.title}</h2></div>
<div class="article-info">来源：{a.origin}　日期：{a.d("isoday")}　阅读：<em>—</em></div>
<div class="article-con">
{paragraphs_html(a, p="<p>　　{}</p>")}
</div>
</div>
<div class="g-foot">嘉兴市南湖区人民政府办公室 主办 {icp(NH)} {police(NH)} <a href="/lxwm/">联系我们</a></div>
</body>
</html>
"""


def build() -> None:
    for a in EP_ARTS:
        write_page(CORPUS, a.url, ep_page(a))
        write_expected(CORPUS, a, "utf-8")
    day = f"https://{EP}/html/2024-12/03/"
    write_page(
        CORPUS,
        day + "node_80112.htm",
        ep_node("80112", "第01版：要闻", EP_ARTS[:2], "node_80114.htm"),
    )
    write_page(CORPUS, day + "node_80114.htm", ep_node("80114", "第03版：社会", EP_ARTS[2:], None))
    register_list(
        day + "node_80112.htm",
        day + "node_80114.htm",
        [a.url for a in EP_ARTS],
        r"/html/\d{4}-\d\d/\d\d/content_\d+_\d+\.htm",
    )
    for group, render in (
        (XY_ARTS, xy_page),
        (TL_ARTS, tl_page),
        (WZ_ARTS, wz_page),
        ([LA_ART], la_page),
        (HZ_ARTS, hz_page),
        ([XS_ART], xs_page),
        ([NH_ART], nh_page),
    ):
        for a in group:
            write_page(CORPUS, a.url, render(a))
            write_expected(CORPUS, a, "utf-8")
