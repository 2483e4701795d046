"""Report pages: Biểu 06 (/bao-cao/) and the department head's dashboard (/bang-dieu-khien/)."""
