"""Writing the personal-data access log: one INSERT per read, never more.

Call these before the data leaves the server, so that a read whose log row failed to be
written does not happen either.
"""

from __future__ import annotations

import getpass

from privacy.models import PersonalDataAccess

Kind = PersonalDataAccess.Kind
Source = PersonalDataAccess.Source
USER_AGENT_LENGTH = PersonalDataAccess._meta.get_field("user_agent").max_length


def _client(request) -> tuple[str | None, str]:
    from dossiers.web.ratelimit import client_address  # the one place that reads proxies' headers

    agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
    return client_address(request), agent


def access_record(
    *,
    request,
    kind: str,
    dossier=None,
    agency_id: int | None = None,
    count: int = 1,
    subject: str = "",
    source: str = Source.WEB,
) -> PersonalDataAccess:
    """Log that `request.user` read `dossier` (or, for an export, `count` dossiers of `subject`)."""
    ip, agent = _client(request)
    user = request.user
    return PersonalDataAccess.objects.create(
        user=user,
        username=user.get_username(),
        agency_id=dossier.agency_id if dossier is not None else agency_id,
        dossier=dossier,
        dossier_code=dossier.code if dossier is not None else "",
        kind=kind,
        source=source,
        subject=subject[:255],
        count=count,
        ip=ip,
        user_agent=agent,
    )


def command_access_record(
    *, kind: str, user=None, agency_id: int | None = None, count: int, subject: str
) -> PersonalDataAccess:
    """Log an export run from the command line; without a named account, the operating-system user."""
    if user is not None:
        username = user.get_username()
    else:
        try:
            username = f"(hệ điều hành) {getpass.getuser()}"
        except (KeyError, OSError):  # no passwd entry in some containers
            username = "(hệ điều hành)"
    return PersonalDataAccess.objects.create(
        user=user,
        username=username[:150],
        agency_id=agency_id,
        kind=kind,
        source=Source.COMMAND,
        subject=subject[:255],
        count=count,
    )
