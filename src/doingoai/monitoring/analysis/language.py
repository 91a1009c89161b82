"""Language of an article: "vi", "en", "zh", "ko", "ja", another ISO 639-1 code, or "other".

* The script decides first: kana → Japanese, Hangul → Korean, Han without kana → Chinese,
  Cyrillic → Russian, Thai → Thai.
* Latin script: letters only Vietnamese has (ư, ơ, ă, đ, a dot below, a hook above) mean
  Vietnamese; Vietnamese typed *without* diacritics ("Hai Phong don 1 trieu luot khach") is
  recognised by its syllables (every word a well-formed Vietnamese syllable, most of them
  common ones); anything else goes to lingua, restricted to the languages the foreign press
  about the city is written in.
* The page's own ``lang`` attribute counts for much on a short title and little on a long text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from doingoai.core.vntext import fold, normalize

__all__ = ["detect", "normalize_lang", "LATIN_LANGUAGES", "looks_like_unaccented_vietnamese"]

# Languages lingua chooses among for Latin-script text, and their codes.
LATIN_LANGUAGES = {
    "VIETNAMESE": "vi", "ENGLISH": "en", "FRENCH": "fr", "GERMAN": "de", "SPANISH": "es",
    "INDONESIAN": "id", "ITALIAN": "it", "PORTUGUESE": "pt", "DUTCH": "nl",
}
SAMPLE = 1500  # characters looked at
LINGUA_SAMPLE = 600  # of which lingua reads these: its cost grows with the text, its accuracy stops growing

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A Vietnamese syllable, written without its marks.
_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$")
# Frequent Vietnamese syllables, folded; short English/French/Indonesian words left out.
_COMMON_VI = frozenset("""
va cua cac nhung duoc trong nguoi nam thanh pho tinh cho voi khong da se la mot nay nhieu hon den tai tu ve nhu
khi cung dang co ra vao len lam viec sau truoc theo ngay thang hien cong tac phat trien kinh te dau du lich van hoa
xa hoi chinh quyen bien dao ninh quoc phong giao thong moi truong dan doanh nghiep khu cang hang xuat khau nhap
tang ty dong trieu nghin phan tram duong xay dung cau nha tren duoi giua ngoai chung toi minh ong anh chi em bao
sao gi ai nao nhat rat qua lai nua hay hoac neu thi nen vi boi tuy nhien con deu chua roi vua gio phut tuan quy ke
hoach chuong trinh nhiem vu trach uy ban nhan so bo nganh don lanh chu giam doc hanh quyet dinh nghi hop su kien
le dien chuc tham gia dai bieu khach luot dich san pham tri tong von lieu muc tieu ket hieu chat luong nang cai
thien tro giup ngheo tre hoc sinh benh vien suc khoe thao bong doi tuyen giai thua mua mien bac trung tam cuoc
song lao nuoc dat rung tau thuyen ca gan xa ngu ho ho tro can nhanh cham manh yeu tot xau dep moi cu khoang hang
tren toan bo tiep tuc thuc hien trien khai hoan thanh dat vuot ke hoach tiep nhan kiem tra xu ly vi pham bat giu
hai ba bon nam sau bay tam chin muoi tram nghin hai phong ha noi da nang hue dong nai khanh hoa viet
nhieu it lon nho cao thap rong hep sang toi chieu dem hom qua mai nam nay nam ngoai dau tien cuoi cung
vinh lan ha duc ngau ngan ngam sat lo de bao tram so tan man phao gay that vong khan san bay suat chuyen diem cai
tao via he hong bang quan huyen phuong xa thon ap khu vuc tuyen ben ga tram xe may oto tau bien dao song ho nui
rung dong ruong lua gao rau qua thit ca tom cua muoi nuoc dien xang dau than thep xi mang nhua go vai ao quan giay
thuoc benh vien bac si y ta hoc truong lop thay co giao sinh vien tre em nguoi gia phu nu thanh nien cong nhan nong
dan ngu dan doanh nhan lanh dao can bo chien si bo doi cong an canh sat toa an vien kiem sat luat phap quy dinh
nghi dinh thong tu quyet dinh chi thi cong van ky hop dong ban giao nghiem thu khoi cong khanh thanh dua vao su
dung van hanh khai thac dau gia mua ban thue cho vay no lai suat ngan hang tien te gia ca thi truong cho sieu thi
hang quan an uong ngu nghi choi xem nghe noi viet doc hieu biet hoi tra loi dong y phan doi ung ho giup do cuu
chua chay nổ no chet thuong vong mat tich tim kiem phat hien bat giu khoi to xet xu an tu phat tien canh bao du
bao mua gio bao lu lut ngap han han nang nong lanh ret am mat kho uot nhanh cham som muon truoc sau tren duoi
trong ngoai giua ben canh gan xa day mong dai ngan to nho rat kha hoi qua lam cung deu chi moi vua moi vua da
dang se chua sap van con het xong roi tiep tuc bat dau ket thuc mo dong tang giam len xuong ra vao di den ve lai
""".split())
_NOT_VI_HINT = frozenset("the and of to in for with on at by from is are was were this that port city new".split())
_VI_ONLY_MARKS = {"\u0323", "\u0309", "\u031b", "\u0306"}  # dot below, hook above, horn, breve


def normalize_lang(value: str | None) -> str | None:
    """"vi-VN" → "vi", "zh-Hans-CN" → "zh", "" → None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary or None


def _scripts(text: str) -> dict[str, int]:
    counts = {"latin": 0, "han": 0, "kana": 0, "hangul": 0, "cyrillic": 0, "thai": 0, "other": 0}
    for char in text:
        if not char.isalpha():
            continue
        code = ord(char)
        if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
            counts["latin"] += 1
        elif 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            counts["kana"] += 1
        elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            counts["hangul"] += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            counts["han"] += 1
        elif 0x0400 <= code <= 0x04FF:
            counts["cyrillic"] += 1
        elif 0x0E00 <= code <= 0x0E7F:
            counts["thai"] += 1
        else:
            counts["other"] += 1
    return counts


def _vietnamese_letters(text: str) -> int:
    count = 0
    for char in text:
        if char in "đĐ":
            count += 1
        elif ord(char) > 0x7F and char.isalpha():
            if _VI_ONLY_MARKS & set(unicodedata.normalize("NFD", char)):
                count += 1
    return count


def looks_like_unaccented_vietnamese(text: str) -> bool:
    """Vietnamese typed without diacritics: nearly every word a Vietnamese syllable, most of
    them frequent ones, hardly any English function word."""
    # Acronyms (FDI, KCN, UBND) are no syllables of any language: leave them out.
    words = [fold(w) for w in _WORD.findall(text) if not (w.isupper() and len(w) > 1)]
    words = [w for w in words if w.isascii()]
    if len(words) < 2:
        return False
    valid = sum(1 for w in words if _SYLLABLE.match(w))
    common = sum(1 for w in words if w in _COMMON_VI)
    foreign = sum(1 for w in words if w in _NOT_VI_HINT)
    n = len(words)
    return valid / n >= 0.85 and common / n >= 0.4 and foreign / n < 0.1


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in LATIN_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def warm_up() -> None:
    """Load lingua's models now rather than on the first article."""
    _detector()


# Languages not written in Latin script: a page declaring one of them says nothing of Latin text.
NON_LATIN = frozenset("zh ja ko ru uk bg sr mk be kk mn th lo km my ar fa ur he el hi bn ta te ka hy am".split())


def _confidences(text: str) -> dict[str, float]:
    return {LATIN_LANGUAGES[c.language.name]: c.value for c in _detector().compute_language_confidence_values(text)}


def _latin(sample: str, page: str | None, words: int) -> str:
    marked = _vietnamese_letters(sample)
    if marked >= max(2, 0.02 * len(sample)) or (words <= 4 and marked >= 1):
        return "vi"
    page = page if page and page not in NON_LATIN else None
    unaccented_vi = looks_like_unaccented_vietnamese(sample)
    if unaccented_vi and not (page and words <= 4):
        return "vi"
    scores = _confidences(sample[:LINGUA_SAMPLE])
    if len(sample) < 200:
        # Place names say nothing of the language around them ("Le port de Haiphong"): average
        # with the text without them.
        from .gazetteer import default_gazetteer

        bare = default_gazetteer().without_names(sample)
        if bare and bare != sample:
            without = _confidences(bare)
            scores = {k: (v + without.get(k, 0.0)) / 2 for k, v in scores.items()}
    # lingua reads Vietnamese into any text with Vietnamese names in it; without Vietnamese
    # letters or syllables that is never right.
    scores["vi"] = 0.5 if unaccented_vi else 0.0 if not marked else scores.get("vi", 0.0)
    if page:
        scores[page] = scores.get(page, 0.0) + (0.6 if words <= 4 else 0.25 if words <= 12 else 0.05)
    best, value = max(scores.items(), key=lambda kv: kv[1])
    return best if value > 0 else (page or "other")


def detect(title: str, text: str = "", page_lang: str | None = None) -> str:
    """The language code of an article (or of a headline alone, with ``text`` empty)."""
    page = normalize_lang(page_lang)
    sample = normalize(f"{title or ''}. {text or ''}".strip(". "))[:SAMPLE]
    counts = _scripts(sample)
    letters = sum(counts.values())
    if letters == 0:
        return page or "other"
    words = len(sample.split())
    cjk = counts["han"] + counts["kana"] + counts["hangul"]
    short = letters < 12
    if cjk >= max(2, 0.3 * letters):
        if counts["hangul"] >= max(counts["han"], counts["kana"]) or (counts["hangul"] and counts["hangul"] >= 0.3 * cjk):
            return "ko"
        if counts["kana"] >= max(1, 0.05 * cjk):
            return "ja"
        if short and page == "ja":
            return "ja"  # a Japanese headline written in kanji only
        return "zh"
    main = max(counts.items(), key=lambda kv: kv[1])[0]
    if main == "cyrillic":
        return "ru"
    if main == "thai":
        return "th"
    if main == "latin":
        return _latin(sample, page, words)
    return page or "other"
