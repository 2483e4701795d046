"""The catalogue of a generated office: agencies, fields and procedures, built from the shipped one.

Names, fields and processing times come from procedures/data/demo_catalogue.json; the online
level and the supplement policy are drawn, so that the office has every level (1–4) and both
policies. One level-4 procedure per agency is inactive, as published services sometimes are.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dossiers.demo import CATALOGUE
from procedures.models import Agency, Field, Procedure

LEVEL_WEIGHTS = {1: 10, 2: 20, 3: 40, 4: 30}
GENERATOR_USERNAME = "du_lieu_mau"
PLACES = ["Hòa Đông", "Tân Phú", "An Khánh", "Phước Long", "Bình Sơn", "Mỹ Thạnh", "Long Hưng", "Vĩnh Lợi"]


@dataclass
class Office:
    agencies: list[Agency]
    procedures: dict[int, list[Procedure]]  # agency pk -> its active procedures
    actor: object


DEMO_PREFIX = "DEMO"  # generated agencies only: generate_demo_data refuses a database with others' dossiers


def agency_codes(seed: int, count: int) -> list[str]:
    return [f"{DEMO_PREFIX}{seed}-{index + 1}" for index in range(count)]


def generator_user():
    """The account generated dossiers are received by; it cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=GENERATOR_USERNAME, defaults={"first_name": "Dữ liệu", "last_name": "mẫu", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def build_catalogue(*, seed: int, count: int, rng: random.Random) -> Office:
    """Create `count` agencies with their fields and procedures; refuse to reuse a seed's codes."""
    codes = agency_codes(seed, count)
    taken = list(Agency.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken:
        raise ValidationError(
            f"Đã có cơ quan {', '.join(taken)} do lần sinh dữ liệu trước (seed {seed}) tạo; dùng seed khác "
            "hoặc một cơ sở dữ liệu mới."
        )
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    templates = data["agencies"]
    office = Office(agencies=[], procedures={}, actor=generator_user())
    for index, code in enumerate(codes):
        template = templates[index % len(templates)]
        place = PLACES[index % len(PLACES)]
        agency = Agency.objects.create(
            code=code,
            name=f"{template['name'].split(' tỉnh ')[0].split(' huyện ')[0]} {place} (dữ liệu mẫu)",
            level=template["level"],
            locality=place,
            parent_name=f"ỦY BAN NHÂN DÂN {place.upper()}",
            head_name=template["head_name"],
            head_title=template["head_title"],
            letter_prefix=template["letter_prefix"],
            address=f"Trung tâm Phục vụ hành chính công {place}",
        )
        fields: dict[str, Field] = {}
        procedures = []
        rows = [row for row in data["procedures"] if row["agency"] == template["code"]]
        for row in rows:
            field = fields.get(row["field_code"])
            if field is None:
                field = Field.objects.create(agency=agency, code=row["field_code"], name=row["field_name"])
                fields[row["field_code"]] = field
            procedures.append(
                Procedure(
                    agency=agency,
                    field=field,
                    code=row["code"],
                    name=row["name"],
                    processing_amount=row["processing_amount"],
                    processing_unit=row["processing_unit"],
                    online_level=rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0],
                    supplement_policy="pause" if rng.random() < 0.2 else "restart",
                    apology_extension_days=row.get("apology_extension_days") or 5,
                    required_documents="\n".join(row.get("required_documents", [])),
                    legal_basis=row.get("legal_basis", ""),
                )
            )
        # Every office offers something fully online, and has one service it no longer offers.
        procedures[0].online_level = Procedure.OnlineLevel.FULL
        procedures[-1].online_level, procedures[-1].is_active = Procedure.OnlineLevel.FULL, False
        Procedure.objects.bulk_create(procedures)
        office.agencies.append(agency)
        office.procedures[agency.pk] = [item for item in procedures if item.is_active]
    return office
