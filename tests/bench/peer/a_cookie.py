"""Sign the A sample learner in (phone + password, CSRF) on 127.0.0.1:8121; print a Cookie header value."""

import re

import requests

BASE = "http://127.0.0.1:8121"
s = requests.Session()
page = s.get(f"{BASE}/accounts/login/")
r = s.post(
    f"{BASE}/accounts/login/",
    data={
        "username": "0912000001",
        "password": "demo-pass-2023",
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1],
    },
    allow_redirects=False,
)
assert r.status_code == 302, r.status_code
print(f"sessionid={s.cookies['sessionid']}; csrftoken={s.cookies['csrftoken']}")
