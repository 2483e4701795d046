"""The procedure catalogue as files: the all-or-nothing import and the matching Excel export.

The catalogue travels as rows with the layout in `CATALOGUE_COLUMNS`, either as an Excel sheet
(the format clerks edit) or as JSON (the demo catalogue). `catalogue_upsert` validates every row
before it writes any, so a file with one bad row changes nothing (docs/catalogue-import.md).
"""

from procedures.catalogue.export import write_catalogue_xlsx
from procedures.catalogue.files import read_catalogue_json, read_catalogue_xlsx
from procedures.catalogue.layout import CATALOGUE_COLUMNS, CatalogueError, RowError, UpsertResult
from procedures.catalogue.upsert import CATALOGUE_PERMISSIONS, catalogue_upsert, check_catalogue_user

__all__ = [
    "CATALOGUE_COLUMNS",
    "CATALOGUE_PERMISSIONS",
    "CatalogueError",
    "RowError",
    "UpsertResult",
    "catalogue_upsert",
    "check_catalogue_user",
    "read_catalogue_json",
    "read_catalogue_xlsx",
    "write_catalogue_xlsx",
]
