from rest_framework.routers import DefaultRouter

from apology_letters.api.views import ApologyLetterViewSet

router = DefaultRouter()
router.register("apology-letters", ApologyLetterViewSet, basename="apology-letter")

urlpatterns = router.urls
