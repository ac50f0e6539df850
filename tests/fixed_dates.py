"""The fixed "today" every test builds dated plans around, so no test depends on the clock."""

import datetime as dt

# A Monday in the middle of the demo's in-flight release (the items the tests edit have no
# actual dates yet). .ci/run also runs the suite under faketime at other dates: nothing may
# change.
DEMO_TODAY = dt.date(2026, 11, 30)
