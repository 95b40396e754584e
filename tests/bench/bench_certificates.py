"""Benchmark: certificate PDF rendering time, and the manager list / verify page as certificates grow.

Builds a throw-away test database (never touches your data), creates CERTIFICATES certificates for
learners across Bắc Giang, renders PDFS of them, then times the province manager's certificate list
(first page), a district manager's list and the public verification page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms \
        .venv/bin/python tests/bench/bench_certificates.py --certificates 20000
"""

import argparse
import time

from harness import connection, load_bac_giang, measure, throwaway_database


def build(count: int):
    from django.utils import timezone

    from accounts.models import LearnerProfile, Role, User
    from accounts.services import assign_role
    from courses.certificates.services import new_code
    from courses.models import Certificate, CertificateStatus, ProgramPage
    from localities.models import Level, Locality

    communes = load_bac_giang()
    program = ProgramPage.objects.get(code="CT2")
    users = User.objects.bulk_create([User(username=f"c{i}", phone=f"09{i:08d}", full_name=f"Nguyễn Văn {i}",
                                           password="!") for i in range(count)], batch_size=5000)
    LearnerProfile.objects.bulk_create([LearnerProfile(user=u, commune=communes[i % len(communes)], target_group="A")
                                        for i, u in enumerate(users)], batch_size=5000)
    now = timezone.now()
    Certificate.objects.bulk_create([
        Certificate(code=new_code(), user=u, program=program, commune=communes[i % len(communes)],
                    status=CertificateStatus.READY, learner_name=u.full_name,
                    commune_name=communes[i % len(communes)].name,
                    district_name=communes[i % len(communes)].parent.name, program_title=program.title,
                    hours=program.nominal_hours, completed_at=now, organiser_name="Sở TT&TT Bắc Giang")
        for i, u in enumerate(users)], batch_size=5000)
    province = User.objects.create(username="province-bench")
    assign_role(province, Role.PROVINCE_MANAGER, Locality.objects.get(level=Level.PROVINCE))
    district = User.objects.create(username="district-bench")
    assign_role(district, Role.DISTRICT_MANAGER, communes[0].parent)
    return province, district, Certificate.objects.first()


def time_pdfs(certificate, count: int) -> float:
    from courses.certificates import pdf
    from courses.certificates.services import verify_url

    started = time.perf_counter()
    for _ in range(count):
        pdf.render(certificate, verify_url(certificate.code))
    return (time.perf_counter() - started) * 1000 / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=5000)
    parser.add_argument("--pdfs", type=int, default=20)
    args = parser.parse_args()
    with throwaway_database():
        started = time.perf_counter()
        province, district, certificate = build(args.certificates)
        print(f"built {args.certificates} certificates in {time.perf_counter() - started:.1f}s on {connection.vendor}")
        print(f"pdf render   {time_pdfs(certificate, args.pdfs):7.1f} ms per certificate")
        from django.test import Client

        client = Client()
        for label, user, url in [("province list", province, "/certificates/manage/"),
                                 ("district list", district, "/certificates/manage/?page=2"),
                                 ("verify", None, f"/verify/{certificate.code}/")]:
            client.logout()
            if user:
                client.force_login(user)
            median, worst, queries = measure(client, url)
            print(f"{label:14s} median {median:7.1f} ms   max {worst:7.1f} ms   {queries} queries")


if __name__ == "__main__":
    main()
