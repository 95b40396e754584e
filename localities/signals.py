"""Domain signals of localities (receivers connect in their own AppConfig.ready())."""

from django.dispatch import Signal

# Sent by refresh_grounds() (after a load that created or retired units or changed successor links, and after
# a hand edit followed by it): where the ground of each unit lies today may have changed. No arguments;
# sent inside the load's transaction.
map_changed = Signal()
