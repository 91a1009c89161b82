"""Sentiment of an article toward the city: "positive", "neutral" or "negative".

Labelling rule of the training set: *positive* when the article improves the city's image
(growth, records, awards, successful events, good public services, rescues); *negative* when it
harms it (accidents, disasters and their damage, pollution, wrongdoing, crime, complaints,
delays, distorted reports); *neutral* for announcements, plans, schedules, meetings and
forecasts. One-vs-rest logistic regressions over TF-IDF of ``features.tokens`` plus counts of
positive and negative words in five languages.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .features import Lexicon, LinearHeads, fit_one_vs_rest, tokens

__all__ = ["LABELS", "WORDS", "SentimentModel"]

LABELS = ("positive", "neutral", "negative")

WORDS: dict[str, list[str]] = {
    "positive": [
        "tăng trưởng", "tăng mạnh", "kỷ lục", "thành công", "hiệu quả", "thu hút", "phát triển", "khánh thành",
        "vượt kế hoạch", "dẫn đầu", "hài lòng", "đánh giá cao", "tích cực", "ấn tượng", "hấp dẫn", "rực rỡ",
        "phấn khởi", "vui mừng", "khang trang", "cải thiện", "nâng cao", "cứu sống", "biểu dương", "giải thưởng",
        "chiến thắng", "thuận lợi", "sôi động", "niềm vui", "xúc động", "tôn vinh", "về đích", "bứt phá", "xanh tốt",
        "hồi sinh", "an toàn", "kiên cố", "ấm áp", "tự hào", "khen", "cao nhất", "tốt nhất", "được mùa",
        "growth", "record", "success", "successful", "successfully", "effective", "attracted", "attractive",
        "inaugurated", "exceeded", "top", "satisfied", "satisfaction", "praised", "positive", "impressive", "joy",
        "improve", "improved", "saved", "award", "won", "win", "thriving", "delighted", "ahead of schedule", "solid",
        "welcomed", "boom", "booms", "highest", "best", "proud",
        "增长", "创纪录", "历史新高", "成功", "圆满", "吸引", "发展", "超过", "居首", "首位", "满意", "高度评价", "亮眼",
        "喜", "改善", "救起", "获胜", "大胜", "振奋", "提前", "坚固", "温暖", "快乐", "惊叹", "热销", "丰收",
        "성장", "사상 최대", "역대 최고", "성공", "성황", "유치", "발전", "1위", "만족", "높이 평가", "인상적", "기쁨",
        "개선", "승리", "완승", "대승", "감격", "앞당겨", "따뜻", "호조", "급증", "감탄", "풍작", "환영",
        "成長", "過去最高", "成功", "誘致", "発展", "上回", "首位", "満足", "高く評価", "好調", "喜び", "改善", "勝利",
        "快勝", "大勝", "歓迎", "前倒し", "魅了", "感嘆", "急増", "豊作", "早く完了",
        "record", "Rekord", "récord", "рекорд", "rekor", "สูงเป็นประวัติการณ์",
        # general words of improvement, help and welcome
        "khắc phục", "khôi phục", "phục hồi", "ổn định", "chung tay", "giúp đỡ", "tình nguyện", "thuận tiện",
        "cơ hội", "kỳ vọng", "cú hích", "chào đón", "trao tặng", "tặng quà", "miễn phí", "ý nghĩa", "kịp thời",
        "thông thoáng", "yên tâm", "khởi nghiệp", "đoàn kết", "hòa hợp", "trang nghiêm", "long trọng", "hiện đại",
        "mạnh dạn", "tăng thêm", "lan tỏa", "nhân ái", "tương thân tương ái", "hưởng ứng", "đột phá",
        "recover", "recovery", "restored", "volunteers", "helped", "help", "opportunity", "opportunities", "boost",
        "welcome", "free", "quickly", "modern", "convenient", "warmth", "harmony", "solemn", "expand", "new route",
        "恢复", "志愿者", "帮助", "互帮互助", "机会", "欢迎", "免费", "迅速", "现代", "便利", "和谐", "庄严", "开通",
        "복구", "자원봉사", "도왔", "기회", "무료", "신속", "현대", "편리", "조화", "엄숙", "개통", "안정적",
        "復旧", "ボランティア", "機会", "無料", "迅速", "近代的", "便利", "温か", "厳か", "開通", "安定した",
    ],
    "negative": [
        "thiệt hại", "tai nạn", "cháy", "tử vong", "thiệt mạng", "bị thương", "ô nhiễm", "sai phạm", "vi phạm",
        "chậm tiến độ", "bức xúc", "ngập", "sạt lở", "khởi tố", "bắt giữ", "tham nhũng", "ùn tắc", "chặt chém",
        "xuống cấp", "giảm mạnh", "sụt giảm", "mất việc", "khó khăn", "lừa đảo", "quá tải", "hôi thối", "lãng phí",
        "xuyên tạc", "sai lệch", "thất vọng", "lộn xộn", "kỷ luật", "bỏ hoang", "thiếu hụt", "phản cảm", "hoang mang",
        "lo lắng", "nghiêm trọng", "bất cập", "thất thoát", "ép giá", "ngán ngẩm", "nhếch nhác", "chen lấn",
        "damage", "accident", "fire", "killed", "dead", "injured", "pollution", "polluted", "violations",
        "wrongdoing", "delays", "behind schedule", "angry", "anger", "flooded", "landslide", "prosecuted", "arrested",
        "corruption", "traffic jams", "overcharged", "overcharging", "gouging", "fell", "decline", "lost", "layoffs",
        "struggle", "struggling", "scam", "scams", "fraud", "overloaded", "foul", "waste", "distort", "false",
        "disappoint", "chaos", "disciplined", "abandoned", "shortage", "worried", "serious", "criticised", "losses",
        "损失", "事故", "火灾", "死亡", "受伤", "污染", "违规", "违反", "滞后", "不满", "积水", "滑坡", "起诉", "抓获",
        "腐败", "拥堵", "宰客", "下降", "下滑", "失业", "裁员", "困难", "困境", "诈骗", "超负荷", "恶臭", "浪费",
        "歪曲", "不实", "失望", "混乱", "处分", "荒废", "短缺", "担忧", "严重", "投诉", "倒彩", "脏乱",
        "피해", "사고", "화재", "사망", "숨지", "부상", "다쳤", "오염", "위반", "비리", "지연", "불만", "침수", "산사태",
        "기소", "체포", "부패", "체증", "바가지", "감소", "줄었", "해고", "어려", "사기", "과밀", "악취", "낭비", "왜곡",
        "허위", "실망", "아수라장", "징계", "방치", "부족", "우려", "불안", "심각", "야유", "손실", "훼손",
        "被害", "事故", "火災", "死亡", "負傷", "汚染", "違反", "不正", "遅れ", "不満", "冠水", "土砂崩れ", "起訴",
        "逮捕", "汚職", "渋滞", "ぼったくり", "減少", "落ち込", "解雇", "苦境", "詐欺", "悪臭", "無駄", "歪曲",
        "誤情報", "落胆", "混乱", "処分", "放置", "不足", "懸念", "不安", "深刻", "ブーイング", "損失", "批判", "傷つけ",
        "dévaste", "verwüstet", "обрушился", "погибшие", "huelga", "banjir",
        "khủng hoảng", "đình trệ", "thua lỗ", "xử phạt", "bị phạt", "đáng lo ngại", "ảnh hưởng nghiêm trọng",
        "nạn nhân", "bức bối", "than phiền", "sập", "crisis", "fined", "penalty", "victims", "died", "death",
        "harm", "complained", "collapse", "collapsed", "危机", "罚款", "受害", "遇难", "倒塌", "위기", "벌금",
        "피해자", "붕괴", "危機", "罰金", "被害者", "倒壊",
    ],
    "neutral": [
        "kế hoạch", "dự kiến", "thông báo", "ban hành", "quy định", "lấy ý kiến", "hội nghị", "kỳ họp",
        "tổ chức", "triển khai", "dự báo", "theo kế hoạch", "đăng ký", "plan", "will", "scheduled", "announced",
        "issued", "rules", "regulations", "conference", "session", "forecast", "expected", "计划", "将", "预计",
        "公布", "发布", "规定", "会议", "征求意见", "预报", "계획", "예정", "발표", "규정", "회의", "의견 수렴", "전망",
        "計画", "予定", "発表", "規則", "会議", "意見", "見通し", "予想",
        "lịch", "hướng dẫn", "đề xuất", "dự thảo", "phương án", "tập huấn", "theo dõi", "draft", "proposal",
        "guidelines", "training course", "草案", "方案", "培训", "초안", "방안", "교육", "草案", "研修",
    ],
}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(WORDS)


class SentimentModel:
    """Three-class sentiment classifier."""

    def __init__(self, C: float = 3.0, keyword_weight: float = 1.0):
        self.C = C
        self.keyword_weight = keyword_weight

    def _matrix(self, examples: list[dict], fit: bool = False):
        docs = [f"{e['title']}\n{e['title']}\n{e['text']}" for e in examples]
        if fit:
            self.vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=1, max_features=60000)
            text = self.vectorizer.fit_transform(docs)
        else:
            text = self.vectorizer.transform(docs)
        rows = []
        for e in examples:
            v = lexicon().vector(e["title"], e["text"])
            t = lexicon().vector(e["title"], "")  # the headline's own tone
            rows.append(np.concatenate([v, [v[0] - v[1]], t, [t[0] - t[1]]]))
        lex = np.vstack(rows) * self.keyword_weight
        return sparse.hstack([text, sparse.csr_matrix(lex)]).tocsr()

    def fit(self, examples: list[dict], weights: list[float] | None = None) -> SentimentModel:
        y = np.array([e["sentiment"] for e in examples])
        X = self._matrix(examples, fit=True)
        w = None if weights is None else np.asarray(weights, dtype=float)
        self.labels = [label for label in LABELS if label in set(y)]
        # one-vs-rest (fast on wide sparse data), then the likeliest
        self.models = fit_one_vs_rest(X, [(y == label).astype(int) for label in self.labels], w,
                                      C=self.C, max_iter=3000)
        self.heads = LinearHeads(self.models, X.shape[1])
        return self

    def probabilities(self, examples: list[dict]) -> np.ndarray:
        X = self._matrix(examples)
        P = self.heads.probabilities(X)
        return P / np.maximum(P.sum(axis=1, keepdims=True), 1e-12)

    def predict(self, examples: list[dict]) -> list[str]:
        return [self.labels[i] for i in np.argmax(self.probabilities(examples), axis=1)]
