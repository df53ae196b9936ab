"""Our sandboxes held to the platforms' own published contracts (issue 37).

Every request our code sends to a platform sandbox, and every answer the sandbox gives,
passes through `observer.ContractObserver` (installed on the sandboxes' Flask app). The
observer hands each exchange to the contract of that platform, if the platform publishes
one, and records what was checked and every violation. A test that caused a violation
fails (tests/conftest.py), and `make contracts` prints the per-platform report.

Contracts:
- YouTube: the Data API v3 discovery document that ships in google-api-python-client
  (`youtube.py`), read at run time from the installed package.
- X and Meta: facts recorded from their published specs (`facts/*.json`), never the
  documents themselves, each file naming the spec's repository, path and commit.
- TikTok, LinkedIn, Snapchat, Threads: no machine-readable contract (docs/platforms.md
  lists the pages each sandbox follows); their exchanges are counted, not checked.

Facts file format (`facts/<platform>.json`), what `recorded.RecordedContract` reads:

    {
      "platform": "x",
      "source": "https://github.com/<owner>/<repo>/blob/<commit>/<path>",
      "version": "<the spec's own version string>",
      "operations": {
        "POST /2/tweets": {
          "query":    {"<name>": {"required": false, "schema": {<JSON Schema>}}},
          "form":     {"<name>": {"required": false, "schema": {...}}},
          "request":  {"content_type": "application/json", "schema": {...}},
          "responses": {"201": {"schema": {...}}, "default": {"schema": {...}}}
        }
      },
      "schemas": {"<Name>": {<JSON Schema>}}
    }

Operation keys are `METHOD /path` with `{name}` path parameters, as the platform's own
base URL sees them (the sandbox prefix such as `/x` removed). `query` lists every query
parameter the operation accepts (an unknown one is a violation, so record all of them,
not only the ones we use); `form` does the same for form-encoded bodies (the Graph API
takes its parameters either way). Query and form values are strings on the wire: the
checker reads them by their schema's type (integer, number, boolean, JSON for objects
and arrays, comma-separated for arrays with `"style": "form"`). Schemas are JSON Schema
(2020-12 subset: type, properties, required, enum, items, format, pattern, min/max,
minLength/maxLength, oneOf/anyOf/allOf, additionalProperties, nullable as type lists),
with descriptions and examples dropped; `{"$ref": "#/schemas/Name"}` points into the
file's own `schemas`. `responses` keys are status codes, `4XX`/`5XX` ranges, or
`default`; each may add `"content": {"<media type>": {"schema": ...}}` for answers in
another JSON media type (X answers errors as `application/problem+json`). A status the
operation does not list is a violation.
"""
