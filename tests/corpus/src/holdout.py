# ruff: noqa: E501  (hand-written HTML templates: one tag per line, as the sites print them)
"""The holdout set: other invented sites and layouts, never used to tune the extractor."""

from __future__ import annotations

from common import (
    CORPUS,
    Art,
    comments,
    icp,
    paragraphs_html,
    pick_headlines,
    police,
    write_expected,
    write_page,
    write_routes,
)

HOLD = CORPUS / "holdout"

# ---------------------------------------------------------------- 新浪-like portal channel
SN = "zj.sinademo-news.cn"

SN_ARTS = [
    Art(
        url=f"https://{SN}/2024-12-03/detail-inczkqrt5120387.shtml",
        title="义乌国际商贸城迎来圣诞订单收尾期",
        published="2024-12-03 11:26",
        origin="金华日报",
        authors=["龚献明"],
        editor="王璐",
        channel="商贸",
        family="portal_artibody",
        traits=["title_double_underscore_suffix", "artibody", "keywords_block", "url_date"],
        text="""
12月初，义乌国际商贸城里的圣诞用品市场进入订单收尾期。经营户们一边忙着给最后一批海外订单打包发货，一边开始为明年的新品做准备。
“今年的圣诞订单从3月份就开始陆续下了，到现在基本都出货了。”在国际商贸城一区经营圣诞装饰品的商户楼女士说，今年店里的订单量比去年增长了两成左右，中东、拉美市场的客户明显增多。
据统计，义乌圣诞用品年出口额超过百亿元，占全球圣诞用品市场份额的六成以上。近年来，义乌商户积极开拓新兴市场，并通过跨境电商平台直接对接海外消费者。
义乌市场发展委员会相关负责人表示，将继续推动市场数字化转型，帮助经营户拓展多元化市场，稳住外贸基本盘。
@（记者 龚献明）
""",
    ),
    Art(
        url=f"https://{SN}/2024-12-06/detail-inczmwsa5139044.shtml",
        title="温岭泵业集群入选国家级中小企业特色产业集群",
        published="2024-12-06 14:02",
        origin="台州日报",
        authors=["林丽红"],
        contributors=["叶萍"],
        editor="王璐",
        channel="产业资讯",
        family="portal_artibody",
        traits=["title_double_underscore_suffix", "artibody", "second_paragraph_byline_lead"],
        text="""
温岭泵业集群再添“国字号”招牌。
本报讯（记者 林丽红 通讯员 叶萍）近日，工业和信息化部公布2024年度中小企业特色产业集群名单，温岭市泵与电机产业集群成功入选。
温岭是“中国水泵之乡”，现有泵与电机企业3000余家，年产各类泵与电机3500万台，小型水泵国内市场占有率超过五成。
近年来，温岭推动泵业企业开展数字化改造，建设行业产业大脑，培育出一批专精特新企业，产品从传统农用泵向高效节能泵、智能泵转型。
“入选国家级特色产业集群，对我们来说既是荣誉，也是动力。”温岭一家泵业企业负责人说，企业今年投入3000多万元建设智能生产线，产品不良率下降了一半。
温岭市经信局相关负责人表示，将以此次入选为契机，推动泵业集群向高端化、智能化、绿色化发展，打造具有国际竞争力的泵业产业集群。
""",
    ),
]


def sn_page(a: Art) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8" />
<title>{a.title}__{a.channel}_产业资讯_新浪浙江</title>
<meta name="keywords" content="{a.title[:6]},浙江" />
<meta property="og:type" content="news" />
<meta property="og:title" content="{a.title}" />
<meta property="article:published_time" content="{a.d("meta")}" />
<meta property="article:author" content="新浪浙江" />
<meta name="weibo: article:create_at" content="{a.d("metaz")}" />
</head>
<body>
<div class="top-nav"><a href="https://{SN}/">新浪浙江</a> <a href="https://{SN}/news/">新闻</a> <a href="https://{SN}/finance/">财经</a> <a href="https://{SN}/house/">房产</a> <a href="https://{SN}/auto/">汽车</a></div>
<div class="main-content w1000">
<div class="channel-path"><a href="https://{SN}/">新浪浙江</a> &gt; <a href="https://{SN}/chanye/">{a.channel}</a></div>
<h1 class="main-title">{a.title}</h1>
<div class="top-bar-wrap"><div class="date-source"><span class="date">{a.d("cnpad")}</span> <a class="source" href="#" target="_blank">{a.origin}</a></div><div class="share">分享到 <a>微博</a> <a>微信</a></div></div>
<div class="article" id="artibody" data-sudaclick="blk_content">
{paragraphs_html(a, p="<p>　　{}</p>")}
</div>
<div class="keywords" id="keywords" data-wbkey="">文章关键词： <a href="#">义乌</a> <a href="#">外贸</a></div>
<p class="show_author">责任编辑：{a.editor}</p>
<div class="feed-card" id="feedCard"><h3>猜你喜欢</h3>{"".join(f'<div class="feed-card-item"><h2><a href="https://{SN}/2024-11-2{i}/detail-x{i}.shtml">{h}</a></h2></div>' for i, h in enumerate(pick_headlines(a.url, 10, a.title)))}</div>
</div>
<div class="footer">新浪浙江 版权所有 Copyright &copy; 1996-2024 SINA Corporation</div>
</body>
</html>
"""


# ---------------------------------------------------------------- DedeCMS, GBK declared
DD = "www.cxdemo-zx.com"

DD_ARTS = [
    Art(
        url=f"http://{DD}/a/bendi/2024/1205/1287.html",
        title="慈溪杨梅果农冬季施肥忙",
        published="2024-12-05 11:06:27",
        origin="慈溪资讯网",
        authors=["小溪"],
        channel="本地新闻",
        family="dedecms_gbk",
        traits=["gbk_meta", "dedecms", "div_and_br_mix"],
        text="""
近日，在慈溪市横河镇的杨梅山上，果农们正忙着给杨梅树施冬肥、清杂草。
“冬肥是杨梅的‘月子饭’，施足了明年才能结得好。”果农孙师傅说，他家的杨梅树都施用菜籽饼和羊粪等有机肥。
横河镇是慈溪杨梅主产区，种植面积约2.6万亩。镇农业服务中心组织技术人员上山指导，帮助果农科学施肥、合理修剪。
据了解，今年横河杨梅上市期间遇上了较长的梅雨期，但由于果农提前搭建了避雨棚，杨梅品质总体稳定，亩均收入保持在1万元以上。
“明年打算再搭10亩避雨棚，老天爷的脸色咱管不了，但可以想办法少受影响。”孙师傅说。
""",
    ),
    Art(
        url=f"http://{DD}/a/bendi/2024/1208/1301.html",
        title="慈溪新开通两条定制公交线路",
        published="2024-12-08 09:45:10",
        origin="慈溪日报",
        authors=["王萍"],
        channel="本地新闻",
        family="dedecms_gbk",
        traits=["gbk_meta", "dedecms", "end_byline"],
        text="""
为满足市民通勤需求，慈溪公交近日新开通两条定制公交线路，分别连接中心城区与杭州湾新区、宗汉工业区，早晚高峰各发一班。
定制公交实行“一人一座”，乘客可通过“慈溪公交”小程序提前预约座位，票价为每人每次5元。
公交公司相关负责人介绍，定制公交开通以来，日均客流约300人次，下一步将根据市民需求开通更多线路。
“以前上班要换乘两次，路上将近一个小时，现在坐定制公交四十分钟就到了，还有座位。”在杭州湾新区一家企业上班的张女士说。
据悉，慈溪公交还将在春节前后推出返乡定制公交服务，市民可通过小程序提交出行需求。
@（记者 王萍）
""",
    ),
    Art(
        url=f"http://{DD}/a/shehui/2024/1210/1322.html",
        title="暖心！外卖小哥雨夜救助摔倒老人",
        published="2024-12-10 20:31:55",
        origin="慈溪资讯网",
        authors=["小溪"],
        channel="社会",
        family="dedecms_gbk",
        traits=["gbk_meta", "dedecms", "comments_longer_than_article"],
        text="""
12月9日晚，一位老人在白沙路街道某路口摔倒，路过的外卖小哥李师傅立即停车上前搀扶，并拨打120急救电话，一直守护到救护车到来。
事后，老人的家属多方打听找到李师傅表示感谢。李师傅说：“换作谁都会这样做，举手之劳而已。”
""",
    ),
]


def dd_page(a: Art) -> str:
    paras = a.blocks
    body = (
        "<div>　　"
        + paras[0].text
        + "</div>\n"
        + "\n".join(
            (f"　　{b.text}<br />\n<br />" if i % 2 else f"<p>　　{b.text}</p>")
            for i, b in enumerate(paras[1:])
        )
    )
    n = 14 if "comments_longer_than_article" in a.traits else 3
    fb = "".join(
        f'<div class="fbitem"><b>{nick}</b> [{stamp}] 说：<p>{text}</p></div>'
        for nick, _, stamp, text, _ in comments(a.url, n, a.dt)
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{a.title}_慈溪资讯网</title>
<meta name="keywords" content="慈溪" />
<meta name="description" content="{a.body[0][:40]}" />
<link href="/templets/default/style/dedecms.css" rel="stylesheet" media="screen" type="text/css" />
</head>
<body class="articleview">
<div class="header"><div class="toplogo"><a href="/">慈溪资讯网</a></div></div>
<div class="module blue mT10 wrapper w963"><div id="navMenu"><ul><li><a href="/">主页</a></li><li><a href="/a/bendi/">本地新闻</a></li><li><a href="/a/shehui/">社会</a></li><li><a href="/a/shenghuo/">生活</a></li><li><a href="/plus/guestbook.php">留言</a></li></ul></div></div>
<div class="channel-nav"></div>
<div class="w960 center clear mt1">
<div class="pleft">
<div class="place"><strong>当前位置:</strong> <a href="/">主页</a> &gt; <a href="/a/bendi/">{a.channel}</a> &gt; </div>
<div class="viewbox">
<div class="title"><h2>{a.title}</h2></div>
<div class="info"><small>时间:</small>{a.d("isos")}<small>来源:</small>{a.origin} <small>作者:</small>{a.authors[0] if not any(b.kind == "by" for b in a.blocks) else "未知"} <small>点击:</small><script src="/plus/count.php?view=yes&aid=1287&mid=1" type="text/javascript" language="javascript"></script>次</div>
<div class="content"><table width="100%"><tr><td>
{body}
</td></tr></table></div>
<div class="boxoff"><strong>------分隔线----------------------------</strong></div>
<div class="handle"><div class="context"><ul><li>上一篇：<a href="/a/bendi/2024/1204/1280.html">观海卫镇举办农民运动会</a></li><li>下一篇：没有了</li></ul></div></div>
</div>
<div class="feedback"><h3>发表评论</h3>{fb}</div>
</div>
<div class="pright"><div class="commend"><dl><dt><strong>推荐内容</strong></dt><dd><ul>{"".join(f'<li><a href="/a/bendi/2024/11{20 + i}/12{i:02d}.html">{h}</a></li>' for i, h in enumerate(pick_headlines(a.url, 8)))}</ul></dd></dl></div></div>
</div>
<div class="footer w960 center mt1 clear"><div class="footer_body"><p class="powered">Powered by <strong>DedeCMS</strong> &copy; 2004-2024 慈溪资讯网 版权所有</p><p>{icp(DD)}</p></div></div>
</body>
</html>
"""


# ---------------------------------------------------------------- PHPCMS with query URLs
PC = "www.ywdemo-info.com.cn"

PC_ARTS = [
    Art(
        url=f"http://{PC}/index.php?m=content&c=index&a=show&catid=12&id=3451",
        title="余姚四明山区迎来首场雾凇",
        published="2024-12-11 08:20",
        origin="余姚新闻网",
        authors=["邹旭"],
        channel="余姚新闻",
        family="phpcms_query_url",
        traits=["query_url", "no_url_date", "caption_paragraph", "fullwidth_colon"],
        text="""
12月10日清晨，余姚四明山区出现今冬首场雾凇，山间树木披上银装，宛如童话世界。
!/uploadfile/2024/1211/20241211082011342.jpg
^四明山上的雾凇景观。
据气象部门介绍，雾凇是低温时空气中水汽直接凝华或过冷雾滴直接冻结在物体上形成的冰晶，需要气温低于零度、湿度大、风力小等条件。
当天，不少摄影爱好者早早上山，记录下这难得的美景。景区提醒，雾凇天气山路湿滑，游客上山请注意安全。
“为了拍雾凇，我凌晨四点就出发了，看到这么美的景色，觉得值了。”来自宁波市区的摄影爱好者陈先生说。
据了解，四明山区海拔较高，冬季气温比余姚城区低5℃左右，每年冬季都会出现多次雾凇、冰挂景观，吸引不少游客前来观赏。
""",
    ),
    Art(
        url=f"http://{PC}/index.php?m=content&c=index&a=show&catid=12&id=3488",
        title="余姚阳明古镇项目主体建筑结顶",
        published="2024-12-13 16:45",
        origin="余姚日报",
        authors=["陈艳"],
        contributors=["谢军"],
        channel="余姚新闻",
        family="phpcms_query_url",
        traits=["query_url", "no_url_date", "end_byline"],
        text="""
近日，余姚阳明古镇项目主体建筑全部结顶，项目进入内部装修和景观施工阶段，预计明年下半年开街迎客。
阳明古镇项目以王阳明故居为核心，规划建设阳明文化展示区、传统街巷、非遗工坊和特色民宿等功能区块，总建筑面积约12万平方米。
项目建成后，将与龙泉山、舜江楼等景点串联，打造余姚城市文化旅游新地标。
记者在施工现场看到，一栋栋仿古建筑已初具规模，青砖黛瓦、马头墙错落有致。工人们正在进行屋面瓦片铺设和木构件安装。
“古镇建设既要有历史的味道，又要满足现代人的生活需求。”项目负责人介绍，古镇内将配套建设地下停车场、游客服务中心等设施。
@（记者 陈艳 通讯员 谢军）
""",
    ),
]


def pc_page(a: Art) -> str:
    has_by = any(b.kind == "by" for b in a.blocks)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{a.title} - {a.channel} - 余姚信息港</title>
<meta name="keywords" content="余姚">
</head>
<body>
<div class="header"><a href="/">余姚信息港</a></div>
<div class="nav"><a href="/">首页</a><a href="/index.php?m=content&c=index&a=lists&catid=12">余姚新闻</a><a href="/index.php?m=content&c=index&a=lists&catid=13">社会</a><a href="/index.php?m=content&c=index&a=lists&catid=14">生活</a></div>
<div class="crumbs"><a href="/">首页</a><span> &gt; </span><a href="/index.php?m=content&c=index&a=lists&catid=12">{a.channel}</a> &gt; 正文</div>
<div id="Article">
<h1>{a.title}<br /><span>发布时间：{a.d("iso")}　来源：{a.origin}　{"" if has_by else "作者：" + a.authors[0]}　评论：<a href="#comment_iframe" id="comment">0</a></span></h1>
<div class="content">
{paragraphs_html(a, p="<p>　　{}</p>", img='<p align="center"><img alt="" src="{}" style="width: 600px;" /></p>', cap='<p align="center">{}</p>')}
</div>
<div id="pages" class="text-c"></div>
<p class="f14"><strong>上一篇：</strong><a href="/index.php?m=content&c=index&a=show&catid=12&id=3450">余姚举办职业技能大赛</a><br /><strong>下一篇：</strong><a href="/index.php?m=content&c=index&a=show&catid=12&id=3452">梁弄镇开展冬季消防演练</a></p>
</div>
<div class="bk15"></div>
<div class="box"><h5>相关热词</h5>{"".join(f'<a href="/index.php?m=content&c=tag&tag={i}">{h[:4]}</a> ' for i, h in enumerate(pick_headlines(a.url, 8)))}</div>
<div class="footer"><p>余姚信息港 版权所有 {icp(PC)}</p></div>
</body>
</html>
"""


# ---------------------------------------------------------------- 人民网-like provincial channel
RM = "zj.rmdemo-net.cn"

RM_ARTS = [
    Art(
        url=f"http://{RM}/n2/2024/1203/c186327-41021456.html",
        title="浙江省推进“数据要素×”三年行动",
        published="2024-12-03 09:05",
        origin="人民网－浙江频道",
        authors=["王蕊"],
        editor="徐前、章勇涛",
        channel="浙江频道",
        family="rmw_layout",
        traits=["date_time_no_space", "editor_list_in_parens", "url_date_compact"],
        text="""
人民网杭州12月3日电 （记者王蕊）记者从浙江省数据局获悉，浙江近日印发《浙江省“数据要素×”三年行动实施方案》，提出到2026年底，数据要素应用广度和深度大幅拓展，打造300个以上示范性强、显示度高的数据要素应用典型场景。
方案聚焦工业制造、现代农业、商贸流通、交通运输、金融服务、医疗健康等12个行业和领域，推动数据要素与各行业深度融合。
在工业制造领域，浙江将推动研发、生产、经营、运维等全链条数据贯通，支持建设行业数据空间；在医疗健康领域，将有序推进医疗健康数据开放共享，提升诊疗服务效率。
浙江省数据局相关负责人表示，将建立“数据要素×”典型案例库，定期发布优秀案例，以点带面推动数据要素价值释放。
""",
    ),
    Art(
        url=f"http://{RM}/n2/2024/1205/c186327-41023890.html",
        title="千岛湖冬季“巡湖”护水忙",
        published="2024-12-05 16:48",
        origin="人民网－浙江频道",
        authors=["方堃"],
        editor="牟宗琮、章勇涛",
        channel="浙江频道",
        family="rmw_layout",
        traits=["date_time_no_space", "editor_list_in_parens", "caption_paragraph"],
        text="""
人民网杭州12月5日电 （方堃）冬日的千岛湖碧波荡漾。清晨，淳安县护水队员驾驶巡逻艇驶向湖心，开始一天的巡湖工作。
!/NMediaFile/2024/1205/LOCAL202412051648000312345.jpg
^护水队员在湖面打捞漂浮物。
巡湖、打捞漂浮物、检查排污口……这些工作护水队员们已经坚持了多年。目前，淳安共有专职护水队员300余名，配备巡逻船艇80余艘，实现千岛湖水域巡查全覆盖。
近年来，淳安持续推进千岛湖综合保护工程，出境断面水质常年保持Ⅰ类。
“千岛湖的水是大家的，我们要把它守护好。”有着十多年巡湖经历的护水队员老徐说，最多的时候，他们一天要从湖里打捞上百公斤的漂浮物。
淳安县相关负责人表示，将进一步完善千岛湖水环境监测体系，推动数字化监管全覆盖，让千岛湖“一湖秀水”永葆清澈。
""",
    ),
    Art(
        url=f"http://{RM}/n2/2024/1210/c186327-41027733.html",
        title="从“一只鞋”到“一条链”：温州鞋业的转型之路",
        published="2024-12-10 08:12",
        origin="人民网－浙江频道",
        authors=["郑梦雨", "王蕊"],
        editor="徐前、章勇涛",
        channel="浙江频道",
        family="rmw_layout",
        traits=[
            "date_time_no_space",
            "editor_list_in_parens",
            "long_feature",
            "subheadings",
            "lead_dateline",
        ],
        text="""
人民网温州12月10日电 （记者郑梦雨、王蕊）走进温州鹿城区的一家鞋企，记者看到，数字化生产线上，机械臂正在精准地完成鞋面涂胶、鞋底贴合等工序，一双运动鞋从裁断到成品下线只需要不到两个小时。
“过去做一双鞋要经过上百道工序，大部分靠手工，现在关键工序基本实现了自动化。”企业负责人说，通过数字化改造，企业的生产效率提升了40%，产品不良率下降了一半以上。
温州是“中国鞋都”，鞋业是当地的传统支柱产业。目前，温州共有鞋类生产企业4000余家，年产鞋10亿多双，鞋业产值超过千亿元。
#从“制造”到“智造”
曾几何时，温州鞋业以“价廉量大”闻名，但也面临着品牌影响力不足、产品附加值低等问题。近年来，随着劳动力成本上升和市场需求变化，温州鞋企开始加快转型升级步伐。
在温州鞋业产业大脑的数据大屏上，全市规上鞋企的订单、产能、库存等数据一目了然。“企业可以通过平台共享设计资源、对接上下游订单，中小企业也能用上数字化工具。”产业大脑运营方负责人介绍，目前已有1200多家鞋企接入平台。
一家中小鞋企的负责人告诉记者，过去企业接单全靠“跑市场”，现在通过平台可以直接对接品牌商和电商平台的订单，“去年我们通过平台接到的订单占了三成”。
#从“贴牌”到“创牌”
在转型过程中，越来越多的温州鞋企开始重视品牌建设。
一家专注于户外鞋的企业，五年前还在为国外品牌做代工，如今已拥有自主品牌，产品进入了全国200多个城市的商场和户外专卖店。“做代工利润太薄，只有做自己的品牌，才能掌握定价权。”企业负责人说，企业每年将销售额的5%投入研发，拥有专利100多项。
温州市经信局相关负责人介绍，近年来温州出台了一系列政策支持鞋企品牌建设，对获得国内外知名品牌认定的企业给予奖励，并组织企业参加国内外知名展会。目前，温州鞋业已拥有中国驰名商标20余件。
#从“单打独斗”到“抱团发展”
在温州鞋业的转型升级中，产业链协同发挥了重要作用。
在鹿城区的鞋材市场，皮革、鞋底、鞋扣、鞋带等配套产品应有尽有。一名鞋材经营户说，温州鞋业的优势在于产业链完整，“设计稿今天出来，明天就能找到所有材料，后天就能出样品”。
为进一步强化产业链优势，温州正在建设鞋业时尚智造产业园，集聚鞋类设计、研发、检测、展示等功能。园区建成后，将为中小鞋企提供共享设计中心、共享检测实验室等公共服务。
温州市相关负责人表示，下一步将继续推动鞋业向数字化、品牌化、时尚化方向发展，力争到2027年，全市鞋业产值突破1500亿元，培育一批具有国际影响力的鞋类品牌，让“温州鞋”走向更广阔的世界。
""",
    ),
]


def rm_page(a: Art) -> str:
    t = a.dt
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="content-type" content="text/html;charset=UTF-8"/>
<meta http-equiv="Content-Language" content="utf-8" />
<title>{a.title}--浙江频道--人民网</title>
<meta name="keywords" content="" />
<meta name="description" content="{a.body[0][:60]}" />
<meta name="filetype" content="0" />
<meta name="publishedtype" content="1" />
<meta name="pagetype" content="1" />
<meta name="catalogs" content="186327" />
<meta name="contentid" content="{a.path.rsplit("-", 1)[1][:-5]}" />
<meta name="publishdate" content="{a.d("isoday")}" />
<meta name="author" content="" />
<meta name="source" content="来源：{a.origin}" />
</head>
<body>
<div class="rm_top"><a href="http://www.rmdemo-net.cn/">人民网首页</a> <a href="http://{RM}/">浙江频道</a> <a href="http://{RM}/GB/186938/">要闻</a> <a href="http://{RM}/GB/186941/">社会</a></div>
<div class="path"><a href="http://{RM}/" class="clink">{a.channel}</a>&gt;&gt;<a href="http://{RM}/GB/186327/" class="clink">浙江要闻</a></div>
<div class="rm_txt cf">
<div class="col col-1 fl">
<h1>{a.title}</h1>
<div class="col-1-1 fl">{t.year}年{t.month:02d}月{t.day:02d}日{t:%H:%M} | 来源：<a href="http://{RM}/" target="_blank">{a.origin}</a></div>
<div class="rm_txt_con cf">
{paragraphs_html(a, p="<p>　　{}</p>", img='<p style="text-align: center;"><img src="{}" /></p>', cap='<p style="text-align: center;">{}</p>')}
<p class="paper_num"></p>
<div class="edit cf">(责编：{a.editor})</div>
</div>
<div class="box_news"><h2>相关新闻</h2><ul>{"".join(f'<li><a href="/n2/2024/11{20 + i}/c186327-4101{i:04d}.html">{h}</a></li>' for i, h in enumerate(pick_headlines(a.url, 10, a.title)))}</ul></div>
</div></div>
<div id="copyright">人民网版权所有，未经书面授权禁止使用<br />Copyright &copy; 1997-2024 by www.rmdemo-net.cn. all rights reserved</div>
</body>
</html>
"""


# ---------------------------------------------------------------- app share page (H5), GBK no charset
H5 = "h5.xmtdemo-app.cn"

H5_ARTS = [
    Art(
        url=f"https://{H5}/share/article/7734102.html",
        title="“村BA”总决赛打响 全村老少齐上阵",
        published="2024-12-07 19:40",
        origin="天台融媒",
        authors=["许可"],
        editor="胡丹",
        channel=None,
        family="app_share_gbk",
        traits=["no_charset", "gbk", "app_share", "no_breadcrumb", "fullwidth_colon"],
        text="""
12月7日晚，天台县首届“村BA”篮球联赛总决赛在平桥镇灯光球场打响。看台上座无虚席，锣鼓声、加油声此起彼伏。
经过两个月的激烈角逐，来自全县的48支村队最终决出两支队伍会师决赛。队员们白天是种田的农民、开店的老板，晚上换上球衣就成了球场上的“明星”。
“我们村为了这场比赛，全村老少都来了，连八十多岁的老人也来加油。”一名观众说。
比赛现场还设置了农产品展销摊位，天台黄茶、麦饼等特色产品吸引了不少观众购买。
最终，东屏村队以68比61战胜对手，夺得首届“村BA”总冠军。赛后，队员们把队长高高抛起，现场一片欢腾。
天台县文广旅体局相关负责人表示，将把“村BA”打造成天台乡村体育品牌，明年计划扩大参赛规模，并融入更多乡村旅游元素。
""",
    ),
    Art(
        url=f"https://{H5}/share/article/7735218.html",
        title="天台山云锦杜鹃冬季养护启动",
        published="2024-12-09 10:15",
        origin="天台融媒",
        authors=["周泽"],
        editor="胡丹",
        channel=None,
        family="app_share_gbk",
        traits=["no_charset", "gbk", "app_share", "no_breadcrumb", "short_article"],
        text="""
近日，天台山华顶景区启动云锦杜鹃冬季养护工作。工作人员为百年以上的古杜鹃树桩包扎防冻草绳、清理枯枝，并对部分长势较弱的植株进行施肥复壮。华顶山现有野生云锦杜鹃群落约一万余株，其中树龄百年以上的有近千株。
""",
    ),
]


def h5_page(a: Art) -> str:
    cm = "".join(
        f"<li><span>{nick}</span><p>{text}</p><em>{stamp}</em></li>"
        for nick, _, stamp, text, _ in comments(a.url, 8, a.dt)
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width,initial-scale=1,user-scalable=no">
<title>{a.title}</title>
<style>.txt p{{font-size:17px;line-height:30px}}.dl-bar{{position:fixed;bottom:0}}</style>
</head>
<body>
<div class="dl-bar"><img src="/static/logo.png"><span>天台融媒 APP</span><a href="/download">立即打开</a></div>
<div class="wrap">
<div class="h">{a.title}</div>
<div class="m"><span>{a.origin}</span><span>记者：{" ".join(a.authors)}</span><span>时间：{a.d("iso")}</span></div>
<div class="txt">
{paragraphs_html(a)}
</div>
<div class="ed">编辑：{a.editor}</div>
<div class="cm"><h4>精彩评论</h4><ul>{cm}</ul></div>
<div class="rec"><h4>推荐阅读</h4>{"".join(f'<a href="/share/article/77340{i:02d}.html">{h}</a>' for i, h in enumerate(pick_headlines(a.url, 5, a.title)))}</div>
</div>
<script>var articleId = {a.path.rsplit("/", 1)[1][:-5]}; wx.config({{debug:false}});</script>
</body>
</html>
"""


# ---------------------------------------------------------------- county government, date only
JY = "www.jydemo.gov.cn"

JY_ART = Art(
    url=f"http://{JY}/art/2024/12/10/art_1229567_59021877.html",
    title="缙云县召开冬春农田水利建设动员会",
    published="2024-12-10",
    origin="县农业农村局",
    channel="部门动态",
    family="gov_date_only",
    traits=["zw_con", "date_only_gov", "no_author", "publisher_and_source"],
    text="""
12月10日，缙云县召开冬春农田水利建设动员会，部署今冬明春农田水利基本建设工作。
会议要求，各乡镇（街道）要抓住冬春有利时机，加快推进高标准农田建设、山塘水库除险加固、灌区节水改造等项目，确保明年汛期前完成主体工程。
今冬明春，全县计划实施农田水利项目56个，总投资2.3亿元，新建和改造高标准农田1.2万亩。
会议强调，要坚持质量第一，严格落实项目法人责任制、招标投标制和工程监理制，加强施工过程管理，确保工程质量和安全生产。
会议还对水利工程建设资金使用管理提出了要求，确保资金专款专用。
""",
)


def jy_page(a: Art) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="ArticleTitle" content="{a.title}">
<meta name="PubDate" content="{a.d("isoday")} 00:00">
<title>{a.title}</title>
</head>
<body>
<div class="zw-top"><a href="/">缙云县人民政府</a></div>
<div class="zw-nav"><a href="/">首页</a> <a href="/col/col1229566/">要闻动态</a> <a href="/col/col1229567/">部门动态</a> <a href="/col/col1229568/">乡镇动态</a></div>
<div class="zw-pos">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1229567/">{a.channel}</a></div>
<div class="zw-title">{a.title}</div>
<div class="zw-info">发布日期：{a.d("isoday")}　信息来源：{a.origin}　发布机构：缙云县农业农村局</div>
<div class="zw-con">
{paragraphs_html(a, p='<p style="text-indent:2em">{}</p>')}
</div>
<div class="zw-foot">缙云县人民政府办公室主办　{icp(JY)}　{police(JY)}</div>
</body>
</html>
"""


def build() -> None:
    for group, render in (
        (SN_ARTS, sn_page),
        (PC_ARTS, pc_page),
        (RM_ARTS, rm_page),
        ([JY_ART], jy_page),
    ):
        for a in group:
            if "query_url" in a.traits:
                path = write_page(
                    HOLD, f"http://{PC}/content/{a.url.rsplit('=', 1)[1]}.html", render(a)
                )
                assert path.exists()
            else:
                write_page(HOLD, a.url, render(a))
            write_expected(
                HOLD, a, "utf-8", name=a.url.rsplit("=", 1)[1] if "query_url" in a.traits else None
            )
    write_routes(
        HOLD,
        PC,
        "\n".join(
            f'[[route]]\npath = "/index.php"\nquery = {{ a = "show", id = "{a.url.rsplit("=", 1)[1]}" }}\nfile = "content/{a.url.rsplit("=", 1)[1]}.html"\n'
            for a in PC_ARTS
        ),
    )
    for a in DD_ARTS:
        write_page(HOLD, a.url, dd_page(a), "gbk")
        write_expected(HOLD, a, "gbk")
    write_routes(
        HOLD,
        H5,
        "# GBK bytes; neither the header nor the page names a charset\n"
        '[defaults]\ncontent_type = "text/html"',
    )
    for a in H5_ARTS:
        write_page(HOLD, a.url, h5_page(a), "gbk")
        write_expected(HOLD, a, "gbk")
