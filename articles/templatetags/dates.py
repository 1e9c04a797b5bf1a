from django import template

from articles.dates import time_element

register = template.Library()
register.simple_tag(time_element)
