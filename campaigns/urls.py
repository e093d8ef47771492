from .apis import router
from .matching.apis import urlpatterns as matching_urlpatterns

urlpatterns = [*matching_urlpatterns, *router.urls]
