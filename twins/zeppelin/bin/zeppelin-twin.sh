#!/usr/bin/env bash
# Twin of the apache/zeppelin image's bin/zeppelin.sh (Zeppelin v0.12.0), for what the chart relies on:
# in a container, a uid without a passwd entry gets one ("zeppelin", home $ZEPPELIN_HOME) appended to
# /etc/passwd when the process may write it (group 0 with the image's modes), else a warning. The
# Zeppelin server itself is not reproduced (not on Maven Central): this process then only stays up, so
# that the Spark interpreter's launches (bin/interpreter.sh, also a twin) can be run in the pod.
set -euo pipefail
in_container() { # the image's test: no cpu cgroup at the root of the hierarchy
  [[ -f /proc/self/cgroup ]] && awk -F: '/cpu/ && $3 ~ /^\/$/{ c=1 } END { exit c }' /proc/self/cgroup
}
if in_container && ! getent passwd "$(id -u)" >/dev/null; then
  if [[ -w /etc/passwd ]]; then
    printf 'zeppelin:x:%s:%s:anonymous uid:%s:/bin/false\n' "$(id -u)" "$(id -g)" "$ZEPPELIN_HOME" >>/etc/passwd
  else
    echo "Container ENTRYPOINT failed to add passwd entry for anonymous UID"
  fi
fi
echo "zeppelin.sh twin: uid $(id -u) gid $(id -g) user '$(id -un 2>/dev/null || echo '?')'; no Zeppelin server in this twin, waiting"
exec sleep infinity
