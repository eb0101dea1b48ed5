#!/usr/bin/env bash
# Build the site's CSS and JavaScript into ../static/ from govuk-frontend.
# Usage: cd frontend && npm ci && npm run build
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
static="$here/../static"
govuk="$here/node_modules/govuk-frontend/dist/govuk"

if [ ! -d "$govuk" ]; then
  echo "build.sh: govuk-frontend is not installed; run 'npm ci' in frontend/ first" >&2
  exit 1
fi

mkdir -p "$static/css" "$static/js"

# 1. CSS: compressed, no source map. --quiet-deps hides govuk-frontend's own
#    Sass deprecation warnings (it still uses @import); ours are still shown.
"$here/node_modules/.bin/sass" \
  --load-path="$here/node_modules" \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --silence-deprecation=import \
  --silence-deprecation=global-builtin \
  "$here/src/site.scss" "$static/css/site.css"

# 2. JavaScript: govuk-frontend's compiled ES module. Its trailing
#    sourceMappingURL comment is dropped because we do not ship the .map
#    (Django's ManifestStaticFilesStorage fails on a missing map file).
sed 's|//# sourceMappingURL=[^ ]*$||' "$govuk/govuk-frontend.min.js" > "$static/js/govuk-frontend.min.js"
if grep -q "sourceMappingURL" "$static/js/govuk-frontend.min.js"; then
  echo "build.sh: could not strip the sourceMappingURL comment from govuk-frontend.min.js" >&2
  exit 1
fi

# 3. Guard: the stylesheet must not pull in any font, image or other host.
if grep -q "url(" "$static/css/site.css"; then
  echo "build.sh: site.css contains url(...) references:" >&2
  grep -o "url([^)]*)" "$static/css/site.css" >&2
  exit 1
fi
if grep -qi "GDS Transport\|sourceMappingURL" "$static/css/site.css"; then
  echo "build.sh: site.css mentions GDS Transport or a source map" >&2
  exit 1
fi

printf 'Built %s (%s bytes) and %s (%s bytes)\n' \
  "static/css/site.css" "$(wc -c < "$static/css/site.css")" \
  "static/js/govuk-frontend.min.js" "$(wc -c < "$static/js/govuk-frontend.min.js")"
