from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from factcheck import api, feeds, queues, views

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/counts/", views.claim_counts, name="claim_counts"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/evidence/", views.claim_add_evidence, name="claim_add_evidence"),
    path("claims/<int:pk>/notes/", views.claim_add_note, name="claim_add_note"),
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
    path("articles/<int:pk>/check/", views.article_check, name="article_check"),
    path("articles/<int:pk>/sign-off/", views.article_sign_off, name="article_sign_off"),
    path("articles/<int:pk>/publish/", views.article_publish, name="article_publish"),
    path("api/check/", api.check, name="api_check"),
    path("stories/new/", views.story_new, name="story_new"),
    path("stories/speakers/", views.story_speakers, name="story_speakers"),
    path("stories/<int:pk>/", views.story_review, name="story_review"),
    path("corrections/", queues.correction_list, name="correction_list"),
    path("corrections/<int:pk>/outcome/", queues.correction_record, name="correction_record"),
    path("rechecks/", queues.recheck_list, name="recheck_list"),
    path("claims/<int:pk>/recheck/", queues.claim_set_recheck, name="claim_set_recheck"),
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
