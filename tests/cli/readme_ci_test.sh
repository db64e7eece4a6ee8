#!/usr/bin/env bash
# The README's test command and .ci/run must stay the same command. Usage: readme_ci_test.sh SOURCE_DIR
set -u
src=$1
readme_cmd=$(sed -n '/<!-- test-command -->/,/<!-- \/test-command -->/p' "$src/README.md" | grep -v '^<!--' | grep -v '^```' | grep -v '^$')
ci_cmd=$(grep -v '^#' "$src/.ci/run" | grep -v '^set ' | grep -v '^cd ' | grep -v '^$')
if [ -z "$readme_cmd" ]; then echo "README has no test-command block"; echo "0 passed, 1 failed"; exit 1; fi
if [ "$readme_cmd" != "$ci_cmd" ]; then
  echo "README test command: $readme_cmd"; echo ".ci/run runs:        $ci_cmd"; echo "0 passed, 1 failed"; exit 1
fi
echo "1 passed, 0 failed"
