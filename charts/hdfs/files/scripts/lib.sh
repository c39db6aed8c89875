# shellcheck shell=bash
# shellcheck disable=SC2034 # globals set here (HTTP_BODY, ADDR_HOST, ...) are read by the callers
# lib.sh - helpers shared by the HDFS chart scripts.
#
# Sourced (never executed) by the other scripts as:  . "$(dirname "$0")/lib.sh"
# The scripts run as `bash -euo pipefail <script>`, so every helper here is written to be
# safe under `set -euo pipefail`.
#
# Portability: only bash builtins plus coreutils (timeout, sleep, date, cat, ...) are used.
# There is no curl/wget/nc/jq in the images, so HTTP and TCP go through bash's /dev/tcp.
# The code avoids features newer than bash 4.2 (no namerefs, no EPOCHSECONDS, and no
# expansion of possibly empty arrays under `set -u`), because some Hadoop images still ship
# bash 4.2.

SCRIPT_NAME=${SCRIPT_NAME:-${0##*/}}

# The Hadoop commands (hdfs, hadoop) come from $HADOOP_HOME/bin whatever the image's PATH is.
if [[ -n ${HADOOP_HOME:-} && -d ${HADOOP_HOME}/bin ]]; then
  PATH="$HADOOP_HOME/bin:$PATH"
fi

# ---------------------------------------------------------------------------------------
# Logging: one line per message on stderr, "<UTC timestamp> <script>: <message>".
# ---------------------------------------------------------------------------------------
log() {
  local ts
  ts=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
  printf '%s %s: %s\n' "$ts" "$SCRIPT_NAME" "$*" >&2
}

# log_lines TEXT: log a multi-line text, one log line per text line.
log_lines() {
  local line
  while IFS= read -r line; do
    log "$line"
  done <<<"$1"
}

die() {
  log "ERROR: $*"
  exit 1
}

# require_env NAME...: fail with one clear message listing every missing variable.
require_env() {
  local name missing=""
  for name in "$@"; do
    if [[ -z ${!name:-} ]]; then
      missing="$missing $name"
    fi
  done
  if [[ -n $missing ]]; then
    die "required environment variable(s) not set:$missing (the chart should set them; check the pod spec)"
  fi
}

# int_setting NAME DEFAULT: make sure variable NAME holds a whole number, using DEFAULT when
# it is unset or empty.
int_setting() {
  local name=$1 default=$2 value
  value=${!name:-$default}
  if ! [[ $value =~ ^[0-9]+$ ]]; then
    die "$name must be a whole number, got '$value'"
  fi
  printf -v "$name" '%s' "$value"
}

# bool_setting NAME DEFAULT: normalise NAME to "true" or "false" (case-insensitive).
bool_setting() {
  local name=$1 default=$2 value
  value=${!name:-$default}
  value=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]')
  case $value in
    true | false) printf -v "$name" '%s' "$value" ;;
    *) die "$name must be 'true' or 'false', got '${!name}'" ;;
  esac
}

# split_list "a, b,c": print the items of a comma separated list, one per line, trimmed,
# empty items dropped. Use with: mapfile -t ARRAY < <(split_list "$LIST")
split_list() {
  local item
  local -a items
  IFS=, read -r -a items <<<"$1"
  for item in ${items[@]+"${items[@]}"}; do
    item=${item#"${item%%[![:space:]]*}"}
    item=${item%"${item##*[![:space:]]}"}
    if [[ -n $item ]]; then
      printf '%s\n' "$item"
    fi
  done
}

# split_host_port HOST:PORT: set globals ADDR_HOST and ADDR_PORT; return 1 if malformed.
split_host_port() {
  ADDR_HOST=${1%:*}
  ADDR_PORT=${1##*:}
  [[ $1 == *:* && -n $ADDR_HOST && $ADDR_PORT =~ ^[0-9]+$ ]]
}

# pod_ordinal POD_NAME: print the StatefulSet ordinal (the number after the last '-').
pod_ordinal() {
  local ordinal=${1##*-}
  if ! [[ $ordinal =~ ^[0-9]+$ ]]; then
    die "cannot find a StatefulSet ordinal at the end of pod name '$1' (expected <name>-<number>)"
  fi
  printf '%s\n' "$((10#$ordinal))"
}

now() {
  date +%s
}

# ---------------------------------------------------------------------------------------
# Deadline handling for the "wait until ... or give up" loops.
# ---------------------------------------------------------------------------------------
deadline_start() { # deadline_start SECONDS
  WAIT_STARTED_AT=$(now)
  WAIT_DEADLINE=$((WAIT_STARTED_AT + $1))
}

deadline_passed() {
  (($(now) >= WAIT_DEADLINE))
}

elapsed_seconds() {
  printf '%s\n' "$(($(now) - WAIT_STARTED_AT))"
}

# ---------------------------------------------------------------------------------------
# Networking through bash /dev/tcp (no curl/nc in the images).
# ---------------------------------------------------------------------------------------

# tcp_check HOST PORT [TIMEOUT]: return 0 if HOST:PORT accepts a TCP connection.
tcp_check() {
  local timeout_s=${3:-${TCP_TIMEOUT_SECONDS:-3}}
  # shellcheck disable=SC2016 # the inner script expands its own positional parameters
  timeout "$timeout_s" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# http_get HOST PORT PATH [TIMEOUT]: HTTP/1.0 GET. Sets HTTP_BODY to the response body and
# returns 0 for a 2xx answer; otherwise returns 1 and sets HTTP_ERROR to a short reason.
# Call it directly (not inside $(...)) so the globals survive.
http_get() {
  local host=$1 port=$2 path=$3 timeout_s=${4:-${HTTP_TIMEOUT_SECONDS:-5}}
  local response status_line code
  HTTP_ERROR=""
  HTTP_BODY=""
  # shellcheck disable=SC2016 # the inner script expands its own positional parameters
  if ! response=$(timeout "$timeout_s" bash -c '
        exec 3<>"/dev/tcp/$1/$2" || exit 1
        printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\nAccept: application/json\r\nConnection: close\r\n\r\n" \
          "$3" "$1" "$2" >&3
        cat <&3' _ "$host" "$port" "$path" 2>/dev/null); then
    HTTP_ERROR="no answer from $host:$port within ${timeout_s}s (connection refused, unresolvable name or timeout)"
    return 1
  fi
  status_line=${response%%$'\n'*}
  status_line=${status_line%$'\r'}
  if ! [[ $status_line =~ ^HTTP/[0-9.]+[[:space:]]+([0-9]{3}) ]]; then
    HTTP_ERROR="$host:$port did not answer with HTTP (first line: '${status_line:0:80}')"
    return 1
  fi
  code=${BASH_REMATCH[1]}
  if [[ $response == *$'\r\n\r\n'* ]]; then
    HTTP_BODY=${response#*$'\r\n\r\n'}
  else
    HTTP_BODY=${response#*$'\n\n'}
  fi
  if [[ $code != 2* ]]; then
    HTTP_ERROR="$host:$port answered HTTP status $code"
    return 1
  fi
}

# four_letter_word HOST PORT WORD [TIMEOUT]: send a ZooKeeper 4-letter command, print the answer.
four_letter_word() {
  local timeout_s=${4:-${ZK_4LW_TIMEOUT_SECONDS:-5}}
  # shellcheck disable=SC2016 # the inner script expands its own positional parameters
  timeout "$timeout_s" bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "%s" "$3" >&3
    cat <&3' _ "$1" "$2" "$3" 2>/dev/null
}

# json_string_field JSON NAME: print the first string value of "NAME" : "..." (still JSON
# escaped); return 1 if there is none. Good enough for Hadoop's flat JMX beans.
json_string_field() {
  local re="\"$2\"[[:space:]]*:[[:space:]]*\"(([^\"\\\\]|\\\\.)*)\""
  [[ $1 =~ $re ]] || return 1
  printf '%s\n' "${BASH_REMATCH[1]}"
}

# regex_quote TEXT: print TEXT as an ERE matching exactly TEXT (for names like "hdfs-prod.1").
regex_quote() {
  local text=$1 out="" c i
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case $c in
      [[:alnum:]]) out+=$c ;;
      "\\" | "^" | "]") out+="\\$c" ;;
      *) out+="[$c]" ;;
    esac
  done
  printf '%s\n' "$out"
}

# ---------------------------------------------------------------------------------------
# JVM heap from the container memory limit (used by jvm-opts.sh and zookeeper-start.sh).
# ---------------------------------------------------------------------------------------

# cgroup_memory_limit_bytes: print the container memory limit in bytes, or nothing when the
# container has no limit. CGROUP_MEMORY_FILE overrides the file (tests); otherwise cgroup v2
# then cgroup v1 is tried.
cgroup_memory_limit_bytes() {
  local file="" value
  if [[ -n ${CGROUP_MEMORY_FILE:-} ]]; then
    file=$CGROUP_MEMORY_FILE
  elif [[ -r /sys/fs/cgroup/memory.max ]]; then
    file=/sys/fs/cgroup/memory.max
  elif [[ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]]; then
    file=/sys/fs/cgroup/memory/memory.limit_in_bytes
  fi
  if [[ -z $file || ! -r $file ]]; then
    log "no cgroup memory file found; treating the container as having no memory limit"
    return 0
  fi
  value=$(head -n 1 "$file" | tr -d '[:space:]')
  # cgroup v2 says "max"; cgroup v1 says a huge page-aligned number (about 2^63). Anything
  # from 2^50 bytes (1 PiB) up, or more than 18 digits, is "no limit" for our purposes.
  if [[ $value == max || ! $value =~ ^[0-9]+$ || ${#value} -gt 18 ]] || ((value >= 1125899906842624)); then
    log "memory limit in $file is '$value': no container memory limit"
    return 0
  fi
  printf '%s\n' "$value"
}

# heap_mib_from_limit: print JVM_MAX_RAM_PERCENTAGE percent of the container limit in MiB,
# or nothing when there is no limit (the JVM/ZooKeeper default then applies).
heap_mib_from_limit() {
  local limit percent mib
  percent=${JVM_MAX_RAM_PERCENTAGE:-75}
  percent=${percent%%.*}
  if ! [[ $percent =~ ^[0-9]+$ ]] || ((percent < 1 || percent > 100)); then
    die "JVM_MAX_RAM_PERCENTAGE must be a number between 1 and 100, got '${JVM_MAX_RAM_PERCENTAGE:-}'"
  fi
  limit=$(cgroup_memory_limit_bytes)
  if [[ -z $limit ]]; then
    return 0
  fi
  mib=$((limit * percent / 100 / 1048576))
  if ((mib < 1)); then
    mib=1
  fi
  log "container memory limit is $((limit / 1048576)) MiB; heap = ${percent}% of it = ${mib} MiB"
  printf '%s\n' "$mib"
}

# ---------------------------------------------------------------------------------------
# Kerberos (security.kerberos.enabled). The daemons log in from their keytab themselves; only
# command-line clients (hdfs haadmin, hdfs dfs) need a ticket, and ZooKeeper clients need a JAAS
# file naming the pod's own principal.
# ---------------------------------------------------------------------------------------

# kerberos_enabled: return 0 when KERBEROS_ENABLED is "true".
kerberos_enabled() {
  [[ ${KERBEROS_ENABLED:-false} == true ]]
}

# kerberos_login: with Kerberos on, get a ticket for $KERBEROS_PRINCIPAL from $KERBEROS_KEYTAB into
# $KRB5CCNAME with the MIT `kinit`. No-op when Kerberos is off. Exits with a message naming what
# is missing (kinit, the keytab file) or kinit's own error.
kerberos_login() {
  local out rc=0
  kerberos_enabled || return 0
  require_env KERBEROS_PRINCIPAL KERBEROS_KEYTAB
  command -v kinit >/dev/null 2>&1 ||
    die "Kerberos is on but 'kinit' (the MIT Kerberos client) is not in this image; use a Hadoop image with krb5-user/krb5-workstation installed (image.repository/image.tag)"
  [[ -r $KERBEROS_KEYTAB ]] ||
    die "Kerberos keytab $KERBEROS_KEYTAB is missing or unreadable: check security.kerberos.keytab (existingSecret, key or perHost key names) and the Secret's keys"
  out=$(kinit -kt "$KERBEROS_KEYTAB" "$KERBEROS_PRINCIPAL" 2>&1) || rc=$?
  if ((rc != 0)); then
    die "kinit -kt $KERBEROS_KEYTAB $KERBEROS_PRINCIPAL failed (exit code $rc): ${out:0:300}"
  fi
  log "Kerberos: logged in as $KERBEROS_PRINCIPAL (ticket cache ${KRB5CCNAME:-default})"
}

# write_jaas FILE SECTION: write a JAAS login file with one Krb5LoginModule SECTION ("Client" for
# ZooKeeper clients, "Server" for a ZooKeeper server) for $KERBEROS_PRINCIPAL from $KERBEROS_KEYTAB.
write_jaas() {
  local file=$1 section=$2
  require_env KERBEROS_PRINCIPAL KERBEROS_KEYTAB
  mkdir -p "$(dirname "$file")"
  : >"$file"
  chmod 600 "$file"
  cat >"$file" <<JAAS
$section {
  com.sun.security.auth.module.Krb5LoginModule required
  useKeyTab=true
  keyTab="$KERBEROS_KEYTAB"
  storeKey=true
  useTicketCache=false
  principal="$KERBEROS_PRINCIPAL";
};
JAAS
  log "Kerberos: wrote JAAS section '$section' for $KERBEROS_PRINCIPAL to $file"
}

# https_get HOST PORT PATH: GET over HTTPS through the Hadoop client (HttpsFileSystem), for
# endpoints that only speak TLS (dfs.http.policy=HTTPS_ONLY); the bash /dev/tcp client cannot.
# The server certificate is checked against $HDFS_TRUSTSTORE (type $HDFS_STORE_TYPE). Sets
# HTTP_BODY and returns 0 on success; otherwise returns 1 with HTTP_ERROR. PATH must not hold a
# query string (HttpsFileSystem drops it): ask for the whole /jmx.
https_get() {
  local host=$1 port=$2 path=$3 timeout_s=${4:-${HTTPS_TIMEOUT_SECONDS:-60}} out err rc=0
  HTTP_ERROR=""
  HTTP_BODY=""
  err=$(mktemp)
  out=$(HADOOP_CLIENT_OPTS="${HADOOP_CLIENT_OPTS:-} -Djavax.net.ssl.trustStore=${HDFS_TRUSTSTORE:-} -Djavax.net.ssl.trustStoreType=${HDFS_STORE_TYPE:-jks} -Djavax.security.auth.useSubjectCredsOnly=false" \
    timeout "$timeout_s" hadoop fs -cat "https://$host:$port$path" 2>"$err") || rc=$?
  if ((rc != 0)); then
    HTTP_ERROR="https://$host:$port$path failed (exit code $rc): $(grep -v '^[[:space:]]*at ' "$err" | tail -n 1 | head -c 300)"
    rm -f "$err"
    return 1
  fi
  rm -f "$err"
  HTTP_BODY=$out
}
