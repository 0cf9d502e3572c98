# ruff: noqa: E501  (hand-written HTML templates: one tag per line, as the sites print them)
"""Mobile pages (m. hosts) and SPA-ish server-rendered pages with unfamiliar or hashed classes."""

from __future__ import annotations

import json

from common import (
    CORPUS,
    Art,
    comments,
    icp,
    paragraphs_html,
    pick_headlines,
    register_list,
    write_expected,
    write_page,
)

# ---------------------------------------------------------------- 杭州新闻 mobile
MH = "m.hzdemo-news.cn"

MH_ARTS = [
    Art(
        url=f"https://{MH}/news/2024-12/03/content_8841207.htm",
        title="杭州地铁三期规划线路年内全部开通",
        published="2024-12-03 07:30",
        origin="杭州日报",
        authors=["李维"],
        contributors=["沈洁"],
        editor="孙燕",
        channel="杭州",
        family="mobile",
        traits=["mobile", "section_layout", "lazy_images", "caption_paragraph", "url_date"],
        text="""
记者从杭州市地铁集团获悉，随着地铁3号线西延段、10号线北延段近日通过运营前安全评估，杭州地铁三期规划线路将在年内全部开通运营，届时全市地铁运营里程将超过620公里。
!https://img.hzdemo-news.cn/2024/12/03/e41a9c2f7b.jpg
^地铁10号线北延段车站内景。记者 王恺 摄
三期规划共包括10条（段）线路，总长约230公里。自2020年起，三期线路陆续建成投运，有效缓解了城西、城北等区域的出行压力。
“以前去市中心上班要换两次公交，现在坐地铁40分钟就到了。”家住良渚的市民刘先生说。
据介绍，三期线路全部开通后，杭州地铁将实现主城区“一小时通勤圈”，地铁日均客流有望突破500万人次。
记者从杭州地铁集团了解到，为迎接新线开通，相关车站已完成标识系统安装和设备联调，运营人员也已全部到岗并完成岗前培训。
此外，杭州地铁还将优化既有线路的行车组织，在早晚高峰加开列车，并推出“地铁+公交”换乘优惠，方便市民出行。
@（记者 李维 通讯员 沈洁）
""",
    ),
    Art(
        url=f"https://{MH}/news/2024-12/05/content_8843516.htm",
        title="西湖边的银杏黄了 这份赏秋地图请收好",
        published="2024-12-05 12:18",
        origin="杭州日报",
        authors=["章敏"],
        editor="孙燕",
        channel="文旅",
        family="captions",
        traits=["mobile", "section_layout", "lazy_images", "multiple_captions"],
        text="""
进入12月，西湖边的银杏、枫香、无患子陆续进入最佳观赏期，北山街、杨公堤、植物园等地层林尽染，吸引了大批市民游客前来拍照打卡。
!https://img.hzdemo-news.cn/2024/12/05/a8c01d3e55.jpg
^北山街的银杏大道。
杭州西湖风景名胜区管委会推荐了五条赏秋线路：北山街—孤山线、杨公堤—茅家埠线、植物园—灵隐线、满觉陇—九溪线，以及太子湾公园线。
其中，北山街的银杏大道最受欢迎，周末日均游客超过3万人次。管委会提醒，赏秋高峰期请尽量绿色出行，景区周边道路将视情况实施临时交通管制。
!https://img.hzdemo-news.cn/2024/12/05/b77e2f9014.jpg
^九溪的红枫。
另外，杭州植物园12月每周六晚还将推出“夜赏红叶”活动，市民可通过官方小程序预约。
记者在北山街看到，不少市民举着手机、相机拍摄银杏，还有人穿着汉服在树下拍写真。“每年这个时候都要来一趟，今年叶子黄得特别好。”市民王女士说。
为保障游客赏秋体验，景区增派了管理人员和志愿者，在主要路口疏导人流，并设置了临时休息点和流动厕所。
""",
    ),
    Art(
        url=f"https://{MH}/news/2024-12/08/content_8846033.htm",
        title="杭州今晨迎来今冬首个冰冻天",
        published="2024-12-08 08:05",
        origin="杭州日报",
        authors=[],
        editor="孙燕",
        channel="杭州",
        family="mobile",
        traits=["mobile", "section_layout", "kuaixun"],
        text="""
今天早晨，杭州主城区最低气温降至-1.2℃，出现今冬首个冰冻天，临安、淳安等地山区最低气温跌至-5℃以下。气象部门预计，未来三天我市以晴冷天气为主，早晚温差大，请市民注意防寒保暖，谨防道路结冰。
""",
    ),
]


def mh_page(a: Art) -> str:
    body = paragraphs_html(
        a,
        p="<p>{}</p>",
        img='<p class="img-wrap"><img class="lazy" src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==" data-src="{}" alt="" /></p>',
        cap='<p class="img-desc">{}</p>',
        by='<p class="byline-end">{}</p>',
    )
    has_by = any(b.kind == "by" for b in a.blocks)
    author = (
        f'<span class="author">记者 {" ".join(a.authors)}</span>'
        if a.authors and not has_by
        else ""
    )
    hot = "".join(
        f'<li><a href="/news/2024-12/0{1 + i % 8}/content_88{40000 + i * 37}.htm"><span class="num">{i + 1}</span>{h}</a></li>'
        for i, h in enumerate(pick_headlines(a.url, 8, a.title))
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=no">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="format-detection" content="telephone=no">
<title>{a.title}</title>
<meta name="description" content="{a.body[0][:70]}">
<link rel="canonical" href="https://www.hzdemo-news.cn/news/{a.path.split("/news/")[1]}">
<script>!function(e,t){{var n=t.documentElement,d=e.devicePixelRatio||1;function i(){{var e=n.clientWidth/3.75;n.style.fontSize=e+"px"}}i(),e.addEventListener("resize",i)}}(window,document);</script>
<style>body{{margin:0;font-size:.16rem}}.art-body p{{line-height:1.8;margin:.12rem 0}}.img-desc{{color:#888;font-size:.13rem;text-align:center}}</style>
</head>
<body>
<header class="m-header"><a class="back" href="javascript:history.back()">返回</a><a class="logo" href="/">杭州新闻</a><a class="app" href="https://www.hzdemo-news.cn/app/">打开APP</a></header>
<nav class="m-nav"><a href="/">推荐</a><a href="/hz/">杭州</a><a href="/wl/">文旅</a><a href="/ms/">民生</a><a href="/sp/">视频</a></nav>
<section class="article">
<h1 class="art-tit">{a.title}</h1>
<div class="art-meta"><span class="src">{a.origin}</span>{author}<span class="time">{a.d("iso")}</span></div>
<section class="art-body">
{body}
</section>
<div class="art-edit">编辑：{a.editor}</div>
<div class="open-app"><a href="https://www.hzdemo-news.cn/app/">打开杭州新闻APP，阅读体验更佳</a></div>
</section>
<section class="hot"><h3>24小时热榜</h3><ul>{hot}</ul></section>
<section class="m-foot"><a href="https://www.hzdemo-news.cn/">电脑版</a> | <a href="/about/contact.html">联系我们</a><p>杭州新闻 版权所有 {icp(MH)}</p></section>
<script src="https://cdn.hzdemo-news.cn/js/lazyload.min.js"></script>
<script>lazyload(document.querySelectorAll(".lazy"));</script>
</body>
</html>
"""


# ---------------------------------------------------------------- 绍兴 mobile, Vue-rendered
MS = "m.sxdemo-daily.com"

MS_ARTS = [
    Art(
        url=f"https://{MS}/detail/2024/1204/1733290115632.html",
        title="绍兴黄酒小镇迎来冬酿季",
        published="2024-12-04 13:28:35",
        origin="绍兴日报",
        authors=["陈燕青"],
        contributors=["宋蓓蓓"],
        editor="钱叶",
        channel="越城",
        family="mobile",
        traits=[
            "mobile",
            "vue_ssr",
            "lazy_images",
            "second_paragraph_byline",
            "initial_state_json",
        ],
        text="""
“开耙喽——”随着酿酒师傅一声吆喝，一缸缸黄酒原浆开始翻腾。
本报讯（记者 陈燕青 通讯员 宋蓓蓓）每年立冬至次年立春，是绍兴黄酒传统冬酿的时节。12月3日，记者走进东浦黄酒小镇，这里的十余家酒坊已进入一年中最忙碌的时候。
!https://cdn.sxdemo-daily.com/upload/2024/1204/6f2c0a9e.jpg
^酒坊工人在搅拌发酵中的酒醅。 记者 袁云 摄
“冬酿用的是鉴湖水，气温低，发酵慢，酿出来的酒香气更醇厚。”有着三十多年酿酒经验的师傅沈建华说，从浸米、蒸饭、落缸到开耙，每一道工序都马虎不得，其中开耙最考验功夫，“什么时候开、开几次，全凭经验”。
近年来，东浦黄酒小镇在保护传统酿造技艺的同时，也在积极探索黄酒的年轻化表达。小镇里新开了黄酒咖啡馆、黄酒冰淇淋店，还推出了酿酒体验课程，吸引不少年轻游客。
据了解，今年绍兴黄酒产业产值预计达到56亿元，黄酒出口覆盖40多个国家和地区。
记者在一家老字号酒坊看到，数百只酒缸整齐排列在酿造车间里，酒香弥漫。酿酒师傅们手持木耙，在缸中来回搅动，动作娴熟有力。“开耙的时机很关键，早了晚了都会影响酒的口感。”
""",
    ),
]


def ms_page(a: Art) -> str:
    state = {
        "article": {
            "id": 1733290115632,
            "title": a.title,
            "publishTime": 1733290115000,
            "source": a.origin,
            "summary": a.body[1][:40],
        }
    }
    body = paragraphs_html(
        a,
        p='<p data-v-5e1c2b7a="">{}</p>',
        img='<div data-v-5e1c2b7a="" class="img-box"><img data-v-5e1c2b7a="" data-src="{}" src="/static/img/loading.png" /></div>',
        cap='<p data-v-5e1c2b7a="" style="text-align:center;color:#999">{}</p>',
    )
    cm = "".join(
        f'<div class="cmt-item" data-v-7a21c3="">'
        f'<div class="cmt-user">{nick}<em>{place}</em></div><div class="cmt-txt">{text}</div>'
        f'<div class="cmt-time">{stamp}</div><div class="cmt-like">{likes}</div></div>'
        for nick, place, stamp, text, likes in comments(a.url, 9, a.dt)
    )
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover"><title>{a.title}-绍兴日报</title><link href="/static/css/app.3f2a91c.css" rel="stylesheet"></head><body><div id="app" data-server-rendered="true"><div data-v-5e1c2b7a="" class="detail-page"><div data-v-5e1c2b7a="" class="top-bar"><a href="/" data-v-5e1c2b7a="">绍兴日报</a><span data-v-5e1c2b7a="">{a.channel}</span><a class="dl" href="/download" data-v-5e1c2b7a="">下载</a></div><div data-v-5e1c2b7a="" class="detail-head"><div data-v-5e1c2b7a="" class="detail-title">{a.title}</div><div data-v-5e1c2b7a="" class="detail-info"><span data-v-5e1c2b7a="">{a.origin}</span><span data-v-5e1c2b7a="">{a.d("isos")}</span></div></div><div data-v-5e1c2b7a="" class="detail-content">{body}</div><div data-v-5e1c2b7a="" class="detail-editor">责任编辑：{a.editor}</div><div class="share-bar" data-v-1d2e3f=""><span>分享</span><i class="wx"></i><i class="pyq"></i><i class="wb"></i></div><div class="cmt-list" data-v-7a21c3=""><div class="cmt-head">热门评论</div>{cm}</div><div class="recommend" data-v-2b3c4d=""><div class="rec-head">猜你喜欢</div>{"".join(f'<a class="rec-item" href="/detail/2024/1203/17332{i}0000000.html">{h}</a>' for i, h in enumerate(pick_headlines(a.url, 6)))}</div></div></div><script>window.__INITIAL_STATE__={json.dumps(state, ensure_ascii=False)};</script><script src="/static/js/vendor.8c1d2e.js"></script><script src="/static/js/app.3f2a91c.js"></script><div class="foot">绍兴日报社 版权所有 {icp(MS)}</div></body></html>"""


# ---------------------------------------------------------------- SPA-ish, hashed class names
CH = "www.chaodemo.com.cn"

CH_ARTS = [
    Art(
        url=f"https://{CH}/a/20241203/x7Kd2pQm.html",
        title="一家三代守护钱塘江海塘四十年",
        published="2024-12-03 15:42:09",
        origin="钱江晚报",
        authors=["金晶"],
        contributors=["陈婉"],
        editor="周佳",
        channel="人物",
        family="spa",
        traits=["hashed_classes", "next_data_json", "second_paragraph_byline_removed"],
        text="""
清晨六点，钱塘江边的海塘上，65岁的周建国已经开始了一天的巡查。他手里拿着一根铁钎，边走边敲打塘面，听声音判断下面有没有空洞。
~钱江晚报·潮新闻记者 金晶 通讯员 陈婉
这样的巡查，周家已经坚持了四十年。周建国的父亲是第一代海塘管护员，上世纪八十年代起就守在这段海塘上；如今，周建国的儿子周磊也成了一名水利工程师，负责海塘的数字化监测。
“我爸那时候全靠两条腿和一双耳朵，潮水一来，整夜不敢合眼。”周建国回忆，1997年那场大潮，父亲带着几个村民在塘上守了三天三夜，用沙袋堵住了一处险情。
#从“人防”到“技防”
到了周磊这一代，守护海塘的方式发生了很大变化。沿线海塘安装了数百个传感器，位移、渗压、潮位等数据实时传回监控中心，一旦出现异常，系统会第一时间报警。
“但数据再多，也替代不了人的经验。”周磊说，他经常跟着父亲去巡塘，“哪里容易出问题，我爸一看就知道。”
#“海塘在，家就在”
近年来，浙江实施海塘安澜千亿工程，周家守护的这段海塘也完成了提标加固，防潮标准提升到百年一遇。塘顶修起了绿道，成了附近居民散步的好去处。
“海塘在，家就在。”周建国说，等孙子长大了，也要带他来塘上走走，讲讲这段海塘的故事。
""",
    ),
    Art(
        url=f"https://{CH}/a/20241206/R2mLw9Zt.html",
        title="杭州上线“一键叫车”助老服务 已服务老人超10万人次",
        published="2024-12-06 09:15:00",
        origin="潮新闻",
        authors=["王湛"],
        editor="周佳",
        channel="民生",
        family="spa",
        traits=[
            "hashed_classes",
            "next_data_json",
            "og_date_only",
            "comments_longer_than_article",
            "first_paragraph_byline_removed",
        ],
        text="""
~潮新闻客户端 记者 王湛
“按一下这个红色按钮，车子就来了，不用再学手机打车了。”家住拱墅区的82岁老人陈奶奶指着家里电话机上的“一键叫车”键说。
今年3月起，杭州在全市推广“一键叫车”助老服务，老人通过家里的智能电话、老年手机或社区服务点的专用设备，按一个键就能呼叫出租车，车费可用现金或家人代付。
截至11月底，这项服务已覆盖全市1200多个社区，累计服务老年人超过10万人次，平均应答时间不到2分钟。
市交通运输局相关负责人表示，下一步将在医院、菜场等老人出行集中的地方增设“一键叫车”站点，让老年人出行更便捷。
陈奶奶的女儿在外地工作，以前老人看病、买菜要出门，全靠邻居帮忙叫车。“现在方便多了，按一下就行，司机还会扶我上车。”
据了解，为保障服务质量，杭州对参与“一键叫车”的出租车驾驶员开展了专门培训，要求主动帮助老人上下车、搬运行李，不得拒载短途订单。对于行动不便的老人，驾驶员还会提供“门到门”服务。
不少老人的子女也通过“家人代付”功能为父母的出行买单。“父母在家附近活动，我在手机上就能看到行程，心里踏实。”市民徐女士说。
""",
    ),
    Art(
        url=f"https://{CH}/a/20241209/pQ4vN8Ys.html",
        title="这届年轻人爱上“县城旅游”",
        published="2024-12-09 20:03:47",
        origin="潮新闻",
        authors=["吴佳妮", "俞倩"],
        editor="方伟",
        channel="文旅",
        family="spa",
        traits=["hashed_classes", "jsonld", "multiple_authors", "lazy_images", "figcaption"],
        text="""
逛老街、吃小吃、住民宿……最近，“县城旅游”成了不少年轻人的新选择。在社交平台上，“小众县城攻略”“周末县城游”等话题的浏览量已经突破数亿次。
!https://img.chaodemo.com.cn/2024/12/09/5c7b1e.webp
^游客在衢州江山的老街拍照。
“大城市的景点人太多，县城节奏慢，消费也不高，两天花不到一千块。”来自上海的90后游客小林说，她今年已经去了浙江的五六个县城。
记者从省文化和旅游厅了解到，今年前三季度，全省县域旅游接待游客人次同比增长14.2%，其中35岁以下游客占比接近一半。
#小县城如何接住“泼天流量”
流量来了，如何留住人？不少县城开始在“特色”上做文章。龙泉推出青瓷手作体验，松阳把老屋改成了书店和咖啡馆，仙居则打造了杨梅主题的乡村旅游线路。
业内人士认为，县城旅游火热的背后，是年轻人对“松弛感”和在地文化的追求。县城要想长红，还需补齐交通、住宿等短板，避免“一阵风”。
在松阳，一座有三百多年历史的老宅被改造成了民宿，白墙黛瓦间摆放着年轻人喜欢的设计家具。“周末基本都是满房，客人大多是从上海、杭州过来的年轻人。”民宿主人说。
""",
    ),
    Art(
        url=f"https://{CH}/a/20241212/Hq5sV3Wc.html",
        title="在安吉的竹林里，有一群“数字游民”",
        published="2024-12-12 08:00:00",
        origin="潮新闻",
        authors=["沈听雨"],
        contributors=["程璐"],
        editor="方伟",
        channel="人物",
        family="spa",
        traits=[
            "hashed_classes",
            "next_data_json",
            "long_feature",
            "figcaption",
            "lazy_images",
            "first_paragraph_byline_removed",
        ],
        text="""
~潮新闻客户端 记者 沈听雨 通讯员 程璐
上午十点，安吉县溪龙乡的一栋白色建筑里，二十多个年轻人分散坐在长桌边，有人对着笔记本电脑敲代码，有人戴着耳机开线上会议，还有人抱着画板在窗边画插画。窗外是一片连绵的竹林，风一吹，沙沙作响。
这里是一家面向“数字游民”的共享社区。所谓“数字游民”，是指依靠互联网远程工作、不受固定办公地点限制的人群。过去两年，这个由旧厂房改造而来的社区，先后接待了来自全国各地的两千多名“游民”。
!https://img.chaodemo.com.cn/2024/12/12/9a3e77.webp
^社区的共享办公区。
#为什么是这里
27岁的小周是一名自由职业的游戏原画师，今年春天从北京搬到这里。“在北京，房租占了我收入的一半，每天通勤要两个小时。”她说，来这里之后，每月的住宿费加上办公位一共两千多元，推开窗就是竹林，“画画的灵感都多了”。
像小周这样的年轻人，在社区里并不少见。有人是程序员，有人做短视频，有人是跨境电商的运营，也有人在写小说。社区负责人介绍，入住者平均年龄29岁，大多数人会住上一到三个月，也有人住了一年多。
“吸引大家的，除了环境和成本，还有这里的氛围。”社区负责人说，社区每周会组织分享会、徒步、篮球赛等活动，住在这里的人很容易交到朋友，“很多人说，在这里找到了大城市里没有的归属感”。
#从“过客”到“村民”
“数字游民”的到来，也给当地乡村带来了变化。
社区附近的村子里，陆续开起了咖啡馆、精酿酒吧和书店，有的店主就是曾经的“游民”。31岁的阿杰原来在深圳做产品经理，去年来到这里后决定留下，和朋友一起租下村里的一栋老房子，开了一家咖啡馆。“白天接待游客和周边的年轻人，晚上自己还能接点远程的活儿。”
村民们对这些年轻人也从好奇变成了熟悉。村里的李大伯家开了一家农家乐，现在经常有年轻人来吃饭，“他们喜欢吃土鸡、笋干烧肉，还让我教他们挖冬笋”。
!https://img.chaodemo.com.cn/2024/12/12/b04c19.webp
^“数字游民”和村民一起挖冬笋。
当地乡镇干部介绍，“数字游民”带来的不只是消费，还有新的想法和技能。有的“游民”帮村里的农户开设网店、拍摄短视频，有的为村里的文旅项目出谋划策，还有人在社区里开设了面向当地孩子的编程课和英语角。
#热潮背后的冷思考
“数字游民”热也引发了一些讨论。有人担心，这种生活方式不够稳定，难以长期持续；也有人认为，流动性太强的群体，很难真正融入乡村。
对此，社区负责人坦言，确实有一部分人只是来“体验”一下，住一两周就离开了。但也有越来越多的人选择长期留下，甚至在当地注册了公司。“我们希望做的，不只是提供一个住的地方，而是帮助大家在这里找到工作和生活的平衡点。”
浙江大学一位研究城乡发展的学者认为，“数字游民”现象反映了数字经济时代工作方式的变化，也为乡村吸引年轻人才提供了新的可能。“关键是要完善配套服务，比如网络、交通、医疗和子女教育，让愿意留下的人能够留得下、留得好。”
傍晚，竹林里的光线渐渐暗了下来。社区的公共厨房里飘出饭菜的香味，几个年轻人正在一起包饺子。小周说，她还没想好会在这里住多久，“但至少现在，我很喜欢这样的生活”。
""",
    ),
]


def ch_page(a: Art) -> str:
    t = a.dt
    body = paragraphs_html(
        a,
        p='<p class="x3f9a">{}</p>',
        img='<figure class="c1d7e"><img loading="lazy" data-src="{}" src="https://img.chaodemo.com.cn/static/ph.svg" alt="" />',
        cap='<figcaption class="k8b2c">{}</figcaption></figure>',
        h='<h2 class="h5e0f">{}</h2>',
    )
    # the second paragraph byline is a paragraph of its own in the page, as on 潮新闻
    n = 28 if "comments_longer_than_article" in a.traits else 5
    cm = "".join(
        f'<div class="r9t2u"><div class="a1b2c"><span class="n3m4">{nick}</span><span class="l5k6">{place}</span></div>'
        f'<div class="q7w8e">{text}</div><div class="z0x1c"><span>{stamp}</span><span>赞 {likes}</span><span>回复</span></div></div>'
        for nick, place, stamp, text, likes in comments(a.url, n, t)
    )
    rel = "".join(
        f'<a class="w2e3r" href="/a/2024112{i % 9}/{"AbCdEfGh"[i % 8]}k{i}Lm{i}Np.html"><div class="t4y5u">{h}</div><div class="i6o7p">潮新闻 · {i + 2}小时前</div></a>'
        for i, h in enumerate(pick_headlines(a.url, 9, a.title))
    )
    has_rm = any(b.kind == "rm" for b in a.blocks)
    author = (
        "" if has_rm else f'<span class="article_author__Qz1">记者 {" ".join(a.authors)}</span>'
    )
    og_time = a.d("isoday") if "og_date_only" in a.traits else a.d("meta")
    ld = ""
    if "jsonld" in a.traits:
        ld = (
            '<script type="application/ld+json">'
            + json.dumps(
                {
                    "@context": "http://schema.org",
                    "@type": "NewsArticle",
                    "headline": a.title,
                    "datePublished": a.d("meta"),
                    "author": {"@type": "Person", "name": "、".join(a.authors)},
                    "publisher": {"@type": "Organization", "name": "潮新闻"},
                },
                ensure_ascii=False,
            )
            + "</script>"
        )
    next_data = json.dumps(
        {
            "props": {
                "pageProps": {
                    "id": a.path.rsplit("/", 1)[1][:-5],
                    "title": a.title,
                    "ts": int(t.timestamp()),
                }
            },
            "page": "/a/[date]/[id]",
            "buildId": "Xq2b9TzK",
        },
        ensure_ascii=False,
    )
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charSet="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{a.title}_潮闻天下</title><meta property="og:title" content="{a.title}"/><meta property="og:site_name" content="潮闻天下"/><meta property="article:published_time" content="{og_time}"/>{ld}<link rel="preload" href="/_next/static/css/9a1e3b5c.css" as="style"/><style data-emotion="css 1x9zq2">.x3f9a{{font-size:17px;line-height:1.9;margin:0 0 16px}}.r9t2u{{padding:12px 0;border-bottom:1px solid #eee}}</style></head><body><div id="__next"><div class="g0h1j"><header class="b7v8n"><a class="m2k3l" href="/">潮闻天下</a><nav class="p4o5i"><a href="/c/tuijian">推荐</a><a href="/c/minsheng">民生</a><a href="/c/renwu">人物</a><a href="/c/wenlv">文旅</a><a href="/c/shipin">视频</a><a href="/c/zhibo">直播</a></nav><a class="u6y7t" href="/download">下载APP</a></header><main class="article_wrap__3kQ9z"><div class="article_crumb__Zp81x"><a href="/">首页</a><span>/</span><a href="/c/renwu">{a.channel}</a></div><h1 class="article_title__1vXa2">{a.title}</h1><div class="article_meta__m4Tq0"><span class="article_source__2Lw">{a.origin}</span>{author}<span class="article_time__8hR">{a.d("isos")}</span></div><div class="article_content__Xy7z9"><div class="e4r5t">{body}</div></div><div class="article_editor__0pL">责任编辑：{a.editor}</div><div class="s8d9f"><span>分享到</span><button class="j2k3">微信</button><button class="j2k3">朋友圈</button><button class="j2k3">复制链接</button></div><section class="f5g6h"><div class="v7b8">评论 {n}</div>{cm}</section><aside class="article_related__Tq2"><div class="c9v0b">相关推荐</div>{rel}</aside></main><footer class="y1u2i"><p>潮闻天下 版权所有</p><p>{icp(CH)}</p><p><a href="/about">关于我们</a> <a href="/contact">联系我们</a></p></footer></div></div><script id="__NEXT_DATA__" type="application/json">{next_data}</script><script src="/_next/static/chunks/main-4f8c2a1b.js" async=""></script></body></html>"""


def build() -> None:
    build_tm()
    for a in MH_ARTS:
        write_page(CORPUS, a.url, mh_page(a))
        write_expected(CORPUS, a, "utf-8")
    for a in MS_ARTS:
        write_page(CORPUS, a.url, ms_page(a))
        write_expected(CORPUS, a, "utf-8")
    for a in CH_ARTS:
        write_page(CORPUS, a.url, ch_page(a))
        write_expected(CORPUS, a, "utf-8")
    _ = register_list  # list pages for these hosts: none (app-driven feeds)


# ---------------------------------------------------------------- styled-components page, <div> paragraphs
TM = "www.tmdemo-news.cn"

TM_ART = Art(
    url=f"https://{TM}/article/6f1c9e2a8b.html",
    title="杭州湾跨海铁路大桥主塔封顶",
    published="2024-12-11 14:03",
    origin="天目新闻",
    authors=["孔令斌"],
    contributors=["钱晨"],
    editor="许诺",
    channel="交通",
    family="spa",
    traits=[
        "styled_components_classes",
        "div_paragraphs",
        "dotted_date",
        "end_byline",
        "lazy_images",
    ],
    text="""
12月11日上午，随着最后一方混凝土浇筑完成，杭州湾跨海铁路大桥南航道桥主塔顺利封顶，大桥建设进入上部结构施工的关键阶段。
杭州湾跨海铁路大桥是通苏嘉甬铁路的控制性工程，全长约29.2公里，设计时速350公里，建成后将成为世界上最长、设计时速最高的跨海高铁大桥。
!https://img.tmdemo-news.cn/2024/12/11/c0a1b2.jpg
^封顶后的南航道桥主塔。
南航道桥主塔高约240米，相当于80层楼高。施工团队介绍，主塔所在海域潮差大、流速急，受台风等恶劣天气影响频繁，每年有效施工时间不足200天。为此，团队采用智能爬模系统和自动化监测设备，实现了主塔施工的毫米级精度控制。
“海上施工最难的是和天气‘抢时间’。”项目负责人说，为保证进度，施工人员常常要在凌晨赶潮水作业，有时一干就是十几个小时。
据了解，大桥建成后，从宁波到苏州、上海的铁路出行时间将大幅缩短，宁波至上海有望实现1小时左右通达，对促进长三角一体化发展具有重要意义。
目前，大桥北航道桥主塔施工也在同步推进，全线桥梁下部结构已完成约七成。
@（记者 孔令斌 通讯员 钱晨）
""",
)


def tm_page(a: Art) -> str:
    body = paragraphs_html(
        a,
        p='<div class="sc-gsTCUz bhdLno">{}</div>',
        img='<div class="sc-dlfnbm hqvLZa"><img class="sc-hKgILt jJlPvN" data-original="{}" src="/static/blank.png" alt=""/></div>',
        cap='<div class="sc-eCssSg kPnLsJ">{}</div>',
        by='<div class="sc-gsTCUz bhdLno">{}</div>',
    )
    rec = "".join(
        f'<a class="sc-jSgupP dLvGxa" href="/article/{i:02x}a9e{i}c3d1.html"><div class="sc-gKsewC eSMBqG">{h}</div></a>'
        for i, h in enumerate(pick_headlines(a.url, 8, a.title))
    )
    body = body.replace('data-original="', 'data-src="')
    return f"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>天目新闻</title><style data-styled="active" data-styled-version="5.3.5">.bhdLno{{font-size:17px;line-height:1.85;margin-bottom:18px;text-align:justify}}.kPnLsJ{{color:#888;font-size:13px;text-align:center}}</style></head><body><div id="root"><div class="sc-bdfBwQ kZqTRp"><div class="sc-iBPRYJ gxSvXN"><a href="/" class="sc-fubCfw bjPxqb">天目新闻</a><div class="sc-pFZIQ iUMRsE"><a href="/channel/jiaotong">{a.channel}</a><a href="/channel/keji">科技</a><a href="/channel/shehui">社会</a></div></div><div class="sc-jrAGrp kYPNvJ"><div class="sc-kEjbxe eCvIbw">{a.title}</div><div class="sc-iqHYGH fTzdVM"><span>{a.origin}</span><span>{a.d("dotday")} {a.d("iso")[11:]}</span><span>阅读 1.2万</span></div><div class="sc-crrsfI hGnQce">{body}</div><div class="sc-dQppl bWvtjV">责任编辑：{a.editor}</div><div class="sc-xyEjG eQJkPs"><span>点赞 326</span><span>转发</span><span>收藏</span></div><div class="sc-TBWPX cPxGTm"><div class="sc-jcFjpl kMpGYq">推荐阅读</div>{rec}</div></div><div class="sc-hBUSln eYHIPS">天目新闻 版权所有 {icp(TM)}</div></div></div><script>window.__APOLLO_STATE__={{"Article:6f1c9e2a8b":{{"title":"{a.title}","publishAt":{int(a.dt.timestamp())}000}}}}</script></body></html>"""


def build_tm() -> None:
    write_page(CORPUS, TM_ART.url, tm_page(TM_ART))
    write_expected(CORPUS, TM_ART, "utf-8")
