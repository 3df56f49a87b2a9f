"""The Django project that assembles the bounded-context apps into one system of record."""
