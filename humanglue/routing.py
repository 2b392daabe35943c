from django.urls import path

from notifications.realtime.consumer import RealtimeConsumer

from .health.consumers import PingConsumer
from .security.consumers import ContextConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/context/", ContextConsumer.as_asgi()),
    path("ws/realtime/", RealtimeConsumer.as_asgi()),
]
