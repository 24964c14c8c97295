from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import BudgetLineList, DepartmentViewSet, ProgrammeViewSet, SchemaView

app_name = "api"

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("programmes", ProgrammeViewSet, basename="programme")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("budget-lines/", BudgetLineList.as_view(), name="budget-lines"),
    path("", include(router.urls)),
]
