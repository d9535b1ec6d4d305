"""The read API: routes on Powertools' REST resolver, backed by the record store.

Nothing here imports the extraction or key-point libraries, so the API function's cold start
stays close to that of a bare Powertools handler.
"""
