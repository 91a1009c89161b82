"""Plan import: a plan file (text, DOCX, PDF, scan) read into its document fields and its
tasks, each with a lead unit, coordinating units and a timeline. Pure domain code: no models.

- ``extract``: the file's text, its type read from its content (OCR for scans);
- ``reading``: ``parse`` the text — header (``header``), layout (``layout``), tasks
  (``tasks``), units matched to the registry (``units``), diacritics restored where a scan
  lost them (``restore``), secret documents refused (``core.secrecy``);
- ``result``: the dataclasses handed back, and the JSON contract.
"""

from pathlib import Path

from .errors import PlanImportError
from .extract import Extracted, extract_text
from .reading import parse, refuse_secret
from .result import ParsedPlan, ParsedTask, PlanDocument, Signer
from .units import UnitMatch, UnitRef

__all__ = [
    "PlanImportError", "Extracted", "extract_text", "parse", "refuse_secret", "import_file",
    "ParsedPlan", "ParsedTask", "PlanDocument", "Signer", "UnitMatch", "UnitRef",
]


def import_file(path: Path, units: list[UnitRef]) -> tuple[ParsedPlan, Extracted]:
    """Read the plan file at ``path``: its text, then the plan in it."""
    extracted = extract_text(path)
    return parse(extracted.text, units), extracted
