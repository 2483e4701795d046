"""`{% load privacy %}` then `{{ dossier.applicant_id_number|masked_id }}`."""

from django import template

from privacy.masking import mask_id_number

register = template.Library()


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value)
