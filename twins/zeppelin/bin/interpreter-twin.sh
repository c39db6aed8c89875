#!/usr/bin/env bash
# Twin of how Zeppelin v0.12.0 launches its Spark interpreter, for a driver of the chart's settings:
#   1. bin/interpreter.sh: in a container, a uid without a passwd entry gets one appended to
#      /etc/passwd when the file is writable (the same test and line as bin/zeppelin.sh).
#   2. SparkInterpreterLauncher (zeppelin-zengine): every property of the "spark" setting in
#      $ZEPPELIN_CONF_DIR/interpreter.json whose name starts with "spark." and whose value is not empty
#      becomes "--conf name=value"; every upper-case name (SPARK_HOME, PYSPARK_PYTHON, ...) an
#      environment variable; PYSPARK_PIN_THREAD=true.
#   3. bin/interpreter.sh: "$SPARK_HOME/bin/spark-submit" with those --conf options.
# Zeppelin's RemoteInterpreterServer and spark-interpreter jar are not on Maven Central, so the
# application is the one given here instead. Usage: interpreter.sh APP [ARG...]
set -euo pipefail
# shellcheck source=passwd-entry.sh
. "$(dirname "$0")/passwd-entry.sh"
settings="${ZEPPELIN_CONF_DIR:-$ZEPPELIN_HOME/conf}/interpreter.json"
confs=() envs=()
while IFS= read -r -d '' item; do
  case $item in
    conf:*) confs+=(--conf "${item#conf:}") ;;
    env:*) envs+=("${item#env:}") ;;
  esac
done < <(python3 - "$settings" <<'PY'
import json, re, sys
props = json.load(open(sys.argv[1]))["interpreterSettings"]["spark"]["properties"]
for name, prop in props.items():
    value = str(prop.get("value", ""))
    if re.fullmatch(r"[A-Z_0-9]+", name) and value.strip():
        sys.stdout.write(f"env:{name}={value}\0")
    if name.startswith("spark.") and value:
        sys.stdout.write(f"conf:{name}={value}\0")
PY
)
export PYSPARK_PIN_THREAD=true
for e in "${envs[@]}"; do export "${e?}"; done
exec "$SPARK_HOME/bin/spark-submit" "${confs[@]}" "$@"
