"""Themes of an article: the codes of ``data/themes.json``, several per article.

A one-vs-rest logistic regression over TF-IDF of ``features.tokens`` plus, for every theme, the
count of its keywords in five languages (below). The keywords are what lets the model carry a
theme over to wording it never saw; the TF-IDF part learns the rest from the labelled set and
the editors' corrections.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import MultiLabelBinarizer

from .features import Lexicon, LinearHeads, fit_one_vs_rest, tokens

__all__ = ["THEMES_PATH", "theme_codes", "KEYWORDS", "ThemeModel"]

THEMES_PATH = Path(__file__).resolve().parents[2] / "data" / "themes.json"


@lru_cache(maxsize=1)
def theme_codes() -> tuple[str, ...]:
    return tuple(t["code"] for t in json.loads(THEMES_PATH.read_text(encoding="utf-8"))["themes"])


KEYWORDS: dict[str, list[str]] = {
    "kinh-te-dau-tu": [
        "đầu tư", "nhà đầu tư", "FDI", "vốn", "doanh nghiệp", "kinh tế", "khu công nghiệp", "KCN", "khu kinh tế",
        "cảng biển", "logistics", "xuất khẩu", "nhập khẩu", "ngân sách", "tăng trưởng", "GRDP", "nhà máy", "dự án",
        "hàng hóa", "container", "TEU", "thương mại", "sản xuất", "công nghiệp", "kim ngạch", "thuế", "kho bãi",
        "investment", "investor", "investors", "economy", "economic", "industrial park", "industrial zone", "port",
        "logistics", "export", "exports", "import", "budget", "growth", "factory", "factories", "cargo", "trade",
        "manufacturing", "shipping", "投资", "外资", "经济", "工业园", "工业区", "经济区", "港口", "物流", "出口",
        "进口", "预算", "工厂", "项目", "货物", "集装箱", "贸易", "企业", "吞吐量", "투자", "경제", "산업단지",
        "경제구역", "항만", "물류", "수출", "수입", "예산", "공장", "화물", "컨테이너", "무역", "기업", "물동량",
        "投資", "経済", "工業団地", "経済区", "港湾", "輸出", "輸入", "予算", "工場", "貨物", "コンテナ", "貿易", "企業",
        "取扱量", "investissement", "Investition", "inversión", "инвестиц", "การลงทุน", "investasi",
    ],
    "du-lich": [
        "du lịch", "du khách", "lượt khách", "khách sạn", "lữ hành", "tour", "điểm đến", "bãi biển", "bãi tắm",
        "tham quan", "homestay", "nghỉ dưỡng", "resort", "lưu trú", "khách quốc tế", "tàu du lịch", "tourism",
        "tourist", "tourists", "visitor", "visitors", "hotel", "hotels", "destination", "beach", "cruise", "travel",
        "sightseeing", "旅游", "游客", "酒店", "景区", "海滩", "度假", "邮轮", "旅行社", "观光", "民宿", "目的地",
        "관광", "관광객", "호텔", "여행", "해변", "크루즈", "여행사", "리조트", "여행지", "観光", "観光客", "ホテル",
        "旅行", "ビーチ", "クルーズ", "旅行会社", "リゾート", "旅行先", "tourisme", "touristes", "Tourismus",
        "turistas", "туризм", "นักท่องเที่ยว", "wisata", "wisatawan",
    ],
    "van-hoa-xa-hoi": [
        "văn hóa", "nghệ thuật", "giáo dục", "trường học", "học sinh", "sinh viên", "bệnh viện", "y tế", "bóng đá",
        "thể thao", "lao động", "công nhân", "việc làm", "thư viện", "triển lãm", "tuyển sinh", "khai giảng",
        "bệnh nhân", "cầu thủ", "giải đấu", "sức khỏe", "culture", "art", "education", "school", "students", "hospital",
        "health", "football", "sport", "workers", "jobs", "library", "exhibition", "exam", "patients", "players",
        "league", "文化", "艺术", "教育", "学校", "学生", "医院", "医疗", "足球", "体育", "工人", "就业", "图书馆",
        "展览", "考试", "患者", "球员", "联赛", "문화", "예술", "교육", "학교", "학생", "병원", "의료", "축구", "노동",
        "근로자", "일자리", "도서관", "전시", "환자", "선수", "리그", "芸術", "学校", "生徒", "病院", "医療", "サッカー",
        "スポーツ", "労働者", "雇用", "図書館", "患者", "選手", "リーグ",
    ],
    "chinh-quyen": [
        "chính quyền", "UBND", "HĐND", "ủy ban nhân dân", "hội đồng nhân dân", "cải cách hành chính",
        "thủ tục hành chính", "dịch vụ công", "cán bộ", "công chức", "kỷ luật", "bổ nhiệm", "tiếp công dân", "cử tri",
        "đất đai", "thanh tra", "kỳ họp", "nghị quyết", "khiếu nại", "sai phạm", "hành chính công", "một cửa",
        "government", "authorities", "People's Committee", "People's Council", "administrative", "public services",
        "officials", "disciplined", "appointment", "citizens", "voters", "land management", "inspectors", "session",
        "resolution", "complaints", "政府", "人民委员会", "人民议会", "行政", "公共服务", "干部", "纪律", "任命",
        "选民", "土地", "检查", "决议", "投诉", "정부", "인민위원회", "인민의회", "행정", "공공서비스", "공무원",
        "징계", "임명", "유권자", "토지", "감사", "결의", "민원", "人民委員会", "人民評議会", "行政", "公共サービス",
        "幹部", "処分", "任命", "有権者", "土地", "監査", "決議", "苦情",
    ],
    "bien-dao": [
        "biển đảo", "chủ quyền", "ngư dân", "tàu cá", "Hoàng Sa", "Trường Sa", "Biển Đông", "ngư trường", "hải lý",
        "đánh bắt", "hải sản", "IUU", "cảnh sát biển", "hải đăng", "vươn khơi", "bám biển", "trên đảo", "ra đảo",
        "sovereignty", "fishermen", "fishing boat", "fishing boats", "Hoang Sa", "Truong Sa", "East Sea",
        "nautical miles", "fishing", "coast guard", "lighthouse", "offshore", "maritime", "island", "主权", "渔民",
        "渔船", "黄沙", "长沙", "东海", "海里", "捕捞", "海警", "灯塔", "远海", "海岛", "岛上", "주권", "어민", "어선",
        "호앙사", "쯔엉사", "해리", "조업", "해경", "등대", "원양", "해양", "섬", "主権", "漁民", "漁船", "ホアンサ",
        "チュオンサ", "海里", "操業", "灯台", "遠洋", "海洋", "島の",
    ],
    "quoc-phong-an-ninh": [
        "quốc phòng", "an ninh", "quân sự", "quân đội", "biên phòng", "công an", "cảnh sát", "tội phạm", "ma túy",
        "bắt giữ", "khởi tố", "diễn tập", "nhập ngũ", "lừa đảo", "an ninh mạng", "trật tự", "cứu nạn", "đối tượng",
        "chuyên án", "dân quân", "defence", "security", "military", "army", "border guards", "police", "crime",
        "drug", "drugs", "arrested", "exercise", "enlistment", "scam", "scams", "fraud", "cyber", "rescue",
        "suspects", "国防", "军事", "军队", "边防", "公安", "警察", "犯罪", "毒品", "抓获", "演习", "入伍", "诈骗",
        "救援", "嫌疑人", "국방", "군사", "국경수비대", "경찰", "범죄", "마약", "체포", "훈련", "입대", "사기", "구조",
        "용의자", "国防", "軍事", "国境警備隊", "警察", "犯罪", "麻薬", "逮捕", "演習", "入隊", "詐欺", "救助", "容疑者",
    ],
    "nhan-quyen-ton-giao": [
        "tôn giáo", "tín ngưỡng", "nhân quyền", "dân tộc thiểu số", "dân chủ", "Công giáo", "Phật giáo", "Phật đản",
        "Giáng sinh", "nhà thờ", "nhà chùa", "ngôi chùa", "giáo xứ", "giáo dân", "phật tử", "chức sắc", "giáo phận", "tín đồ",
        "religion", "religious", "belief", "human rights", "ethnic", "democracy", "Catholic", "Buddhist", "Vesak",
        "Christmas", "church", "churches", "pagoda", "parish", "parishes", "diocese", "宗教", "信仰", "人权", "民主",
        "天主教", "佛教", "佛诞", "圣诞", "教堂", "寺庙", "教区", "教友", "信众", "종교", "신앙", "인권", "민주",
        "가톨릭", "불교", "성탄절", "성당", "사찰", "본당", "교구", "신자", "신도", "宗教", "信仰", "人権", "民主",
        "カトリック", "仏教", "クリスマス", "教会", "寺院", "教区", "信者",
    ],
    "giam-ngheo": [
        "giảm nghèo", "hộ nghèo", "cận nghèo", "an sinh", "trợ giúp xã hội", "nhà ở xã hội", "nhà tạm", "dột nát",
        "người có công", "quà Tết", "trợ cấp", "thu nhập thấp", "hoàn cảnh khó khăn", "poverty", "poor households",
        "poor families", "near-poor", "welfare", "social assistance", "social housing", "makeshift homes",
        "people with merit", "gift packages", "low-income", "扶贫", "贫困", "贫困户", "社会保障", "社会救助",
        "社会住房", "危房", "有功人员", "礼品", "低收入", "빈곤", "복지", "사회보조", "사회주택", "임시 주택",
        "유공자", "선물", "저소득층", "貧困", "貧困世帯", "福祉", "社会扶助", "社会住宅", "仮設住宅", "功労者",
        "贈り物", "低所得",
    ],
    "hang-viet-tmdt": [
        "hàng Việt", "OCOP", "thương mại điện tử", "sàn thương mại điện tử", "trực tuyến", "livestream", "hội chợ",
        "hàng giả", "nhãn hiệu", "người tiêu dùng", "quản lý thị trường", "hàng lậu", "gian hàng",
        "Vietnamese goods", "e-commerce", "online sales", "fair", "counterfeit", "consumers", "market surveillance",
        "smuggled", "越南货", "电商", "电子商务", "线上", "直播", "展销会", "假冒", "品牌", "消费者", "市场管理",
        "베트남 상품", "전자상거래", "온라인", "라이브", "박람회", "위조", "상표", "소비자", "시장관리", "밀수",
        "ベトナム製品", "Eコマース", "EC", "オンライン", "ライブ配信", "フェア", "偽", "ブランド", "消費者", "市場管理", "密輸",
    ],
    "su-kien-ky-niem": [
        "lễ hội", "kỷ niệm", "giải phóng", "đại hội", "Đảng bộ", "khai mạc", "bế mạc", "pháo hoa", "festival",
        "mít tinh", "ngày thành lập", "chào mừng", "Hoa Phượng Đỏ", "anniversary", "liberation", "congress",
        "Party Committee", "ceremony", "fireworks", "celebration", "rally", "节", "纪念", "解放", "代表大会", "党",
        "仪式", "开幕", "烟花", "庆祝", "集会", "周年", "庙会", "축제", "기념", "해방", "대회", "당위원회", "개막",
        "불꽃", "집회", "주년", "祭り", "記念", "解放", "大会", "党委員会", "式典", "開幕", "花火", "集会", "周年",
        "festival", "Festival", "fête",
    ],
    "su-co-thien-tai": [
        "cơn bão", "bão số", "siêu bão", "bão", "mưa lớn", "lũ lụt", "lũ quét", "ngập", "sạt lở", "lốc xoáy", "vụ cháy", "bốc cháy", "cháy", "hỏa hoạn", "tai nạn", "tử vong", "thiệt hại",
        "bị thương", "sự cố", "thiên tai", "sơ tán", "khắc phục hậu quả", "va chạm", "thiệt mạng", "typhoon", "storm",
        "heavy rain", "flood", "flooded", "landslide", "whirlwind", "fire", "blaze", "accident", "killed", "damage",
        "injured", "incident", "disaster", "evacuate", "crash", "collision", "台风", "暴雨", "洪水", "积水", "滑坡",
        "龙卷风", "火灾", "起火", "事故", "死亡", "受伤", "灾害", "疏散", "相撞", "태풍", "폭우", "홍수", "침수",
        "산사태", "회오리바람", "화재", "사고", "사망", "부상", "재난", "대피", "충돌", "台風", "大雨", "洪水", "冠水",
        "土砂崩れ", "竜巻", "火災", "事故", "死亡", "負傷", "災害", "避難", "衝突", "typhon", "Taifun", "тайфун",
        "banjir", "น้ำท่วม",
    ],
    "moi-truong": [
        "môi trường", "ô nhiễm", "rác thải", "nước thải", "rừng ngập mặn", "quan trắc", "khí hậu",
        "biến đổi khí hậu", "xói lở", "phân loại rác", "chất thải", "không khí", "mùi hôi", "rác", "nhựa",
        "environment", "environmental", "pollution", "polluted", "waste", "wastewater", "mangrove", "mangroves",
        "monitoring", "climate", "erosion", "air quality", "smell", "plastic", "landfill", "rubbish", "环境", "污染",
        "垃圾", "废水", "污水", "红树林", "监测", "气候", "侵蚀", "垃圾分类", "空气质量", "恶臭", "塑料", "환경",
        "오염", "쓰레기", "폐수", "맹그로브", "측정", "기후", "침식", "분리배출", "대기질", "악취", "플라스틱", "매립",
        "環境", "汚染", "ごみ", "排水", "マングローブ", "観測", "気候", "侵食", "分別", "大気質", "悪臭", "プラスチック",
        "埋め立て",
    ],
}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon({code: KEYWORDS.get(code, []) for code in theme_codes()})


def _documents(examples: list[dict]) -> list[str]:
    return [f"{e['title']}\n{e['title']}\n{e['text']}" for e in examples]


class ThemeModel:
    """Multi-label theme classifier: every theme whose probability reaches ``threshold`` (0.6, chosen
    by grouped 5-fold cross-validation on the training split), at least the most likely one."""

    def __init__(self, threshold: float = 0.6, keyword_weight: float = 1.0, C: float = 8.0):
        self.threshold = threshold
        self.keyword_weight = keyword_weight
        self.C = C

    def _matrix(self, examples: list[dict], fit: bool = False):
        docs = _documents(examples)
        if fit:
            self.vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=1, max_features=60000)
            text = self.vectorizer.fit_transform(docs)
        else:
            text = self.vectorizer.transform(docs)
        lex = np.vstack([lexicon().vector(e["title"], e["text"]) for e in examples]) * self.keyword_weight
        return sparse.hstack([text, sparse.csr_matrix(lex)]).tocsr()

    def fit(self, examples: list[dict], weights: list[float] | None = None) -> ThemeModel:
        self.codes = list(theme_codes())
        self.binarizer = MultiLabelBinarizer(classes=self.codes)
        y = self.binarizer.fit_transform([[t for t in e["themes"] if t in self.codes] for e in examples])
        X = self._matrix(examples, fit=True)
        w = None if weights is None else np.asarray(weights, dtype=float)
        # one-vs-rest, with the editors' weights
        self.models = fit_one_vs_rest(X, [y[:, j] for j in range(len(self.codes))], w, C=self.C, max_iter=2000)
        self.heads = LinearHeads(self.models, X.shape[1])
        return self

    def probabilities(self, examples: list[dict]) -> np.ndarray:
        X = self._matrix(examples)
        return self.heads.probabilities(X)

    def decide(self, probs: np.ndarray, threshold: float | None = None) -> list[list[str]]:
        threshold = self.threshold if threshold is None else threshold
        out = []
        for row in probs:
            chosen = [self.codes[i] for i in np.argsort(-row) if row[i] >= threshold][:4]
            out.append(chosen or [self.codes[int(np.argmax(row))]])
        return out

    def predict(self, examples: list[dict]) -> list[list[str]]:
        return self.decide(self.probabilities(examples))
