from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from factcheck import feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/counts/", views.claim_counts, name="claim_counts"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/evidence/", views.claim_add_evidence, name="claim_add_evidence"),
    path("claims/<int:pk>/notes/", views.claim_add_note, name="claim_add_note"),
    path("claims/<int:pk>/assignees/", views.claim_assign, name="claim_assign"),
    path("articles/<int:pk>/assignees/", views.article_assign, name="article_assign"),
    path("me/", views.my_work, name="my_work"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("claims/<int:pk>/status/", views.claim_change_status, name="claim_change_status"),
    path("claims/<int:pk>/merge/", views.claim_merge, name="claim_merge"),
    path("claims/<int:pk>/publish/", views.claim_publish, name="claim_publish"),
    path("claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("outlets/", views.outlet_list, name="outlet_list"),
    path("stories/", views.story_list, name="story_list"),
    path("claims/<int:pk>/attribution/", views.claim_change_attribution, name="claim_change_attribution"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker_detail"),
    path("outlets/<int:pk>/", views.outlet_detail, name="outlet_detail"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("stories/new/", views.story_new, name="story_new"),
    path("stories/speakers/", views.story_speakers, name="story_speakers"),
    path("stories/<int:pk>/", views.story_review, name="story_review"),
    path("feeds/claimreview.json", feeds.claimreview_feed, name="claimreview_feed"),
    path("verdicts/<int:pk>/", feeds.verdict_detail, name="verdict_detail"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
