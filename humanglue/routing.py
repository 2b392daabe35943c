from django.urls import path

from .consumers import ContextConsumer, PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/context/", ContextConsumer.as_asgi()),
]
