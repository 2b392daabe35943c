"""The realtime bridge of spec 40: the NOTIFY listener, the ``/ws/realtime/`` consumer, presence.

``listener`` turns ``humanglue_realtime`` notifications into Channels group messages (``groups`` names
them); ``consumer`` re-reads every row under the socket's security context before sending it (``rows``)
and keeps presence (``presence``); ``lifespan`` starts the listener inside the ASGI process.
"""
