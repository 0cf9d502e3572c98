# ruff: noqa: E501  (hand-written HTML templates: one tag per line, as the sites print them)
"""Text-borne fields: dates only in the visible text, date-only pages, bylines, 专题 one-liners."""

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
    write_routes,
)

# ---------------------------------------------------------------- 浦江新闻网: date only in the text
PJ = "www.pjdemo-news.cn"

PJ_ARTS = [
    Art(
        url=f"http://{PJ}/article/56231.html",
        title="浦江水晶产业转型升级见成效",
        published="2024-12-03 09:05",
        origin="浦江报",
        authors=["楼晓"],
        editor="张丽",
        channel="浦江新闻",
        family="date_in_text",
        traits=["no_meta_date", "no_url_date", "cn_date_unpadded", "topbar_today_trap"],
        extra={"date": "cn", "label": "发布时间："},
        text="""
曾经“小散乱”的水晶加工作坊，如今变身为智能化生产车间。记者日前走进浦江水晶产业园，看到一条条自动化生产线正在高效运转，切割、研磨、抛光等工序一气呵成。
浦江是“中国水晶玻璃之都”，水晶产业从业人员一度超过20万人。过去，不少加工户在自家院子里生产，污染重、效益低。近年来，浦江通过集中整治、入园集聚，推动水晶产业从“低小散”向“高精尖”转变。
“以前一个工人一天只能磨几百颗，现在一台设备一天能加工两万多颗，精度还更高。”园区内一家企业负责人介绍，企业投入2000多万元进行智能化改造，产品附加值提升了三成以上。
目前，浦江水晶产业园已入驻企业300余家，集聚了研发设计、电商直播、检测认证等配套服务。今年前10个月，全县水晶产业实现产值95亿元，同比增长12%。
转型升级也带来了新的发展空间。在产业园的电商直播基地，主播们正对着镜头介绍各式水晶饰品。“线上订单占了我们销售额的一半以上，很多年轻人喜欢个性化定制的水晶摆件。”一家企业的电商负责人说。
县经济商务局相关负责人表示，浦江将继续推动水晶产业向设计研发、品牌营销两端延伸，培育一批“专精特新”企业，力争三年内水晶产业产值突破150亿元。
""",
    ),
    Art(
        url=f"http://{PJ}/article/56302.html",
        title="浦江举办第二届“浦阳江”马拉松",
        published="2024-12-08 07:30:00",
        origin="浦江新闻网",
        authors=["何佳"],
        contributors=["陈迪"],
        editor="张丽",
        channel="体育",
        family="date_in_text",
        traits=["no_meta_date", "no_url_date", "iso_seconds_in_text", "comment_time_trap"],
        extra={"date": "isos", "label": "时间："},
        text="""
12月8日7时30分，随着发令枪响，2024浦江“浦阳江”马拉松鸣枪开跑，来自全国各地的8000名跑者沿着浦阳江畔奔跑，感受浦江的山水之美。
本次赛事设全程马拉松、半程马拉松和健康跑三个项目。赛道串联起浦阳江生态廊道、翠湖公园、仙华山脚等多处景点，被跑友称为“最美江畔赛道”。
“赛道很平，风景也好，补给站的葡萄和馒头很有特色。”来自杭州的跑者王先生说，这是他第二次来浦江参赛。
赛事期间，浦江还推出“跑者福利”，参赛选手凭号码布可免费游览仙华山、江南第一家等景区，并在指定酒店、餐馆享受优惠。
最终，男子全程马拉松冠军成绩为2小时21分36秒，女子全程冠军成绩为2小时43分12秒。
@（记者 何佳 通讯员 陈迪）
""",
    ),
    Art(
        url=f"http://{PJ}/article/56355.html",
        title="浦江县开展冬季农村道路安全隐患排查",
        published="2024-12-10 10:40",
        origin="浦江县交通运输局",
        authors=[],
        editor="张丽",
        channel="浦江新闻",
        family="date_in_text",
        traits=["no_meta_date", "no_url_date", "slash_date", "no_author"],
        extra={"date": "slash", "label": "发布时间:"},
        text="""
为确保冬季农村道路交通安全，近日，浦江县交通运输局联合公安交警、应急管理等部门，在全县范围内开展冬季农村道路安全隐患排查整治行动。
此次排查重点针对临水临崖路段、急弯陡坡、事故多发点段以及农村客运线路途经道路，检查护栏、警示标志和减速设施的设置情况。
截至目前，已排查农村公路520余公里，发现并整改安全隐患43处，新增警示标志120块、波形护栏1.8公里。
县交通运输局提醒，冬季雨雪天气较多，驾驶人途经山区道路时要减速慢行，注意防滑。
在杭坪镇一处临崖路段，检查人员发现原有护栏部分锈蚀松动，当即通知养护单位进行更换。县公路养护中心负责人介绍，对排查出的隐患，实行“一处一档”销号管理，能立即整改的立即整改，需要工程处置的列入明年农村公路提升计划。
此外，县交通运输局还组织农村客运企业开展冬季安全培训，对客运车辆的轮胎、制动、灯光等进行全面检查，确保群众出行安全。
""",
    ),
]


def pj_page(a: Art) -> str:
    stamp = a.d(a.extra["date"])
    hot = "".join(
        f'<li><span class="d">12-0{1 + i % 9} 1{i % 10}:{10 + i * 3}</span><a href="/article/56{100 + i * 7}.html">{h}</a></li>'
        for i, h in enumerate(pick_headlines(a.url, 10, a.title))
    )
    cm = (
        "".join(
            f"<dl><dt><b>{nick}</b>（{place}网友） 发表于 {s}</dt><dd>{text}</dd></dl>"
            for nick, place, s, text, _ in comments(a.url, 6, a.dt)
        )
        if "comment_time_trap" in a.traits
        else ""
    )
    by = (
        ""
        if any(b.kind == "by" for b in a.blocks)
        else (f"记者：{' '.join(a.authors)}" if a.authors else "")
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{a.title}_浦江新闻网</title>
<link rel="stylesheet" href="/skin/css/main.css">
</head>
<body>
<div class="topbar"><span>今天是2024年12月12日 星期四</span> <a href="/member/login.html">登录</a> <a href="/member/reg.html">注册</a></div>
<div class="head"><a href="/"><img src="/skin/images/logo.png" alt="浦江新闻网"></a><div class="weather">浦江 晴 2℃~11℃</div></div>
<div class="menu"><a href="/">首页</a><a href="/list/1.html">浦江新闻</a><a href="/list/2.html">乡镇</a><a href="/list/3.html">体育</a><a href="/list/4.html">教育</a><a href="/list/5.html">视听</a><a href="/list/6.html">便民</a></div>
<div class="wrap">
<div class="crumb">您当前的位置 ：<a href="/">浦江新闻网</a> &gt; <a href="/list/1.html">{a.channel}</a> &gt; 正文</div>
<div class="l">
<div class="show">
<h1>{a.title}</h1>
<div class="property"><span>{a.extra["label"]}{stamp}</span><span>来源：{a.origin}</span><span>{by}</span><span>浏览量：<em id="hits">—</em></span></div>
<div class="showcontent">
{paragraphs_html(a, p="<p>　　{}</p>")}
</div>
<div class="editor">【编辑：{a.editor}】</div>
<div class="prenext"><p>上一篇：<a href="/article/56230.html">县人大常委会召开主任会议</a></p><p>下一篇：<a href="/article/56233.html">岩头镇举办农民趣味运动会</a></p></div>
</div>
{f'<div class="comment"><h3>网友评论</h3>{cm}</div>' if cm else ""}
</div>
<div class="r"><div class="box"><h3>最新资讯</h3><ul>{hot}</ul></div>
<div class="box"><h3>活动</h3><p>2024浦江年货节 活动时间：2025年1月10日至2027年1月20日</p></div></div>
</div>
<div class="foot"><p>浦江新闻网 Copyright &copy; 2005-2024 版权所有</p><p>{icp(PJ)} {police(PJ)}</p><p><a href="/about/contact.html">联系我们</a></p></div>
<script>$.get("/plus/count.php?aid={a.path.rsplit("/", 1)[1][:-5]}",function(d){{$("#hits").text(d)}});</script>
</body>
</html>
"""


# ---------------------------------------------------------------- 东阳新闻: full-width colon, padded
DY = "news.dydemo.net"

DY_ARTS = [
    Art(
        url=f"http://{DY}/dyxw/show-18836.html",
        title="东阳木雕红木家具市场年末迎来销售旺季",
        published="2024-12-04 14:20",
        origin="东阳日报",
        authors=["韦凌"],
        editor="吴秀",
        channel="东阳新闻",
        family="date_in_text",
        traits=["no_meta_date", "fullwidth_colon", "cn_date_padded", "sidebar_dates_trap"],
        text="""
临近年末，东阳中国木雕城里人气渐旺。记者在木雕城看到，不少商户正忙着接待客户、打包发货，红木家具和木雕工艺品的销量明显回升。
“这个月订单比上个月多了三成，很多客户是为新房装修或者春节送礼来挑选的。”一家经营红木家具的商户说，今年店里推出的新中式小件家具特别受年轻消费者欢迎。
东阳是“中国木雕之乡”和“中国红木家具之都”，全市木雕红木家具企业超过1400家，从业人员10万余人。近年来，东阳推动木雕与文创、直播电商等融合发展，木雕城内已有直播间200多个。
东阳市商务局相关负责人表示，将借助年货节、家博会等活动，进一步激发市场活力，推动木雕红木产业提质增效。
在木雕城二楼的一家木雕工作室，国家级工艺美术大师的弟子小陆正在直播雕刻一件花鸟摆件。直播间里，不少观众一边看一边下单。“直播让更多人看到了木雕的制作过程，也让我们的作品卖到了全国各地。”
记者了解到，为吸引年轻消费者，不少企业开始推出价格亲民的木雕文创小件，如木雕书签、手机支架、香插等，一经推出就受到欢迎。
""",
    ),
    Art(
        url=f"http://{DY}/dyxw/show-18902.html",
        title="横店：一座影视小镇的“新剧本”",
        published="2024-12-12 07:45",
        origin="东阳日报",
        authors=["韦凌", "金俊"],
        contributors=["徐晓冬"],
        editor="吴秀",
        channel="东阳新闻",
        family="date_in_text",
        traits=[
            "no_meta_date",
            "fullwidth_colon",
            "cn_date_padded",
            "long_feature",
            "subheadings",
            "end_byline",
        ],
        text="""
清晨五点，横店的天还没亮，明清宫苑景区门口已经聚集了上百名群众演员。他们穿着统一发放的戏服，手里攥着当天的通告单，等待剧组的大巴车把他们拉到片场。
“今天演宫女，戏份不多，但要站一整天。”23岁的小周来自贵州，在横店做群演已经两年多了。她说，旺季的时候一个月能接二十多天的戏，收入比在老家打工高不少。
像小周这样的“横漂”，在横店有近十万人。他们中有人怀揣明星梦，有人只是把群演当作一份工作，也有人在这里从群演做起，慢慢成了副导演、武术指导、化妆师。
二十多年前，横店还是一个普通的江南小镇。1996年，为拍摄电影《鸦片战争》，横店建起了第一个影视拍摄基地。此后，秦王宫、清明上河图、明清宫苑等拍摄景区陆续建成，横店逐渐成为全球规模最大的影视拍摄基地之一，被称为“中国好莱坞”。
#从“拍古装”到“拍什么都行”
很长一段时间里，横店给人的印象是“古装剧工厂”。宫廷剧、武侠剧、抗战剧……国内相当一部分古装影视作品都在这里拍摄完成。
但近几年，随着观众口味的变化和影视行业的调整，横店也在寻找新的“剧本”。
在横店影视产业园区，一座座现代化的摄影棚拔地而起。记者走进其中一座，看到棚内搭建的是一套现代都市场景：写字楼大堂、咖啡馆、地铁车厢，几乎可以以假乱真。“现在都市剧、悬疑剧也越来越多地来横店拍了，我们的摄影棚可以根据剧组需要快速搭建各种场景。”园区工作人员介绍，目前横店拥有各类摄影棚130余座，其中包括多座国内领先的高科技摄影棚。
在一座虚拟拍摄棚里，巨大的LED屏幕上显示着沙漠、雪山、星空等画面，演员站在屏幕前表演，摄像机拍下的画面就像真的在外景地拍摄一样。“以前拍一场雪山戏，剧组要拉着几百人跑到外地去，现在在棚里几天就能拍完，成本能省下一大半。”一位制片人说。
#短剧带来的“新流量”
今年以来，横店最热闹的，要数微短剧。
走在横店的街头，经常能看到举着手机或小型摄像机的短剧剧组。一部短剧通常有几十到上百集，每集一两分钟，拍摄周期只有一周左右。据统计，今年前11个月，横店共接待微短剧剧组超过1200个，占全国微短剧拍摄量的三分之一以上。
“短剧节奏快、周期短，对场景和演员的需求量特别大。”横店影视城相关负责人说，为适应短剧拍摄需求，横店专门推出了短剧拍摄服务中心，提供场景租赁、演员招募、设备租赁、后期制作等“一站式”服务，剧组从报备到开机最快只需要一天。
短剧的火爆也给“横漂”们带来了更多机会。不少群演开始转型做短剧演员，有的人因为一部短剧“爆了”，在网上收获了几十万粉丝。28岁的“横漂”阿杰就是其中之一，他在一部短剧中饰演男二号，这部剧在平台上的播放量超过了5亿次。“以前在大剧里演的都是没台词的小角色，现在能演主要角色了，感觉离梦想又近了一步。”
#小镇的“影视+”
影视产业的发展，也深刻改变了横店这座小镇。
如今的横店，酒店、餐饮、服装道具、设备租赁等配套产业一应俱全，全镇有宾馆酒店300多家，仅服装道具租赁企业就有100多家。镇上的很多居民，或开民宿，或做道具，或在剧组里当司机、场工，吃上了“影视饭”。
“我家原来是种地的，现在开了一家民宿，主要接待剧组和游客，一年收入二三十万元。”横店镇的村民许大姐说。
影视旅游也成为横店的一张金名片。游客在景区里不仅能看到剧组拍戏，还能体验穿古装、拍定妆照、参与演出等项目。今年以来，横店影视城接待游客超过2000万人次。
#新挑战与新机遇
行业的变化也给横店带来了挑战。有业内人士指出，随着各地纷纷建设影视基地，横店面临的竞争越来越激烈；短剧市场虽然火爆，但也存在内容同质化、质量参差不齐等问题。
对此，横店正着力推动影视产业向高质量发展转型。一方面，加大对数字影视技术的投入，建设影视数字化制作中心，吸引后期制作、特效、动画等高附加值环节落户；另一方面，加强对短剧内容的引导和规范，扶持精品短剧创作，推动短剧行业健康发展。
东阳市相关负责人表示，将继续完善影视产业政策，优化影视服务环境，推动影视与文旅、科技、消费深度融合，让横店这座影视小镇写好新时代的“新剧本”。
傍晚，明清宫苑景区外，收工的群演们三三两两地走出来。小周卸了妆，换上自己的衣服，骑着电动车回出租屋。她说，明天还有一场戏，“也许哪天，我也能演一个有名字的角色”。
@（记者 韦凌 金俊 通讯员 徐晓冬）
""",
    ),
]


def dy_page(a: Art) -> str:
    side = "".join(
        f'<li><a href="/dyxw/show-188{10 + i}.html">{h}</a><i>2024年11月{20 + i}日</i></li>'
        for i, h in enumerate(pick_headlines(a.url, 8, a.title))
    )
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{a.title}__木雕红木_产业资讯_东阳新闻网</title>
<meta name="keywords" content="东阳,木雕,红木">
</head>
<body>
<div id="hd"><div class="logo"><a href="/">东阳新闻网</a></div><ul class="nav"><li><a href="/">首页</a></li><li><a href="/dyxw/">东阳新闻</a></li><li><a href="/xzjd/">镇街</a></li><li><a href="/wh/">文化</a></li><li><a href="/ms/">民生</a></li></ul></div>
<div id="bd">
<div class="pos"><a href="/">首页</a> » <a href="/dyxw/">{a.channel}</a> » 正文</div>
<div class="main">
<div class="tit"><h3>{a.title}</h3></div>
<div class="inf">时间：{a.d("cnpad")}　来源：{a.origin}{"" if any(b.kind == "by" for b in a.blocks) else "　作者：" + " ".join(a.authors)}</div>
<div class="txt">
{paragraphs_html(a, p='<p style="text-indent:2em">{}</p>', h='<p style="text-indent:2em"><b>{}</b></p>')}
</div>
<div class="bj">责任编辑：{a.editor}</div>
</div>
<div class="side"><h4>图片新闻</h4><ul>{side}</ul></div>
</div>
<div id="ft">东阳新闻网 版权所有 {icp(DY)} 联系我们 广告服务</div>
</body></html>
"""


# ---------------------------------------------------------------- 安吉新闻网: date-only pages
AJ = "www.ajdemo-news.cn"

AJ_ARTS = [
    Art(
        url=f"http://{AJ}/ajxw/content_271509.html",
        title="安吉白茶园冬管忙",
        published="2024-12-03",
        origin="安吉新闻",
        authors=["赵芸"],
        editor="姚琳",
        channel="安吉新闻",
        family="date_only",
        traits=["date_only_text", "date_only_meta", "no_url_date"],
        text="""
入冬以来，安吉县溪龙乡的白茶园里一派忙碌景象。茶农们正抓紧时机修剪茶树、施有机肥、铺草保温，为明年春茶生产做好准备。
“冬管做得好，明年的春茶才能早发芽、品质好。”溪龙乡茶农徐建平说，他家种了80亩白茶，今年冬季施用的全部是菜籽饼等有机肥。
安吉白茶种植面积达20万亩，年产值超过30亿元。为提升茶园管护水平，县农业农村局组织农技人员深入茶园开展冬管技术指导，推广病虫害绿色防控和生态茶园建设技术。
“以前冬天就是剪剪枝，现在讲究多了。”徐建平说，农技人员教他们用“测土配方”施肥，根据茶园土壤情况确定施肥种类和用量，既节约成本，又能提高茶叶品质。
据了解，今年安吉白茶春茶产量约2000吨，平均价格稳中有升。为帮助茶农拓展销路，安吉还通过“白茶云上展销”等活动，推动白茶线上销售，今年线上销售额同比增长超过两成。
""",
    ),
    Art(
        url=f"http://{AJ}/ajxw/content_271644.html",
        title="余村“两山”绿色发展论坛举行",
        published="2024-12-06",
        origin="安吉新闻",
        authors=["邵晨"],
        contributors=["朱颖"],
        editor="姚琳",
        channel="安吉新闻",
        family="date_only",
        traits=["date_only_text", "cn_day_only", "end_byline"],
        extra={"cn": True},
        text="""
12月5日，余村“两山”绿色发展论坛在天荒坪镇举行。来自高校、研究机构和企业的百余名专家学者齐聚一堂，围绕生态产品价值实现、乡村绿色转型等话题展开交流。
论坛上，与会嘉宾分享了生态保护与经济发展协同推进的实践经验。余村近年来发展乡村旅游和研学产业，吸引年轻人返乡创业，村集体经济收入突破2000万元。
论坛还发布了《乡村绿色发展安吉指数》，从生态环境、绿色产业、共同富裕等维度，对县域乡村绿色发展水平进行评价。
“余村的变化，是绿水青山转化为金山银山的生动写照。”一位与会专家说。他认为，乡村绿色发展的关键在于找准生态资源与市场需求的结合点，让生态优势真正转化为发展优势。
论坛期间，与会嘉宾还实地考察了余村的矿坑遗址公园、数字游民公社和乡村研学基地。
@（记者 邵晨 通讯员 朱颖）
""",
    ),
]


def aj_page(a: Art) -> str:
    day = a.d("cnday") if a.extra.get("cn") else a.d("isoday")
    meta = (
        f'<meta name="publishdate" content="{a.d("isoday")}">'
        if "date_only_meta" in a.traits
        else ""
    )
    by = "" if any(b.kind == "by" for b in a.blocks) else f"作者：{' '.join(a.authors)}"
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{a.title} - 安吉新闻网</title>
{meta}
<style>.content p{{text-indent:2em;margin:10px 0}}</style>
</head>
<body>
<div class="header"><a href="/">安吉新闻网</a><nav><a href="/">首页</a> <a href="/ajxw/">安吉新闻</a> <a href="/xz/">乡镇</a> <a href="/ly/">旅游</a> <a href="/bm/">便民</a></nav></div>
<div class="path"><a href="/">首页</a> &gt; <a href="/ajxw/">{a.channel}</a></div>
<div class="article">
<h1>{a.title}</h1>
<p class="info">{day}　来源：{a.origin}　{by}</p>
<div class="content">
{paragraphs_html(a)}
</div>
<p class="editor">编辑：{a.editor}</p>
</div>
<div class="hot"><h3>热门文章</h3><ol>{"".join(f'<li><a href="/ajxw/content_2714{i:02d}.html">{h}</a></li>' for i, h in enumerate(pick_headlines(a.url, 10, a.title)))}</ol></div>
<div class="footer">安吉新闻网 版权所有 | {icp(AJ)} | <a href="/contact.html">联系我们</a></div>
</body>
</html>
"""


# ---------------------------------------------------------------- 丽水网: the date only in the URL
LS = "www.lsdemo-net.cn"

LS_ART = Art(
    url=f"http://{LS}/xw/2024-12/09/content_5521873.htm",
    title="丽水山耕农产品年货展销会开幕",
    published="2024-12-09",
    origin="丽水日报",
    authors=[],
    channel="丽水新闻",
    family="date_only",
    traits=["url_date_only", "no_visible_date", "no_author"],
    text="""
为期五天的丽水山耕农产品年货展销会今天在市会展中心开幕，展销会汇集了全市9个县（市、区）的300余家企业和合作社，展销香菇、茶叶、高山蔬菜、土蜂蜜等2000多种特色农产品。
展销会现场还设置了直播带货区，多名网络主播和乡村振兴“农创客”为家乡农产品代言。市农业农村局相关负责人介绍，展销会期间还将举办产销对接会，预计达成采购意向超过1亿元。
开幕当天，展销会现场人头攒动。在景宁展区，惠明茶的摊位前围满了市民，工作人员现场冲泡，请大家免费品尝；在庆元展区，香菇、灰树花等食用菌产品很受欢迎，不少市民一买就是好几袋。
“家里过年要用的土货，今天基本都买齐了。”市民李阿姨提着满满两袋年货说。
""",
)


def ls_page(a: Art) -> str:
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{a.title}_丽水网</title>
</head>
<body>
<div class="top"><a href="/">丽水网</a> | <a href="/xw/">新闻</a> | <a href="/sp/">视频</a> | <a href="/fw/">服务</a></div>
<div class="dqwz">当前位置：<a href="/">首页</a> → <a href="/xw/">{a.channel}</a></div>
<div class="wz">
<div class="bt">{a.title}</div>
<div class="ly">来源：{a.origin}</div>
<div class="nr">
{paragraphs_html(a, p="<p>{}</p>")}
</div>
<div class="fx"><a href="#">分享到微信</a> <a href="#">分享到微博</a></div>
</div>
<div class="xgxw"><b>相关新闻</b>{"".join(f'<p><a href="/xw/2024-12/0{1 + i}/content_55{i}0000.htm">{h}</a></p>' for i, h in enumerate(pick_headlines(a.url, 6)))}</div>
<div class="bq">丽水网版权所有 {icp(LS)}</div>
</body>
</html>
"""


# ---------------------------------------------------------------- 钱江都市报: bylines everywhere
QJ = "www.qjdemo-wb.cn"

QJ_ARTS = [
    Art(
        url=f"https://{QJ}/dushi/2024/1203/2187765.shtml",
        title="凌晨两点的急诊室：一位年轻医生的夜班",
        published="2024-12-03 06:50",
        origin="钱江都市报",
        authors=["董怡"],
        contributors=["胡立"],
        editor="陆晓",
        channel="都市",
        family="byline",
        traits=["second_paragraph_byline_lead", "photographer_credit", "editor_at_end"],
        text="""
凌晨两点，城西一家三甲医院的急诊室依然灯火通明。28岁的急诊科医生林浩已经连续工作了七个小时，刚处理完一名醉酒摔伤的患者，又接到了120送来的胸痛病人。
本报讯（记者 董怡 通讯员 胡立）“急诊科的夜班，永远不知道下一个进来的是什么病人。”林浩一边快步走向抢救室一边说。
!https://img.qjdemo-wb.cn/2024/1203/21877651.jpg
^林浩在抢救室为患者做检查。记者 董怡 摄
这名患者是一位五十多岁的男性，突发胸痛半小时。林浩迅速安排心电图检查，结果提示急性心肌梗死。他立即启动胸痛中心绿色通道，联系心内科医生。从患者进门到导管室开通血管，只用了58分钟。
“时间就是心肌，时间就是生命。”林浩说，胸痛中心建立后，医院的平均救治时间缩短了近一半。
凌晨四点，急诊室终于安静了一些。林浩靠在椅子上吃了几口早已凉掉的外卖。他说，最累的时候一晚上接诊过六十多个病人，但看到病人转危为安，觉得一切都值得。
据医院统计，今年以来，该院急诊科日均接诊量超过400人次，其中夜间接诊占三分之一。
""",
    ),
    Art(
        url=f"https://{QJ}/dushi/2024/1205/2188102.shtml",
        title="小区楼道堆物引发争议 社区“三方协商”化解矛盾",
        published="2024-12-05 07:10",
        origin="钱江都市报",
        authors=["王五一"],
        editor="陆晓",
        channel="都市",
        family="byline",
        traits=["end_byline_benbao", "editor_at_end"],
        text="""
楼道里堆满了纸箱、旧家具和电动自行车，不仅影响通行，还存在消防隐患。最近，拱墅区某老小区的居民因为楼道堆物问题吵得不可开交。
“我们家住六楼，每次上下楼都要侧着身子走，晚上还差点被绊倒。”居民赵阿姨说。而堆放杂物的住户则认为，家里地方小，东西放楼道里“不碍事”。
社区了解情况后，组织居民代表、物业和消防部门召开“三方协商会”。会上，消防员现场讲解楼道堆物的危害，物业提出在小区空地设置临时储物点，社区则组织志愿者帮助老人清理杂物。
经过协商，居民们达成一致：一周内自行清理楼道杂物，电动自行车统一到集中充电点停放充电。目前，该小区12个楼道已全部清理完毕。
“以前说了很多次都没用，这次坐下来当面谈，大家都愿意让一步。”赵阿姨说，现在楼道干净了，走起来也安心了。
社区书记介绍，今年以来，社区通过“三方协商”机制已化解各类邻里矛盾40余件，“很多问题其实并不复杂，关键是要让大家坐到一张桌子上来。”
@（本报记者 王五一）
""",
    ),
    Art(
        url=f"https://{QJ}/dushi/2024/1209/2188630.shtml",
        title="杭州首批“无废菜场”名单出炉",
        published="2024-12-09 07:35",
        origin="钱江都市报",
        authors=["沈慧", "李明洁"],
        contributors=["金锐"],
        editor="周婷",
        channel="都市",
        family="byline",
        traits=["end_byline_multi", "editor_paragraph_in_text", "photographer_credit"],
        text="""
近日，杭州市公布首批20家“无废菜场”名单，这些菜场通过垃圾分类、净菜上市、包装减量等举措，实现了菜场垃圾的减量化和资源化利用。
!https://img.qjdemo-wb.cn/2024/1209/21886301.jpg
^菜场里的易腐垃圾处理设备。通讯员 金锐 摄
在入选的一家菜场里，每个摊位前都摆放着分类垃圾桶，菜叶、果皮等易腐垃圾由专人收集，经菜场内的处理设备就地转化为有机肥。“每天能处理一吨多易腐垃圾，做成的肥料送给附近的农户。”菜场负责人说。
不少菜场还推出了“净菜上市”，蔬菜在进场前就完成了清洗、去根，既方便了市民，也减少了菜场里的垃圾量。
据介绍，到2025年底，杭州将建成“无废菜场”100家以上。
“菜场干净了，来买菜的年轻人也多了。”一位在菜场卖了二十多年蔬菜的摊主说，现在摊位统一了样式，地面没有积水和菜叶，顾客愿意多逛一会儿。
杭州市城管局相关负责人表示，“无废菜场”创建将与农贸市场改造提升相结合，推动菜场从“脏乱差”向“洁净美”转变，让市民买菜更舒心。
@（记者 沈慧 李明洁 通讯员 金锐）
@编辑：周婷
""",
    ),
    Art(
        url=f"https://{QJ}/dushi/2024/1211/2189015.shtml",
        title="一条老街的二十年：河坊街边的“老底子”与新生活",
        published="2024-12-11 06:30",
        origin="钱江都市报",
        authors=["董怡", "陈伟"],
        contributors=["周敏"],
        editor="陆晓",
        channel="都市",
        family="byline",
        traits=["long_feature", "photographer_credit", "end_byline_multi", "subheadings"],
        text="""
早上六点半，天刚蒙蒙亮，大井巷口的那家葱包桧儿铺子已经支起了铁板。老板娘把油条裹进春饼，压扁、翻面，“滋啦”一声，香味就飘满了半条巷子。
“二十年了，每天都是这个点开门。”老板娘姓孙，今年五十八岁。她的铺子不大，只有六七个平方，墙上贴着一张褪了色的价目表，葱包桧儿从当年的一块五涨到了现在的六块。
二十年前，这一带还是杭州有名的老城区，低矮的木结构民房挤在一起，巷子窄得只能走一辆三轮车。2000年前后，河坊街开始综合保护与整治，老街的样子一点点变了。
!https://img.qjdemo-wb.cn/2024/1211/21890151.jpg
^清晨的大井巷，早点铺已经开张。记者 董怡 摄
#“老底子”还在
记者在河坊街一带走访时发现，虽然街面上多了不少新开的奶茶店、文创店，但很多“老底子”的东西依然被保留了下来。
胡庆余堂的国药号门楼依旧气派，柜台后面的老药工仍然按古法炮制药材；王星记的扇子铺里，老师傅一笔一画地在黑纸扇上描金；张小泉的剪刀铺前，常常有游客排队请师傅在剪刀上刻字。
“这些老字号是河坊街的魂。”在这条街上生活了大半辈子的吴老伯说，街可以修，房子可以翻新，但这些东西不能丢。吴老伯今年七十六岁，退休前是一名中学语文老师，如今每天都会到街口的茶室坐一坐，跟老伙计们聊聊天。
他记得小时候，河坊街上有米店、酱园、铁匠铺，过年时家家户户都要去酱园打酱油、买年糕。“那时候的热闹，和现在不一样，是过日子的热闹。”
#新生活来了
老街也在迎接新的生活方式。
在高银街附近，一家由老民居改造的咖啡馆里坐满了年轻人。店主小林是杭州本地人，大学毕业后在上海工作了几年，前年回到杭州，租下了这栋两层的老房子。“我想保留老房子的木梁和石板地面，让来的人能感受到老杭州的味道。”
小林的咖啡馆每天接待一两百位客人，其中不少是外地游客。他在店里放了一面“留言墙”，贴满了客人写下的便签，有人写“在这里喝到了最有杭州味道的咖啡”，也有人写“下次带妈妈来”。
!https://img.qjdemo-wb.cn/2024/1211/21890152.jpg
^老民居改造的咖啡馆。通讯员 周敏 摄
上城区相关负责人介绍，近年来，河坊街历史街区在保护传统风貌的基础上，引导业态提档升级，鼓励老字号创新发展，同时引进非遗体验、文化展示等新业态。今年以来，河坊街日均客流超过5万人次，节假日高峰时达到15万人次。
#老街坊的日常
对住在这里的老街坊来说，游客多了，生活也有了一些变化。
“以前出门买菜走几步就到，现在人多了，有时候挤都挤不过去。”孙老板娘笑着说，不过生意确实比以前好了，“游客也爱吃葱包桧儿，说这是杭州的味道。”
为了兼顾游客和居民，街道在历史街区内设置了居民专用通道，并在早晚时段对部分巷弄实行车辆限行。社区还组建了一支由老街坊组成的志愿者队伍，为游客提供问路、讲解等服务。
七十岁的志愿者王阿姨每周有三天会在街口的服务点值班。“很多游客问我这条街的历史，我就给他们讲我小时候的故事。”王阿姨说，讲着讲着，自己也觉得这条街越来越亲切了。
傍晚，夕阳照在老街的青石板上，游客渐渐散去，街边的灯笼一盏盏亮了起来。孙老板娘开始收拾铁板，准备第二天的面团。她说，只要还做得动，这家铺子就会一直开下去。
@（记者 董怡 陈伟 通讯员 周敏）
""",
    ),
]


def qj_page(a: Art) -> str:
    body = paragraphs_html(
        a,
        p="<p>{}</p>",
        img='<p style="text-align:center"><img src="{}" alt="" /></p>',
        cap='<p style="text-align:center;color:#666">{}</p>',
    )
    ed = (
        ""
        if any(b.text.startswith("编辑：") for b in a.blocks)
        else f'<div class="zebian">本文编辑：{a.editor}</div>'
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{a.title}|钱江都市网</title>
<meta property="og:title" content="{a.title}">
<meta property="og:url" content="{a.url}">
<meta name="publishdate" content="{a.d("isoday")}">
</head>
<body>
<div class="qj-top"><a href="/">钱江都市网</a><ul><li><a href="/dushi/">都市</a></li><li><a href="/shehui/">社会</a></li><li><a href="/tiyu/">体育</a></li><li><a href="/yule/">娱乐</a></li><li><a href="/jiankang/">健康</a></li></ul></div>
<div class="qj-crumb"><a href="/">首页</a> / <a href="/dushi/">{a.channel}</a></div>
<div class="qj-article">
<h1>{a.title}</h1>
<div class="qj-meta">{a.d("iso")} {a.origin}</div>
<div class="qj-text">
{body}
</div>
{ed}
<div class="qj-share">扫一扫 分享到朋友圈</div>
</div>
<div class="qj-list"><h2>都市热读</h2>{"".join(f'<a href="/dushi/2024/1130/21870{i:02d}.shtml">{h}</a>' for i, h in enumerate(pick_headlines(a.url, 12, a.title)))}</div>
<div class="qj-foot">钱江都市网 版权所有 {icp(QJ)}</div>
</body>
</html>
"""


# ---------------------------------------------------------------- 萧然专题: time and source on one line
XZ = "zt.xrdemo-net.cn"

XZ_ARTS = [
    Art(
        url=f"http://{XZ}/2024_subject/ysxc/zhdt/4021156.shtml",
        title="“运河宋韵”主题展在萧山博物馆开展",
        published="2024-12-03 10:12",
        origin="萧山日报",
        authors=["陈少"],
        editor="邱燕",
        channel="综合动态",
        family="one_line_time_source",
        traits=["updated_time_label", "content_source_label", "no_time_class", "subject_page"],
        text="""
12月2日，“运河宋韵——浙东运河文化主题展”在萧山博物馆开展。展览分为“千年运河”“宋韵风华”“运河人家”三个单元，展出文物、图片和复原模型等200余件（组）。
浙东运河西起萧山西兴，东至宁波甬江入海口，是中国大运河的重要组成部分。展览通过出土瓷器、古桥构件、航运文书等展品，展现了浙东运河沿线的历史变迁和人文风貌。
“这件越窑青瓷执壶是在运河古河道附近出土的，见证了当年运河航运的繁荣。”博物馆讲解员介绍，展览还运用多媒体技术，复原了宋代西兴古渡的繁华景象。
展览将持续至明年3月，市民可通过“萧山博物馆”微信公众号免费预约参观。
开展首日，不少市民专程前来观展。“原来我们每天路过的这条河，有这么悠久的历史。”带着孩子观展的市民杨女士说，展览让孩子对家乡的历史文化有了更直观的了解。
据介绍，展览期间，萧山博物馆还将举办“运河故事会”“宋韵手作”等系列社教活动，并推出线上展厅，让更多人足不出户就能“云”看展。
""",
    ),
    Art(
        url=f"http://{XZ}/2024_subject/ysxc/zhdt/4021380.shtml",
        title="西兴老街开启“微改造”",
        published="2024-12-05 08:16",
        origin="杭州日报",
        authors=[],
        channel="综合动态",
        family="one_line_time_source",
        traits=["updated_time_label", "content_source_label", "no_author", "cn_date"],
        extra={"cn": True},
        text="""
近日，滨江区西兴老街“微改造”工程启动。此次改造坚持“修旧如旧”原则，对老街沿线的20余幢历史建筑进行修缮，同步改造给排水、电力等基础设施。
改造后的西兴老街将引入非遗工坊、特色餐饮和文创空间，打造集文化展示、休闲旅游于一体的运河文化街区，预计明年国庆前完工。
西兴老街是浙东运河的起点，历史上曾是重要的渡口和商埠，“西兴过塘行”码头文化闻名一时。如今，老街上仍保留着不少清末民初的建筑和过塘行旧址。
“改造不是大拆大建，而是在保护的基础上让老街焕发新活力。”项目负责人介绍，改造过程中将广泛听取原住居民意见，保留老街的烟火气。
""",
    ),
    Art(
        url=f"http://{XZ}/2024_subject/ysxc/rwgs/4021702.shtml",
        title="守护运河古桥的“桥痴”",
        published="2024-12-09 09:30",
        origin="萧山日报",
        authors=["沈彬"],
        contributors=["楼佳"],
        editor="邱燕",
        channel="人物故事",
        family="one_line_time_source",
        traits=["updated_time_label", "content_source_label", "second_paragraph_byline_lead"],
        text="""
在萧山，提起“桥痴”老俞，很多研究古桥的人都知道他。
本报讯（记者 沈彬 通讯员 楼佳）今年67岁的俞国兴退休前是一名中学历史老师，二十多年来，他骑着自行车走遍了萧山的大街小巷，寻访记录了运河沿线的130多座古桥。
“每座古桥都有自己的故事。”老俞翻开厚厚的笔记本，上面密密麻麻记满了古桥的名称、年代、尺寸和传说，还贴着他亲手拍的照片。
前些年，老俞发现一座清代石拱桥的桥栏出现松动，便多次向文物部门反映，推动古桥得到修缮。如今，他还带着一批年轻志愿者定期巡查古桥，给中小学生讲运河故事。
“古桥是运河的记忆，我想让更多人知道它们、爱护它们。”老俞说。
在老俞家的书房里，堆满了各种古桥资料和手绘图纸。他花了三年时间，把自己的寻访记录整理成了一本二十多万字的《萧山古桥录》，免费送给学校和图书馆。
""",
    ),
]


def xz_page(a: Art) -> str:
    when = a.d("cn") if a.extra.get("cn") else a.d("iso")
    byline = (
        f"作者：记者 {' '.join(a.authors)}"
        if a.authors and not any("本报讯" in b.text for b in a.blocks)
        else ""
    )
    edit = f"编辑：{a.editor}" if a.editor else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{a.title}_运河宋韵 萧然风华_萧然网</title>
<link href="/2024_subject/ysxc/css/zt.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="zt_banner"><img src="/2024_subject/ysxc/images/banner.jpg" alt="运河宋韵 萧然风华" /></div>
<div class="zt_nav"><a href="/2024_subject/ysxc/">专题首页</a><a href="/2024_subject/ysxc/zhdt/">综合动态</a><a href="/2024_subject/ysxc/rwgs/">人物故事</a><a href="/2024_subject/ysxc/tpjj/">图片集锦</a><a href="/2024_subject/ysxc/spbd/">视频报道</a></div>
<div class="zt_main">
<div class="zt_weizhi">您的位置:萧然网 &gt; 运河宋韵 萧然风华 &gt; {a.channel} &gt; 正文</div>
<div class="zt_con">
<div class="zt_bt">{a.title}</div>
<div class="zt_xx">更新时间:{when}&nbsp;&nbsp;&nbsp;&nbsp;内容来源:{a.origin}</div>
<div class="zt_nr">
{paragraphs_html(a, p="<p>　　{}</p>")}
</div>
<div class="zt_bj">{byline}&nbsp;&nbsp;{edit}</div>
</div>
<div class="zt_xg"><div class="zt_xgbt">相关新闻</div><ul>{"".join(f'<li><a href="/2024_subject/ysxc/zhdt/40209{i:02d}.shtml">{h}</a></li>' for i, h in enumerate(pick_headlines(a.url, 8, a.title)))}</ul></div>
</div>
<div class="zt_foot">萧然网版权所有 Copyright &copy; 2024 {icp(XZ)}</div>
</body>
</html>
"""


def pj_list(items: list[Art], page: int) -> str:
    rows = "\n".join(
        f'<li><span class="date">[{a.d("isoday")}]</span><a href="{a.path}" target="_blank">{a.title}</a></li>'
        for a in items
    )
    pager = (
        '<span class="cur">1</span> <a href="/list/1.html?page=2">2</a> <a href="/list/1.html?page=2" title="下一页">&gt;</a>'
        if page == 1
        else '<a href="/list/1.html" title="上一页">&lt;</a> <a href="/list/1.html">1</a> <span class="cur">2</span>'
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>浦江新闻_浦江新闻网</title></head>
<body>
<div class="menu"><a href="/">首页</a><a href="/list/1.html">浦江新闻</a><a href="/list/2.html">乡镇</a><a href="/list/3.html">体育</a><a href="/list/4.html">教育</a><a href="/member/login.html">登录</a></div>
<div class="crumb">您当前的位置 ：<a href="/">浦江新闻网</a> &gt; 浦江新闻</div>
<ul class="newslist">
{rows}
</ul>
<div class="pages">{pager}</div>
<div class="foot">浦江新闻网 版权所有 {icp(PJ)} <a href="/about/contact.html">联系我们</a></div>
</body></html>
"""


def build() -> None:
    write_page(CORPUS, f"http://{PJ}/list/1.html", pj_list(PJ_ARTS[::-1][:2], 1))
    write_page(CORPUS, f"http://{PJ}/list/1_p2.html", pj_list(PJ_ARTS[:1], 2))
    write_routes(
        CORPUS,
        PJ,
        """
# the channel list pages by query: /list/1.html?page=2 is its own file
[[route]]
path = "/list/1.html"
query = { page = "2" }
file = "list/1_p2.html"
""",
    )
    register_list(
        f"http://{PJ}/list/1.html",
        f"http://{PJ}/list/1.html?page=2",
        [a.url for a in PJ_ARTS],
        r"/article/\d+\.html",
    )
    for a in PJ_ARTS:
        write_page(CORPUS, a.url, pj_page(a))
        write_expected(CORPUS, a, "utf-8")
    for a in DY_ARTS:
        write_page(CORPUS, a.url, dy_page(a))
        write_expected(CORPUS, a, "utf-8")
    for a in AJ_ARTS:
        write_page(CORPUS, a.url, aj_page(a))
        write_expected(CORPUS, a, "utf-8")
    write_page(CORPUS, LS_ART.url, ls_page(LS_ART))
    write_expected(CORPUS, LS_ART, "utf-8")
    for a in QJ_ARTS:
        write_page(CORPUS, a.url, qj_page(a))
        write_expected(CORPUS, a, "utf-8")
    for a in XZ_ARTS:
        write_page(CORPUS, a.url, xz_page(a))
        write_expected(CORPUS, a, "utf-8")
    write_page(CORPUS, YH_ART.url, yh_page(YH_ART))
    write_expected(CORPUS, YH_ART, "utf-8")
    _ = write_routes


# ---------------------------------------------------------------- 余杭: the one-liner in a plain <p>
YH = "www.yhdemo-news.cn"

YH_ART = Art(
    url=f"http://{YH}/zt/2024/lzwh/202412/t20241212_300917.html",
    title="良渚遗址公园推出冬季研学课程",
    published="2024-12-12 09:18",
    origin="余杭晨报",
    authors=["俞佳"],
    editor="沈洁",
    channel="良渚文化",
    family="one_line_time_source",
    traits=[
        "updated_time_label",
        "content_source_label",
        "fullwidth_colon",
        "info_in_plain_p",
        "pipe_separated",
    ],
    text="""
近日，良渚古城遗址公园推出冬季研学课程，面向中小学生开设“考古小课堂”“玉琮制作”“稻作农耕体验”等八门课程，让孩子们在游玩中了解五千年良渚文明。
在“考古小课堂”上，孩子们跟随考古工作者学习使用手铲、毛刷等工具，在模拟探方中“发掘”陶片和石器。“原来考古要这么细心，一层一层慢慢刷。”来自杭州市区的四年级学生小王说。
“玉琮制作”课程则让孩子们用软陶和模具复刻良渚玉琮，了解玉琮上神人兽面纹的含义。课程老师介绍，良渚玉器是良渚文明最具代表性的文物之一，通过动手制作，孩子们对良渚文化的印象会更加深刻。
据了解，冬季研学课程将持续至明年2月底，每周六、周日开课，家长可通过“良渚古城遗址公园”小程序预约。
""",
)


def yh_page(a: Art) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{a.title}_良渚文化专题_余杭新闻网</title>
</head>
<body>
<div class="zt-head"><img src="/zt/2024/lzwh/images/top.jpg" alt="良渚文化专题"></div>
<div class="zt-menu"><a href="/zt/2024/lzwh/">专题首页</a> <a href="/zt/2024/lzwh/yw/">要闻</a> <a href="/zt/2024/lzwh/wh/">良渚文化</a> <a href="/zt/2024/lzwh/tp/">图片</a></div>
<div class="zt-body">
<p>当前位置：<a href="/">余杭新闻网</a> &gt; <a href="/zt/2024/lzwh/">良渚文化专题</a> &gt; <a href="/zt/2024/lzwh/wh/">{a.channel}</a></p>
<h2>{a.title}</h2>
<p>更新时间：{a.d("cnpad")} | 内容来源：{a.origin} | 作者：{a.authors[0]}</p>
<hr>
<div class="zt-text">
{paragraphs_html(a, p="<p>　　{}</p>")}
</div>
<p>编辑：{a.editor}</p>
<div class="zt-xg">相关阅读：{"".join(f'<a href="/zt/2024/lzwh/202411/t202411{10 + i}_3008{i:02d}.html">{h}</a> ' for i, h in enumerate(pick_headlines(a.url, 5, a.title)))}</div>
</div>
<div class="zt-foot">余杭新闻网 版权所有 {icp(YH)}</div>
</body>
</html>
"""
