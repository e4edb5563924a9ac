//! Word lists shared by several parts of extraction, each defined once, in simplified
//! characters only: they are matched against a line's key (`text::fold`), in which
//! traditional characters are already folded.

/// Markers that open a brief or a marked headline, the first rules' set and arrows.
pub(crate) const BRIEF_MARKS: [char; 11] = ['■', '▲', '●', '◆', '※', '□', '★', '▶', '►', '◇', '▷'];

/// Words that end the title of a notice (公告, 通知 …).
pub(crate) const NOTICE_WORDS: &[&str] = &[
    "公告", "通告", "启事", "声明", "公示", "招标", "讣告", "通知",
];

/// Words that open a caption or brief with a time rather than its subject.
pub(crate) const TIME_OPENERS: &[&str] = &[
    "近日",
    "日前",
    "近年来",
    "近期",
    "目前",
    "今年以来",
    "连日来",
    "近年",
    "当天",
    "同日",
    "昨日",
    "昨天",
    "今天",
    "今日",
];

/// Sentence punctuation: a line holding one is running text, not a label or a headline.
pub(crate) const SENTENCE_MARKS: [char; 8] = ['。', '，', ',', '！', '？', '；', ';', '!'];

/// Endings of a news organisation's name in a dateline (`某某网讯`, `本站讯`,
/// `某某融媒8月5日讯`) or before a report's `消息` (`某某客户端8月5日消息`), in the order
/// they are tried.
pub(crate) const NEWS_ORG_ENDS: [&str; 10] = [
    "社",
    "站",
    "网",
    "台",
    "报",
    "融媒",
    "客户端",
    "新闻",
    "传媒",
    "号",
];

/// Words of a line that gives a story's date and source (`2025年8月6日  来源：某某中心`).
pub(crate) const META_WORDS: [&str; 3] = ["来源", "发布", "时间"];

/// Last characters of a news outlet's name (`某某网`, `某某报`, `某某台`, `某某社`, `某某端`).
pub(crate) const OUTLET_ENDS: [char; 6] = ['网', '报', '台', '社', '端', '刊'];

/// Labels of boxes that belong to the article before them, each with whether the box
/// holds background (a year in a link or background box is not the page's own year).
pub(crate) const BOX_LABELS: [(&str, bool); 9] = [
    ("相关链接", true),
    ("延伸阅读", true),
    ("背景资料", true),
    ("记者手记", false),
    ("编者按", false),
    ("链接", true),
    ("小贴士", false),
    ("名词解释", true),
    ("记者观察", false),
];
