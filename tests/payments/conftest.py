from tests.talent.conftest import world  # noqa: F401  (the same leak-matrix world as the talent tests)
