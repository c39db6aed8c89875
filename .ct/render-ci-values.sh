#!/usr/bin/env bash
# render-ci-values.sh CHART_DIR - chart-testing's additional command (ct.yaml): render the chart with
# its defaults and with each ci/*-values.yaml and ci/render-only/*-values.yaml (not installed by ct). `helm lint` reports a chart's `fail` (the values rules
# of templates/validate.yaml) only as a log line and passes; `helm template` fails on it.
set -euo pipefail
chart=$1
helm=${HELM:-helm}
render() { # render LABEL [-f FILE]
  local label=$1 out
  shift
  if ! out=$("$helm" template ct-render "$chart" "$@" 2>&1 >/dev/null); then
    printf 'render-ci-values: %s with %s does not render:\n%s\n' "$chart" "$label" "$out" >&2
    if [[ -n ${RENDER_CI_VALUES_RECORD:-} ]]; then
      printf '%s with %s does not render: %s\n' "$chart" "$label" "$(grep -v '^level=' <<<"$out" | tr -s '\n' ' ')" \
        >>"$RENDER_CI_VALUES_RECORD"
    fi
    return 1
  fi
  printf 'render-ci-values: %s with %s renders\n' "$chart" "$label"
  # ct prints a command's output through a pipe it may not drain before moving on: a record for tests.
  if [[ -n ${RENDER_CI_VALUES_RECORD:-} ]]; then
    printf '%s with %s renders\n' "$chart" "$label" >>"$RENDER_CI_VALUES_RECORD"
  fi
}
status=0
render "its defaults" || status=1
for values in "$chart"/ci/*-values.yaml "$chart"/ci/render-only/*-values.yaml; do
  [[ -e $values ]] || continue
  render "$values" -f "$values" || status=1
done
exit "$status"
