"""Import a paper tracking book (Sổ theo dõi hồ sơ, Mẫu 06) from an Excel sheet, all or nothing.

`read_tracking_book` turns the first sheet of an .xlsx file into rows keyed by column key.
`import_dossiers` checks the user, validates every row and collects every problem; only when
the whole file is clean does it write (its tracking-book lines reserved first, so that intakes
of the agency are not held up), in one transaction, through the dossier services
(`dossier_receive`, `dossier_finish`, `dossier_return`), so that history and events are
attributed to the importing user. A code already in the database is skipped, so importing the
same file twice changes nothing. The layout and the rules are in docs/import-dossiers.md.
"""

from dossiers.importing.cells import DateCell, Moment, normalise_phone, parse_channel, parse_moment
from dossiers.importing.errors import DossierImportError, RowError
from dossiers.importing.errors import _BadValue as _BadValue  # not public: the tests catch it
from dossiers.importing.layout import (
    COLUMNS,
    DEFAULT_CLOSING,
    DEFAULT_OPENING,
    HEADER_ALIASES,
    HEADERS,
    MAX_ROWS,
    MIN_YEAR,
    REQUIRED_COLUMNS,
)
from dossiers.importing.reading import SheetRow, TrackingBook, read_tracking_book
from dossiers.importing.validation import PlannedDossier, check_user, validate_book
from dossiers.importing.writing import ImportResult, existing_codes, import_dossiers

__all__ = [
    "COLUMNS",
    "DEFAULT_CLOSING",
    "DEFAULT_OPENING",
    "HEADERS",
    "HEADER_ALIASES",
    "MAX_ROWS",
    "MIN_YEAR",
    "REQUIRED_COLUMNS",
    "DateCell",
    "DossierImportError",
    "ImportResult",
    "Moment",
    "PlannedDossier",
    "RowError",
    "SheetRow",
    "TrackingBook",
    "check_user",
    "existing_codes",
    "import_dossiers",
    "normalise_phone",
    "parse_channel",
    "parse_moment",
    "read_tracking_book",
    "validate_book",
]
