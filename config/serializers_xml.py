"""Django's XML serializer, made to finish when a stored text holds a control character.

XML 1.0 cannot carry U+0000–U+001F other than tab and line breaks, so Django's serializer
raised on the first such row and `dumpdata --format xml` left a truncated file. New text is
refused (config.text), but rows stored before that, or written around the validators, remain;
this serializer drops those characters from the text it writes, so the backup completes and
loads. It is registered as the "xml" format (SERIALIZATION_MODULES), so the documented
`dumpdata --format xml` uses it. Everything else, the reading side included, is Django's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers import xml_serializer
from django.utils.xmlutils import SimplerXMLGenerator

from config.text import strip_control_characters

Deserializer = xml_serializer.Deserializer


class CleaningXMLGenerator(SimplerXMLGenerator):
    def characters(self, content):
        super().characters(strip_control_characters(content) if content else content)


class Serializer(xml_serializer.Serializer):
    def start_serialization(self):
        self.xml = CleaningXMLGenerator(self.stream, self.options.get("encoding", settings.DEFAULT_CHARSET))
        self.xml.startDocument()
        self.xml.startElement("django-objects", {"version": "1.0"})
