# British English formats with the time zone named: the admin and the app show times in the
# newsroom's zone (settings.TIME_ZONE), and a time without its zone is ambiguous.
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
TIME_FORMAT = "H:i T"
