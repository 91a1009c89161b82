"""The ``doingoai`` command: Django's ``manage.py`` under the platform's name.

Every management command is reachable as ``doingoai <command>``. A configuration error is
printed as one line and the command exits with status 2, never with a traceback.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doingoai.settings.base")
    from django.core.management import execute_from_command_line

    from doingoai.settings.env import ConfigError

    try:
        execute_from_command_line(argv or sys.argv)
    except ConfigError as exc:
        print(f"doingoai: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
