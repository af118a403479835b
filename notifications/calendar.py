"""Calendar invitations (.ics) for interviews and orientations: one UID, a growing SEQUENCE."""

from datetime import datetime

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText


def build_ics(spec: dict, *, attendee: str) -> bytes:
    """An iCalendar REQUEST or CANCEL from a notification's `calendar` context.

    `spec` keys: uid, sequence, start and end (ISO strings), summary, and optionally
    description, location, url, method ("REQUEST" or "CANCEL").
    """
    method = spec.get("method", "REQUEST")
    cal = Calendar()
    cal.add("prodid", "-//Hokkaido Challenge Community//Jissen//JA")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", spec["uid"])
    event.add("sequence", int(spec.get("sequence", 0)))
    event.add("dtstamp", datetime.fromisoformat(spec.get("stamp") or spec["start"]))
    event.add("dtstart", datetime.fromisoformat(spec["start"]))
    event.add("dtend", datetime.fromisoformat(spec["end"]))
    event.add("summary", spec["summary"])
    if spec.get("description"):
        event.add("description", spec["description"])
    if spec.get("location"):
        event.add("location", spec["location"])
    if spec.get("url"):
        event.add("url", spec["url"])
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress("mailto:" + settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(">"))
    organizer.params["cn"] = vText(str(settings.PROGRAMME_NAME))
    event["organizer"] = organizer
    person = vCalAddress(f"mailto:{attendee}")
    person.params["role"] = vText("REQ-PARTICIPANT")
    person.params["rsvp"] = vText("FALSE")
    event.add("attendee", person, encode=0)
    cal.add_component(event)
    return cal.to_ical()
