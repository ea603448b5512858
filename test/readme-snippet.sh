#!/usr/bin/env bash
# Print the body of the README's fenced snippet marked `<!-- snippet: ID ... -->` (the line before
# its opening fence). The tests that run README snippets get them here, so what they run is what
# the README says; test/dist/readme_test.go checks every snippet of the Install and Use in CI
# sections is run by the file its marker names.
#   test/readme-snippet.sh ID [README]
set -euo pipefail
id=${1:?usage: readme-snippet.sh ID [README]}
readme=${2:-$(dirname "$0")/../README.md}
awk -v id="$id" '
  $0 ~ "^<!-- snippet: " id "[ >]" { armed = 1; next }
  armed && !inside && /^```/ { inside = 1; found = 1; next }
  inside && /^```/ { exit }
  inside { print }
  armed && !inside && !/^```/ { armed = 0 }
  END { if (!found) { print "readme-snippet.sh: no snippet " id > "/dev/stderr"; exit 1 } }
' "$readme"
