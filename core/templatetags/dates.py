from django import template
from django.utils import timezone

from core.dates import machine, time_element

register = template.Library()
register.simple_tag(time_element)


@register.filter
def machine_time(moment):
    """The moment in the site's time zone as ISO 8601, to the second."""
    return machine(timezone.localtime(moment))
