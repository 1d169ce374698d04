"""Gazette's APIs: its own REST API (/api/v1/, OpenAPI) and the read side of WordPress's
(/wp-json/), both reading through the same doors as the pages (published(), approved())."""
