"""factory_boy factories for the whole domain."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from procedures.models import Agency, CalendarOverride, Field, Procedure


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Lan"
    last_name = "Nguyễn Thị"
    password = factory.django.Password("mat-khau-thu-nghiem")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"Sở Giáo dục và Đào tạo số {n}")
    locality = "Bình Minh"
    head_name = "Trần Văn Bình"
    head_title = "Giám đốc"
    letter_prefix = "SGDĐT"


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    field = factory.SubFactory(FieldFactory)
    agency = factory.SelfAttribute("field.agency")
    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    processing_amount = 5
    processing_unit = "working_days"
    online_level = 3
    required_documents = "Đơn đề nghị (theo mẫu)\nBản sao căn cước công dân"


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    kind = CalendarOverride.Kind.OFF
    reason = "Nghỉ theo quyết định"
    legal_reference = "Công văn thử nghiệm"


def staff(*, agency, roles=(), province_wide=False, **user_fields):
    """A user of `agency` holding the given role groups (accounts.roles names)."""
    from django.contrib.auth.models import Group

    from accounts.models import StaffProfile
    from accounts.roles import ensure_roles

    ensure_roles()
    user = UserFactory(**user_fields)
    StaffProfile.objects.create(user=user, agency=agency, province_wide=province_wide)
    user.groups.set(Group.objects.filter(name__in=roles))
    return type(user).objects.get(pk=user.pk)  # drop the permission cache


def receive_dossier(*, procedure, actor, received_at=None, **fields):
    """A dossier logged through the real intake service."""
    from dossiers.services import dossier_receive

    values = {
        "applicant_name": "Nguyễn Văn Hùng",
        "applicant_phone": "0912345678",
        "applicant_id_number": "001203004567",
        "channel": "counter",
        "documents": [{"name": "Đơn đề nghị", "kind": "original", "count": 1}],
    }
    values.update(fields)
    return dossier_receive(procedure=procedure, actor=actor, received_at=received_at, **values)


def api_key(user, *, name: str = "") -> str:
    """A new API token's plain key for `user`, issued by the user themselves (accounts.tokens)."""
    from accounts.tokens import api_token_issue

    return api_token_issue(user=user, actor=user, name=name).key
