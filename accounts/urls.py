from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("signup/", views.signup, name="signup"),
    path("commune/", views.confirm_commune, name="confirm_commune"),
]

admin_urlpatterns = [
    path("import/", views.import_learners, name="import"),
    path("pending/", views.pending_learners, name="pending"),
    path("pending/<int:user_id>/approve/", views.approve_learner, name="approve"),
]
