"""One ASGI application for HTTP and websockets (served by uvicorn: ``make run``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humanglue.settings")
# Served requests connect as the LOGIN role humanglue_web, never as the owner (settings.py).
os.environ.setdefault("HUMANGLUE_CONNECT_AS", "request")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from notifications.realtime.lifespan import RealtimeLifespan  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402
from .security.ws_auth import JwtAuthMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Starts the realtime listener with the server (spec 40; off with REALTIME_LISTENER=0).
        "lifespan": RealtimeLifespan(),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(JwtAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
