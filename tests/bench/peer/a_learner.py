"""The A sample learner, through A's own HTTP endpoints on 127.0.0.1:8121: sign in by phone, enrol in CT2
(POST with CSRF), finish module 1 (3 lessons + its quiz, passed), finish lesson 1 of module 2, open lesson 2
of module 2 (4 of 9 lessons done, on lesson 5, module 2 in progress). Prints the cookie header for wrk."""

import re
import sqlite3
import sys
import uuid

import requests

BASE = "http://127.0.0.1:8121"
DB = sys.argv[1]  # the SQLite file A serves
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
s = requests.Session()
page = s.get(f"{BASE}/accounts/login/")
r = s.post(
    f"{BASE}/accounts/login/",
    data={"username": "0912000001", "password": "demo-pass-2023", "csrfmiddlewaretoken": CSRF.search(page.text)[1]},
    allow_redirects=False,
)
assert r.status_code == 302, ("login", r.status_code)
prog = s.get(f"{BASE}/chuong-trinh/ct2-nghiep-vu-thong-tin-co-so/")
m = re.search(r'action="(/learning/programs/(\d+)/enrol/)"', prog.text)
assert m, "no enrol form"
r = s.post(BASE + m[1], data={"csrfmiddlewaretoken": CSRF.search(prog.text)[1]}, allow_redirects=False)
assert r.status_code == 302, ("enrol", r.status_code)


class PG:
    def __init__(self, url):
        import psycopg

        self.c = psycopg.connect(url, autocommit=True)

    def execute(self, sql, params=None):
        return self.c.execute(sql.replace("?", "%s") if params else sql, params)


connect = (lambda: PG(DB)) if DB.startswith("postgres") else (lambda: sqlite3.connect(DB))
db = connect()
lessons = db.execute(
    "select w.id, w.url_path from courses_lessonpage l join wagtailcore_page w on w.id=l.page_ptr_id "
    "where w.url_path like '/home/chuong-trinh/ct2-%' order by w.path"
).fetchall()


def url(p):
    return p[len("/home") :]


def complete(lesson_id, path):
    assert s.get(BASE + url(path)).status_code == 200
    r = s.post(
        f"{BASE}/learning/api/progress/",
        headers={"X-CSRFToken": s.cookies["csrftoken"]},
        json={"event_id": str(uuid.uuid4()), "lesson": lesson_id, "seconds": 300, "position": None, "completed": True},
    )
    assert r.status_code == 200 and r.json()["completed"], r.text


for lid, path in lessons[:3]:
    complete(lid, path)
quiz = db.execute("select quiz_id from courses_modulepage where code='CT2-M1'").fetchone()[0]
s.get(f"{BASE}/quizzes/{quiz}/")
r = s.post(f"{BASE}/quizzes/{quiz}/start/", data={"csrfmiddlewaretoken": s.cookies["csrftoken"]})
attempt = re.search(r"/quizzes/attempts/(\d+)/", r.url)[1]
qids = sorted(set(re.findall(r'<input type="radio" name="q(\d+)"', r.text)))
form = {"csrfmiddlewaretoken": s.cookies["csrftoken"], "question": qids, "save": "1"}
for q in qids:
    form[f"q{q}"] = str(
        db.execute("select id from assessments_choice where question_id=? and is_correct", (int(q),)).fetchone()[0]
    )
assert s.post(f"{BASE}/quizzes/attempts/{attempt}/save/", data=form).status_code == 200
r = s.post(f"{BASE}/quizzes/attempts/{attempt}/submit/", data={"csrfmiddlewaretoken": s.cookies["csrftoken"]})
assert r.status_code == 200, r.status_code
complete(*lessons[3])
r = s.get(BASE + url(lessons[4][1]))
assert r.status_code == 200
db = connect()
uid = db.execute("select id from accounts_user where username='0912000001'").fetchone()[0]
print(
    "modulecompletion",
    db.execute("select module_id from courses_modulecompletion where user_id=?", (uid,)).fetchall(),
    file=sys.stderr,
)
print(
    "progress",
    db.execute(
        "select lesson_id, status, completed_at is not null as done from courses_lessonprogress where user_id=? order by lesson_id",  # noqa: E501
        (uid,),
    ).fetchall(),
    file=sys.stderr,
)
print("attempts", db.execute("select * from assessments_attempt where user_id=?", (uid,)).fetchall(), file=sys.stderr)
print(f"LESSON_URL={url(lessons[4][1])}")
print("PROGRAM_URL=/chuong-trinh/ct2-nghiep-vu-thong-tin-co-so/")
print(f"COOKIE=sessionid={s.cookies['sessionid']}; csrftoken={s.cookies['csrftoken']}")
