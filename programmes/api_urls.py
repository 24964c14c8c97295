from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import DepartmentViewSet, ProgrammeViewSet, SchemaView

app_name = "api"

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("programmes", ProgrammeViewSet, basename="programme")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("", include(router.urls)),
]
