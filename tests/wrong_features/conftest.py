"""These feature files are meant to fail: tests/test_bdd_wrong_features.py runs them in a separate pytest."""

collect_ignore_glob = ["*.feature"]
