from .apis import router
from .conversations.apis import router as conversations_router
from .matching.apis import urlpatterns as matching_urlpatterns

urlpatterns = [*matching_urlpatterns, *router.urls, *conversations_router.urls]
