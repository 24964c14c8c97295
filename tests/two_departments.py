"""One small fixture for the admin's integrity tests: two departments, A and B,
each with one of every register row, its own source and disruption, and one user
per role (the programme admin holds department A only)."""

import datetime
from types import SimpleNamespace

from rest_framework.authtoken.models import Token

from accounts.services import create_user_with_role
from programmes.models import (
    DepartmentAlias,
    Fact,
    ImportedFile,
    ScheduleSnapshot,
)

from .factories import (
    AssessmentFactory,
    BenefitFactory,
    DepartmentFactory,
    DisruptionFactory,
    FigureFactory,
    ImpactFactory,
    MilestoneFactory,
    ProgrammeFactory,
    SourceFactory,
    UserFactory,
)

PASSWORD = "a-long-test-password-1"
ROLES = [
    "superuser",
    "programme-admin",
    "admin-without-departments",
    "civil-servant",
    "auditor",
    "no-role",
]


def _department_rows(letter):
    department = DepartmentFactory(name=f"Department {letter}")
    source = SourceFactory(department=department)
    programme = ProgrammeFactory(department=department, source=source)
    benefit = BenefitFactory(programme=programme, source=source)
    disruption = DisruptionFactory(source=source)
    imported = ImportedFile.objects.create(
        name=f"{letter}_March_2021.csv",
        sha256=letter * 64,
        content=b"x",
        size=1,
        data_date=datetime.date(2021, 3, 31),
        source=source,
    )
    rows = {
        "department": department,
        "departmentalias": DepartmentAlias.objects.create(
            department=department, alias=f"Dept {letter}"
        ),
        "source": source,
        "programme": programme,
        "benefit": benefit,
        "financialfigure": FigureFactory(programme=programme, source=source),
        "milestone": MilestoneFactory(programme=programme, source=source),
        "deliveryconfidenceassessment": AssessmentFactory(
            programme=programme, source=source
        ),
        "disruption": disruption,
        "disruptionimpact": ImpactFactory(
            disruption=disruption, programme=programme, source=source
        ),
        "schedulesnapshot": ScheduleSnapshot.objects.create(
            programme=programme,
            data_date=datetime.date(2021, 3, 31),
            source=source,
            is_synthetic=True,
        ),
        "fact": Fact.objects.create(
            programme=programme,
            disruption=disruption,
            statement=f"Department {letter}'s programme was hit.",
            source=source,
            is_synthetic=True,
        ),
        "importedfile": imported,
    }
    return SimpleNamespace(**rows)


def _users(department_a):
    users = {
        "superuser": UserFactory(
            username="t-superuser", is_staff=True, is_superuser=True
        ),
        "programme-admin": create_user_with_role(
            username="t-programme-admin",
            role="programme-admin",
            password=PASSWORD,
            departments=[department_a],
        ),
        # Staff with the admins' permissions but no department: no scope at all.
        "admin-without-departments": create_user_with_role(
            username="t-admin-without-departments",
            role="programme-admin",
            password=PASSWORD,
        ),
        "civil-servant": create_user_with_role(
            username="t-civil-servant", role="civil-servant", password=PASSWORD
        ),
        "auditor": create_user_with_role(
            username="t-auditor", role="auditor", password=PASSWORD
        ),
        "no-role": UserFactory(username="t-no-role"),
    }
    Token.objects.create(user=users["civil-servant"])
    return users


def make_world():
    a = _department_rows("A")
    b = _department_rows("B")
    return SimpleNamespace(a=a, b=b, users=_users(a.department))
