from django.contrib import admin
from django.urls import path

admin.site.site_header = "Transform Tracker administration"
admin.site.site_title = "Transform Tracker admin"
admin.site.index_title = "Programme register"

urlpatterns = [
    path("admin/", admin.site.urls),
]
