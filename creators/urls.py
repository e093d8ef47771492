from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("creators", apis.CreatorViewSet, basename="creator")
router.register("portfolios", apis.PortfolioViewSet, basename="portfolio")
router.register("reels", apis.ReelViewSet, basename="reel")
router.register("model-licences", apis.ModelLicenceViewSet, basename="model-licence")
router.register("program/applications", apis.PartnerApplicationViewSet, basename="application")

urlpatterns = router.urls
