from rest_framework.routers import DefaultRouter

from feedback.api.views import FeedbackItemViewSet, RatingViewSet, SurveyPlanViewSet, SurveySampleViewSet

router = DefaultRouter()
router.register("satisfaction-ratings", RatingViewSet, basename="satisfaction-rating")
router.register("feedback-items", FeedbackItemViewSet, basename="feedback-item")
router.register("survey-plans", SurveyPlanViewSet, basename="survey-plan")
router.register("survey-samples", SurveySampleViewSet, basename="survey-sample")

urlpatterns = router.urls
