"""The one error of the plan importer: its message is shown to the person importing."""


class PlanImportError(Exception):
    """A file or text that cannot be imported as a plan; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
