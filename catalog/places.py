"""Names of teaching languages and destination cities in the reader's language.

The catalogue keeps languages as ISO 639-1 codes and cities as their English names (the exchange format's
`languages` and `city`); the Chinese site shows the usual Chinese names (CLDR's for languages, the common
transliterations for cities). A code or a city not in the tables shows as it is written."""

from __future__ import annotations

import re

from catalog.text import reader_is_chinese

# ISO 639-1 code: (Chinese, English), the names CLDR gives.
LANGUAGES = {
    "ar": ("阿拉伯语", "Arabic"),
    "cs": ("捷克语", "Czech"),
    "da": ("丹麦语", "Danish"),
    "de": ("德语", "German"),
    "el": ("希腊语", "Greek"),
    "en": ("英语", "English"),
    "es": ("西班牙语", "Spanish"),
    "fi": ("芬兰语", "Finnish"),
    "fr": ("法语", "French"),
    "he": ("希伯来语", "Hebrew"),
    "hu": ("匈牙利语", "Hungarian"),
    "id": ("印度尼西亚语", "Indonesian"),
    "it": ("意大利语", "Italian"),
    "ja": ("日语", "Japanese"),
    "ko": ("韩语", "Korean"),
    "ms": ("马来语", "Malay"),
    "nl": ("荷兰语", "Dutch"),
    "no": ("挪威语", "Norwegian"),
    "nb": ("书面挪威语", "Norwegian Bokmål"),
    "pl": ("波兰语", "Polish"),
    "pt": ("葡萄牙语", "Portuguese"),
    "ru": ("俄语", "Russian"),
    "sv": ("瑞典语", "Swedish"),
    "th": ("泰语", "Thai"),
    "tr": ("土耳其语", "Turkish"),
    "uk": ("乌克兰语", "Ukrainian"),
    "vi": ("越南语", "Vietnamese"),
    "zh": ("中文", "Chinese"),
}
_BY_ENGLISH_NAME = {english.lower(): code for code, (_zh, english) in LANGUAGES.items()}

# A city's English name, as the catalogue writes it: its Chinese name.
CITIES = {
    "Aachen": "亚琛",
    "Amsterdam": "阿姆斯特丹",
    "Auckland": "奥克兰",
    "Barcelona": "巴塞罗那",
    "Berlin": "柏林",
    "Bonn": "波恩",
    "Boston": "波士顿",
    "Brussels": "布鲁塞尔",
    "Cambridge": "剑桥",
    "Cambridge, MA": "剑桥（马萨诸塞州）",
    "Canberra": "堪培拉",
    "Carlow": "卡洛",
    "Copenhagen": "哥本哈根",
    "Daejeon": "大田",
    "Delft": "代尔夫特",
    "Dresden": "德累斯顿",
    "Dublin": "都柏林",
    "Edinburgh": "爱丁堡",
    "Espoo": "埃斯波",
    "Frankfurt": "法兰克福",
    "Frederiksberg": "腓特烈斯贝",
    "Freiburg": "弗莱堡",
    "Geneva": "日内瓦",
    "Gif-sur-Yvette": "伊维特河畔日夫",
    "Haifa": "海法",
    "Hamburg": "汉堡",
    "Helsinki": "赫尔辛基",
    "Hämeenlinna": "海门林纳",
    "Kokubunji": "国分寺",
    "Kongens Lyngby": "灵比",
    "Lausanne": "洛桑",
    "Leuven": "鲁汶",
    "Lincoln": "林肯",
    "Lohr am Main": "美因河畔洛尔",
    "London": "伦敦",
    "Los Angeles": "洛杉矶",
    "Lyon": "里昂",
    "Madrid": "马德里",
    "Manchester": "曼彻斯特",
    "Melbourne": "墨尔本",
    "Milan": "米兰",
    "Moscow": "莫斯科",
    "Munich": "慕尼黑",
    "New York": "纽约",
    "Oslo": "奥斯陆",
    "Osaka": "大阪",
    "Oxford": "牛津",
    "Paris": "巴黎",
    "Rehovot": "雷霍沃特",
    "Rishon LeZion": "里雄莱锡安",
    "Rome": "罗马",
    "Rotterdam": "鹿特丹",
    "Seoul": "首尔",
    "Singapore": "新加坡",
    "Stanford": "斯坦福",
    "Stockholm": "斯德哥尔摩",
    "Strasbourg": "斯特拉斯堡",
    "Stuttgart": "斯图加特",
    "Sydney": "悉尼",
    "Tel Aviv": "特拉维夫",
    "Tokyo": "东京",
    "Toronto": "多伦多",
    "Toulouse": "图卢兹",
    "Trondheim": "特隆赫姆",
    "Vienna": "维也纳",
    "Wageningen": "瓦赫宁根",
    "Washington": "华盛顿",
    "Zollikofen": "措利科芬",
    "Zurich": "苏黎世",
}
_CITIES_FOLDED = {name.casefold(): chinese for name, chinese in CITIES.items()}


def language_name(code: str) -> str:
    """A teaching language, given as a code ("de") or an English name ("German"), in the reader's language."""
    value = (code or "").strip()
    key = value.lower() if value.lower() in LANGUAGES else _BY_ENGLISH_NAME.get(value.lower())
    if key is None:
        return value
    chinese, english = LANGUAGES[key]
    return chinese if reader_is_chinese() else english


def city_name(name: str) -> str:
    """A city in the reader's language."""
    value = (name or "").strip()
    if reader_is_chinese():
        return _CITIES_FOLDED.get(value.casefold(), value)
    return value


def city_names(text: str) -> str:
    """Cities as a proposal lists them ("Munich, Stuttgart"), each in the reader's language."""
    if not text or text.strip().casefold() in _CITIES_FOLDED:  # one city, perhaps "Cambridge, MA"
        return city_name(text)
    names = [city_name(part) for part in re.split(r"[,，、;；]", text) if part.strip()]
    return ("、" if reader_is_chinese() else ", ").join(names)
