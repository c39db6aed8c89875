# passwd-entry.sh - sourced by the zeppelin.sh and interpreter.sh twins: the step both of Zeppelin
# v0.12.0's bin/zeppelin.sh (lines 22-43) and bin/interpreter.sh (lines 36-57) take first. In a
# container (no CPU controller at the root of /proc/self/cgroup), a uid without a passwd entry gets
# "zeppelin", home $ZEPPELIN_HOME, appended to /etc/passwd when the process may write it (group 0 with
# the image's modes); otherwise the image's warning is printed and nothing is added.
in_container() {
  [[ -f /proc/self/cgroup ]] && awk -F: '/cpu/ && $3 ~ /^\/$/{ c=1 } END { exit c }' /proc/self/cgroup
}
if in_container && ! getent passwd "$(id -u)" >/dev/null; then
  if [[ -w /etc/passwd ]]; then
    printf 'zeppelin:x:%s:%s:anonymous uid:%s:/bin/false\n' "$(id -u)" "$(id -g)" "$ZEPPELIN_HOME" >>/etc/passwd
  else
    echo "Container ENTRYPOINT failed to add passwd entry for anonymous UID"
  fi
fi
