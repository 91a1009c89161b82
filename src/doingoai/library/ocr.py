"""Optical character recognition of scans with Tesseract, keeping the original.

``ocr_pdf`` makes a searchable PDF: every page of the original is kept as it is (its images
are not decoded, resampled or re-compressed) and the pages that were scanned get an invisible
text layer, drawn by Tesseract (``textonly_pdf``) and grafted onto the page with pikepdf.
``ocr_image`` reads an image and makes a searchable PDF of it (the image inside is Tesseract's
pass-through of the original: a JPEG as it was, anything else lossless).

Why not ocrmypdf: on this platform's scans its pipeline (rasterise, hOCR, render, graft)
costs 20–25 % more CPU than Tesseract alone (see ``bench/ocr.py``); the path here costs a few
per cent. It does what ocrmypdf's "sandwich" renderer does, minus the rasterising where a page
is one image (as a scanner writes it): a JPEG goes to Tesseract as it is, another image
decoded by pikepdf, at its own resolution; any other page is rendered by pdfium at 300 dpi.

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1`` unless the environment says
otherwise): OpenMP threads spin and slow a busy machine down, and pages are the unit of
parallelism that pays.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

__all__ = [
    "OcrError", "available_languages", "check_languages", "ocr_pdf", "ocr_image", "OcrImage",
    "DEFAULT_LANGUAGES", "RENDER_DPI", "MAX_RENDER_PIXELS",
]

DEFAULT_LANGUAGES = "vie+eng"
RENDER_DPI = 300
MAX_RENDER_PIXELS = 60_000_000  # a page is rendered at a lower resolution past this
PAGE_TIMEOUT = 600  # seconds for Tesseract on one page
TESSERACT = os.environ.get("TESSERACT", "tesseract")
_LANGUAGES = re.compile(r"^[A-Za-z_]+(?:\+[A-Za-z_]+)*$")

Progress = Callable[[int, int], None]
PageCheck = Callable[[int, str], None]


class OcrError(Exception):
    """OCR could not be done; the message is for people (Vietnamese)."""


@functools.lru_cache(maxsize=1)
def available_languages() -> frozenset[str]:
    """Tesseract's installed languages ("vie", "eng", "chi_sim" …; "osd" left out)."""
    try:
        out = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        raise OcrError(_("Chưa cài đặt phần mềm nhận dạng chữ Tesseract trên máy chủ.")) from None
    lines = out.stdout.splitlines()[1:]  # the first line says where they are
    return frozenset(line.strip() for line in lines if line.strip() and line.strip() != "osd")


def check_languages(languages: str | None) -> str:
    """"vie+eng" as Tesseract wants it; an unknown or uninstalled code raises ``OcrError``."""
    value = (languages or DEFAULT_LANGUAGES).strip().replace(",", "+").replace(" ", "")
    installed = available_languages()
    if not _LANGUAGES.match(value):
        raise OcrError(_("Ngôn ngữ nhận dạng «%(value)s» không hợp lệ. Các ngôn ngữ có: %(langs)s.")
                       % {"value": languages, "langs": ", ".join(sorted(installed))})
    unknown = [code for code in value.split("+") if code not in installed]
    if unknown:
        raise OcrError(_("Ngôn ngữ nhận dạng «%(code)s» chưa được cài đặt. Các ngôn ngữ có: %(langs)s.")
                       % {"code": "+".join(unknown), "langs": ", ".join(sorted(installed))})
    return value


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def _tesseract(image: Path, out_base: Path, languages: str, *, dpi: int | None, outputs: tuple[str, ...],
               textonly: bool, page_label: str) -> str:
    """Run Tesseract once, writing ``out_base.txt`` (and ``.pdf``); returns the text, NFC."""
    command = [TESSERACT, str(image), str(out_base), "-l", languages]
    if dpi:
        command += ["--dpi", str(dpi)]
    if textonly:
        command += ["-c", "textonly_pdf=1"]
    command += list(outputs)
    try:
        done = subprocess.run(command, capture_output=True, timeout=PAGE_TIMEOUT, env=_env())
    except subprocess.TimeoutExpired:
        raise OcrError(_("Nhận dạng chữ %(page)s quá thời gian cho phép (%(s)s giây).")
                       % {"page": page_label, "s": PAGE_TIMEOUT}) from None
    except OSError:
        raise OcrError(_("Chưa cài đặt phần mềm nhận dạng chữ Tesseract trên máy chủ.")) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise OcrError(_("Không nhận dạng được chữ %(page)s: %(detail)s") % {"page": page_label, "detail": detail[0]})
    text = out_base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
    return text


def clean_text(text: str) -> str:
    """Tesseract's text, NFC, page breaks dropped, blank-line runs collapsed."""
    import unicodedata

    text = unicodedata.normalize("NFC", text.replace("\f", "\n"))
    lines = [line.rstrip() for line in text.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip()


# --- PDF -------------------------------------------------------------------------------------------

@dataclass
class _Direct:
    """A page that is one image drawn over the whole page: Tesseract reads that image, at its
    own resolution, rather than a rendering of the page."""

    name: str
    dpi: int
    jpeg: bool  # the JPEG's bytes go to Tesseract as they are; other images are decoded (pikepdf)


_PLAIN_SPACES = ("/DeviceGray", "/DeviceRGB")


def _plain_jpeg(image) -> bool:
    import pikepdf

    if image.get("/Filter") not in (pikepdf.Name.DCTDecode, pikepdf.Array([pikepdf.Name.DCTDecode])):
        return False
    space = image.get("/ColorSpace")
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased":
        return int(space[1].get("/N", 0)) in (1, 3)
    return space is not None and str(space) in _PLAIN_SPACES


def _one_image_page(page) -> _Direct | None:
    """The page's image when the page is nothing but that image, upright, covering it."""
    import pikepdf

    if int(page.obj.get("/Rotate", 0)) % 360:
        return None
    try:
        ops = [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(page)]
    except pikepdf.PdfError:
        return None
    if [op for _, op in ops] != ["q", "cm", "Do", "Q"]:
        return None
    a, b, c, d, e, f = (float(x) for x in ops[1][0])
    name = str(ops[2][0][0])
    xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
    image = xobjects.get(name)
    if image is None or image.get("/Subtype") != "/Image":
        return None
    if any(key in image for key in ("/SMask", "/Mask", "/Decode", "/ImageMask")):
        return None
    if b or c or a <= 0 or d <= 0:
        return None
    box = [float(v) for v in page.mediabox]
    width, height = box[2] - box[0], box[3] - box[1]
    if abs(a - width) > 0.02 * width or abs(d - height) > 0.02 * height:
        return None
    if abs(e - box[0]) > 0.02 * width or abs(f - box[1]) > 0.02 * height:
        return None
    dpi = round(int(image.Width) / (a / 72))
    return _Direct(name, dpi, _plain_jpeg(image)) if 50 <= dpi <= 2400 else None


def _direct_image(page, direct: _Direct, work: Path, index: int) -> Path | None:
    """The page's image as a file Tesseract reads, or None (then the page is rendered)."""
    import pikepdf

    stream = page.obj.Resources.XObject[direct.name]
    if direct.jpeg:
        path = work / f"page-{index}.jpg"
        path.write_bytes(stream.read_raw_bytes())
        return path
    try:
        image = pikepdf.PdfImage(stream).as_pil_image()
    except Exception:  # a filter or colour space pikepdf cannot decode: render the page instead
        return None
    if image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")
    path = work / f"page-{index}.bmp"  # written and read fastest (Tesseract reads PNM slower)
    image.save(path, "BMP")
    return path


def ocr_pdf(src: str | Path, dst: str | Path, languages: str = DEFAULT_LANGUAGES, *,
            pages: list[int] | None = None, progress: Progress | None = None,
            check: PageCheck | None = None, dpi: int = RENDER_DPI) -> list[str | None]:
    """Recognise the text of ``pages`` (0-based; all by default) of the PDF ``src`` and write
    to ``dst`` the same PDF with an invisible text layer on those pages.

    Returns the recognised text of every page (None for a page not recognised).
    ``progress(done, total)`` is called after each page; ``check(number, text)`` (1-based)
    may raise to stop at once (the secrecy guard does); ``dst`` is then not written."""
    import pikepdf
    import pypdfium2 as pdfium

    languages = check_languages(languages)
    src, dst = Path(src), Path(dst)
    texts: list[str | None]
    with tempfile.TemporaryDirectory(prefix="doingoai-ocr-") as tmp, pikepdf.open(src) as pdf:
        work = Path(tmp)
        count = len(pdf.pages)
        wanted = list(range(count)) if pages is None else sorted(set(p for p in pages if 0 <= p < count))
        texts = [None] * count
        document = None
        layers = []
        try:
            for done, index in enumerate(wanted, start=1):
                page = pdf.pages[index]
                label = _("trang %(n)s") % {"n": index + 1}
                direct = _one_image_page(page)
                image_path = _direct_image(page, direct, work, index) if direct is not None else None
                if image_path is not None:
                    page_dpi = direct.dpi
                else:
                    if document is None:
                        document = pdfium.PdfDocument(str(src))
                    image_path, page_dpi = _render(document[index], work / f"page-{index}.bmp", dpi)
                out_base = work / f"page-{index}"
                text = _tesseract(image_path, out_base, languages, dpi=page_dpi, outputs=("txt", "pdf"),
                                  textonly=True, page_label=label)
                image_path.unlink()
                texts[index] = clean_text(text)
                if check is not None:
                    check(index + 1, texts[index])
                layer = pikepdf.open(out_base.with_suffix(".pdf"))
                layers.append(layer)
                page.add_overlay(layer.pages[0])
                if progress is not None:
                    progress(done, len(wanted))
            pdf.save(dst)
        finally:
            for layer in layers:
                layer.close()
            if document is not None:
                document.close()
    return texts


def _render(page, path: Path, dpi: int) -> tuple[Path, int]:
    """The page as Tesseract sees it: grey, at ``dpi`` (less for a huge page), as shown."""
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    scale = min(scale, 30000 / max(width, height, 1))
    bitmap = page.render(scale=scale, grayscale=True)
    bitmap.to_pil().save(path)
    return path, max(1, round(scale * 72))


# --- images ------------------------------------------------------------------------------------------

@dataclass
class OcrImage:
    pages: list[str]  # text of each frame (one for most images; a TIFF may hold several)
    searchable: Path | None  # the image with its text layer, as PDF


_DIRECT_FORMATS = {"PNG", "JPEG", "TIFF"}
_DIRECT_MODES = {"1", "L", "RGB"}


def ocr_image(path: str | Path, languages: str = DEFAULT_LANGUAGES, *, pdf: str | Path | None = None,
              progress: Progress | None = None, check: PageCheck | None = None) -> OcrImage:
    """Recognise the text of an image; with ``pdf``, also write there a searchable PDF of it."""
    from PIL import Image, ImageOps

    languages = check_languages(languages)
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="doingoai-ocr-") as tmp:
        work = Path(tmp)
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            resolution = image.info.get("dpi")
            orientation = image.getexif().get(0x0112, 1) if hasattr(image, "getexif") else 1
            direct = (image.format in _DIRECT_FORMATS and image.mode in _DIRECT_MODES and orientation in (1, None)
                      and (frames == 1 or image.format == "TIFF"))
            source = path
            if not direct:
                # Alpha on white, palette and 16-bit to RGB, the camera's orientation applied.
                image.seek(0)
                frame = ImageOps.exif_transpose(image)
                if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
                    rgba = frame.convert("RGBA")
                    frame = Image.new("RGB", rgba.size, "white")
                    frame.paste(rgba, mask=rgba.getchannel("A"))
                elif frame.mode not in _DIRECT_MODES:
                    frame = frame.convert("RGB")
                source = work / "image.png"
                frame.save(source, dpi=resolution or (300, 300), compress_level=1)
                frames = 1
        dpi = None
        if resolution and 70 <= float(resolution[0]) <= 2400:
            dpi = round(float(resolution[0]))
        out_base = work / "image"
        outputs = ("txt", "pdf") if pdf else ("txt",)
        text = _tesseract(source, out_base, languages, dpi=dpi, outputs=outputs, textonly=False,
                          page_label=_("ảnh"))
        pieces = text.split("\f") if frames > 1 else [text]
        pages = [clean_text(p) for p in pieces[:frames]] or [""]
        if check is not None:
            for number, page_text in enumerate(pages, start=1):
                check(number, page_text)
        if progress is not None:
            progress(1, 1)
        searchable = None
        if pdf:
            searchable = Path(pdf)
            shutil.move(out_base.with_suffix(".pdf"), searchable)
    return OcrImage(pages=pages, searchable=searchable)
