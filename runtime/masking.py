"""Masking of secret-looking configuration values before they are shown to a user."""

import re

SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|PRIVATE|CREDENTIAL|"
                         r"(^|_)AUTH|(^|_)KEY$|API_?KEY|ACCESS_KEY|SALT|SIGNATURE", re.IGNORECASE)
URL_PASSWORD = re.compile(r"(?P<head>\w[\w+.-]*://[^/:@\s]*:)(?P<password>[^@\s]+)(?=@)")
MASK = "****"


def mask(name, value):
    """`value` as it may be shown: hidden when `name` looks secret, URL passwords hidden always."""
    if value and SECRET_NAME.search(name):
        return MASK
    return URL_PASSWORD.sub(lambda m: m["head"] + MASK, value)
