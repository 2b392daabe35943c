"""The REST API platform shared by the apps' ``api/`` packages (``errors``: the one error shape)."""
