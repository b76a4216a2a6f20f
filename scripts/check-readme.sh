#!/usr/bin/env bash
# The README's first example, copied verbatim into a project where the packed package is
# installed, run by that project's own vitest (default config: its 5 s test timeout, no aliases)
# against a fresh local control plane with the app the example names (namespace shop, Service web).
# Usage: scripts/check-readme.sh PROJECT_DIR   (scripts/check-package.sh passes its fresh project)
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(cd "${1:?usage: scripts/check-readme.sh PROJECT_DIR}" && pwd)

# The lines between the first ```ts fence and the fence that closes it, untouched.
awk '/^```ts$/ && !seen { seen = 1; inside = 1; next } inside && /^```$/ { exit } inside { print }' README.md > "$project/readme.test.ts"
[ -s "$project/readme.test.ts" ] || { echo "check-readme: README.md has no \`\`\`ts block" >&2; exit 1; }
echo "check-readme: the README's first example ($(wc -l < "$project/readme.test.ts") lines) in $project/readme.test.ts" >&2
bash scripts/run.sh in-netns node test/cluster/with-readme-app.ts --cwd "$project" -- npx --no-install vitest run readme.test.ts
