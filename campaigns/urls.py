from .apis import router
from .conversations.apis import urlpatterns as conversations_urlpatterns
from .matching.apis import urlpatterns as matching_urlpatterns

urlpatterns = [*matching_urlpatterns, *router.urls, *conversations_urlpatterns]
