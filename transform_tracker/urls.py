from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import api_token

from .errors import healthz
from .forms import ChangePasswordForm, SignInForm

admin.site.site_header = "Transform Tracker administration"
admin.site.site_title = "Transform Tracker admin"
admin.site.index_title = "Programme register"

handler400 = "transform_tracker.errors.bad_request"
handler404 = "transform_tracker.errors.page_not_found"
handler500 = "transform_tracker.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            form_class=ChangePasswordForm,
            template_name="accounts/password_change_form.html",
        ),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("programmes.api_urls")),
    path("api-token/", api_token, name="api-token"),
    path("", include("transform_tracker.pages")),
    path("", include("programmes.urls")),
]
