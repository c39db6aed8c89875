{{/*
Names, addresses and derived settings of the Alluxio chart, computed once here
and used by every template (and by the umbrella chart through the same helpers).
*/}}

{{- define "alluxio.fullname" -}}{{ include "common.names.fullname" . }}{{- end -}}
{{- define "alluxio.configMapName" -}}{{ printf "%s-config" (include "alluxio.fullname" .) }}{{- end -}}
{{- define "alluxio.scriptsConfigMapName" -}}{{ printf "%s-scripts" (include "alluxio.fullname" .) }}{{- end -}}
{{- define "alluxio.master.fullname" -}}{{ include "common.names.component" (dict "component" "master" "context" .) }}{{- end -}}
{{- define "alluxio.master.headless" -}}{{ printf "%s-headless" (include "alluxio.master.fullname" .) }}{{- end -}}
{{- define "alluxio.worker.fullname" -}}{{ include "common.names.component" (dict "component" "worker" "context" .) }}{{- end -}}
{{- define "alluxio.worker.headless" -}}{{ printf "%s-headless" (include "alluxio.worker.fullname" .) }}{{- end -}}
{{- define "alluxio.fuse.fullname" -}}{{ include "common.names.component" (dict "component" "fuse" "context" .) }}{{- end -}}

{{/* Journal type: journal.type, else UFS for one master and EMBEDDED (Raft) for more. */}}
{{- define "alluxio.journal.type" -}}
{{- if .Values.journal.type -}}
{{- .Values.journal.type -}}
{{- else if gt (int .Values.master.replicaCount) 1 -}}
EMBEDDED
{{- else -}}
UFS
{{- end -}}
{{- end -}}

{{/* FQDN of master pod i. Usage: include "alluxio.master.host" (dict "ordinal" 0 "context" $) */}}
{{- define "alluxio.master.host" -}}
{{- include "common.names.podFqdn" (dict "statefulset" (include "alluxio.master.fullname" .context) "service" (include "alluxio.master.headless" .context) "ordinal" .ordinal "context" .context) -}}
{{- end -}}

{{/* "host:port,host:port" of every master pod for one port. Usage: include "alluxio.master.addresses" (dict "port" 19200 "context" $) */}}
{{- define "alluxio.master.addresses" -}}
{{- include "common.names.podAddressList" (dict "statefulset" (include "alluxio.master.fullname" .context) "service" (include "alluxio.master.headless" .context) "replicas" .context.Values.master.replicaCount "port" .port "context" .context) -}}
{{- end -}}

{{/* The pod's own FQDN from the downward-API env POD_NAME (for -Dalluxio.master.hostname). */}}
{{- define "alluxio.master.selfHost" -}}
{{- include "common.names.selfFqdn" (dict "service" (include "alluxio.master.headless" .) "context" .) -}}
{{- end -}}

{{/* "true" when workers run in their node's network namespace: worker.hostNetwork or locality mode (global.locality). */}}
{{- define "alluxio.worker.hostNetwork" -}}
{{- include "common.locality.hostNetwork" (dict "value" .Values.worker.hostNetwork "context" .) -}}
{{- end -}}

{{/*
The address a worker registers with (alluxio.worker.hostname and alluxio.worker.container.hostname,
which clients connect to): the master keys workers by the whole address (WorkerNetAddress.equals).
StatefulSet workers on the pod network use their stable DNS name, so a recreated pod (new IP)
registers as the same worker instead of a new one while the old entry stays "live" until
alluxio.master.worker.timeout (5 min); DaemonSet and host-network workers use their IP.
*/}}
{{- define "alluxio.worker.selfHost" -}}
{{- if and (eq .Values.worker.kind "StatefulSet") (not (include "alluxio.worker.hostNetwork" .)) -}}
{{- include "common.names.selfFqdn" (dict "service" (include "alluxio.worker.headless" .) "context" .) -}}
{{- else -}}
$(POD_IP)
{{- end -}}
{{- end -}}

{{/*
HDFS client ConfigMap of the root under storage: hdfs.configMap, else (installed by the umbrella
with HDFS in the release and no ufs.root given) the HDFS chart's ConfigMap of this release.
*/}}
{{- define "alluxio.hdfs.configMap" -}}
{{- if .Values.hdfs.configMap -}}
{{- .Values.hdfs.configMap -}}
{{- else if and (include "common.stack.enabled" (dict "chart" "hdfs" "context" .)) (not .Values.ufs.root) -}}
{{- include "common.stack.hdfs.configMapName" . -}}
{{- end -}}
{{- end -}}

{{/* HDFS nameservice of the root under storage: hdfs.nameservice, else the release's HDFS one. */}}
{{- define "alluxio.hdfs.nameservice" -}}
{{- if .Values.hdfs.nameservice -}}
{{- .Values.hdfs.nameservice -}}
{{- else if include "alluxio.hdfs.configMap" . -}}
{{- include "common.stack.hdfs.nameservice" . -}}
{{- end -}}
{{- end -}}

{{/* Root UFS URI: hdfs://<nameservice><path> with an HDFS ConfigMap, else ufs.root (may be empty). */}}
{{- define "alluxio.rootUfs" -}}
{{- if include "alluxio.hdfs.configMap" . -}}
{{- printf "hdfs://%s/%s" (include "alluxio.hdfs.nameservice" .) (trimPrefix "/" .Values.hdfs.path) -}}
{{- else -}}
{{- .Values.ufs.root -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret with the object store keys ("" when none is used). */}}
{{- define "alluxio.ufs.secretName" -}}
{{- $c := .Values.ufs.credentials -}}
{{- if $c.existingSecret -}}
{{- $c.existingSecret -}}
{{- else if $c.accessKeyId -}}
{{- printf "%s-ufs" (include "alluxio.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Sum of the MEM-tier directory quotas in bytes (0 without a MEM level). */}}
{{- define "alluxio.tieredStore.memBytes" -}}
{{- $sum := 0.0 -}}
{{- range .Values.tieredStore.levels -}}
{{- if eq .alias "MEM" -}}
{{- range .dirs -}}
{{- $sum = addf $sum (include "common.quantity.bytes" .quota | float64) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- printf "%.0f" $sum -}}
{{- end -}}

{{/*
Worker container resources: the configured JVM resources with the MEM-tier
quota added to requests.memory and limits.memory, rendered in MiB (rounded up).
RAM-backed emptyDir pages are charged to the pod's memory cgroup, so without
this the kernel would OOM-kill a worker whose cache fills up.
*/}}
{{- define "alluxio.worker.resources" -}}
{{- $res := deepCopy .Values.worker.resources -}}
{{- $mem := include "alluxio.tieredStore.memBytes" . | float64 -}}
{{- if gt $mem 0.0 -}}
{{- range $section := list "requests" "limits" -}}
{{- $block := get $res $section | default dict -}}
{{- if $block.memory -}}
{{- $total := addf (include "common.quantity.bytes" $block.memory | float64) $mem -}}
{{- $_ := set $block "memory" (printf "%.0fMi" (ceil (divf $total 1048576.0))) -}}
{{- $_ := set $res $section $block -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $res -}}
{{- end -}}

{{/*
Worker JVM options. The container limit includes the MEM tier, so the heap
percentage is scaled to apply to the JVM's own share only:
  effective % = maxRAMPercentage * jvm limit / (jvm limit + MEM quota).
*/}}
{{- define "alluxio.worker.jvmOpts" -}}
{{- $jvm := deepCopy .Values.worker.jvm -}}
{{- $mem := include "alluxio.tieredStore.memBytes" . | float64 -}}
{{- $limit := (.Values.worker.resources.limits | default dict).memory -}}
{{- if and (gt $mem 0.0) $limit -}}
{{- $base := include "common.quantity.bytes" $limit | float64 -}}
{{- $_ := set $jvm "maxRAMPercentage" (printf "%.2f" (divf (mulf (float64 $jvm.maxRAMPercentage) $base) (addf $base $mem))) -}}
{{- end -}}
{{- with $jvm.maxDirectMemory -}}
{{- /* Before extraOpts, so that a -XX:MaxDirectMemorySize there wins (the JVM takes the last one). */ -}}
{{- $_ := set $jvm "extraOpts" (trim (printf "-XX:MaxDirectMemorySize=%s %s" (include "common.quantity.bytes" .) ($jvm.extraOpts | default ""))) -}}
{{- end -}}
{{- include "common.jvm.opts" (omit $jvm "maxDirectMemory") -}}
{{- end -}}

{{/*
The top tier's directories as a JVM property of the worker, when that tier is MEM. The image's
entrypoint (2.9.5, set_ram_folder_if_needed) otherwise exports ALLUXIO_RAM_FOLDER=/dev/shm for a
MEM top tier, and alluxio-config.sh turns it into -Dalluxio.worker.tieredstore.level0.dirs.path,
which beats alluxio-site.properties: the cache would land in the pod's 64 MiB /dev/shm. With the
property in ALLUXIO_WORKER_JAVA_OPTS the entrypoint leaves the RAM folder unset (twins/alluxio/image.yaml).
*/}}
{{- define "alluxio.worker.tierJavaOpts" -}}
{{- $top := first .Values.tieredStore.levels -}}
{{- if eq $top.alias "MEM" -}}
{{- $paths := list -}}
{{- range $top.dirs -}}{{- $paths = append $paths .path -}}{{- end -}}
{{- printf " -Dalluxio.worker.tieredstore.level0.dirs.path=%s" (join "," $paths) -}}
{{- end -}}
{{- end -}}

{{/*
FUSE JVM options: explicit -Xms/-Xmx (fuse.jvm.maxRAMPercentage of limits.memory) and
-XX:MaxDirectMemorySize (fuse.jvm.maxDirectMemory). alluxio-config.sh starts FUSE's options with
-Xms1G -Xmx1G -XX:MaxDirectMemorySize=4g, which a -XX:MaxRAMPercentage does not override; these
come later in the command line and win.
*/}}
{{- define "alluxio.fuse.jvmOpts" -}}
{{- $jvm := .Values.fuse.jvm -}}
{{- $limit := (.Values.fuse.resources.limits | default dict).memory -}}
{{- $opts := list -}}
{{- if $limit -}}
{{- $heap := divf (mulf (include "common.quantity.bytes" $limit | float64) (float64 $jvm.maxRAMPercentage)) 104857600.0 -}}
{{- $opts = append $opts (printf "-Xms%.0fm -Xmx%.0fm" (floor (divf $heap 2.0)) (floor $heap)) -}}
{{- end -}}
{{- with $jvm.maxDirectMemory -}}{{- $opts = append $opts (printf "-XX:MaxDirectMemorySize=%s" (include "common.quantity.bytes" .)) -}}{{- end -}}
{{- $opts = append $opts "-XX:+ExitOnOutOfMemoryError" -}}
{{- with $jvm.extraOpts -}}{{- $opts = append $opts . -}}{{- end -}}
{{- join " " $opts -}}
{{- end -}}

{{/* Volume name of tier level l, directory d. */}}
{{- define "alluxio.tier.volumeName" -}}{{ printf "tier%d-%d" (int .level) (int .dir) }}{{- end -}}

{{/* Environment every Alluxio container gets. */}}
{{- define "alluxio.env.common" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
{{- with (include "alluxio.ufs.secretName" .) }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.ufs.credentials.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.ufs.credentials.secretKeyKey }}
{{- end }}
{{- end -}}

{{/* Volumes every Alluxio pod gets: chart configuration, scripts, writable conf, logs and /tmp. */}}
{{- define "alluxio.volumes.common" -}}
- name: chart-config
  configMap:
    name: {{ include "alluxio.configMapName" . }}
- name: scripts
  configMap:
    name: {{ include "alluxio.scriptsConfigMapName" . }}
    defaultMode: 0555
- name: conf
  emptyDir: {}
- name: logs
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- with (include "alluxio.hdfs.configMap" .) }}
- name: hadoop-conf
  configMap:
    name: {{ . }}
{{- end }}
{{- if not (include "alluxio.rootUfs" .) }}
# No under storage: the root UFS is this pod-local folder (writable under a read-only root
# filesystem); files are written MUST_CACHE and live only in the workers' tiers.
- name: underfs
  emptyDir: {}
{{- end }}
{{- end -}}

{{/* Mount path of the pod-local root UFS used when no under storage is configured. */}}
{{- define "alluxio.localUfsPath" -}}/opt/alluxio/underFSStorage{{- end -}}

{{- define "alluxio.volumeMounts.common" -}}
- name: conf
  mountPath: /opt/alluxio/conf
- name: logs
  mountPath: /opt/alluxio/logs
- name: tmp
  mountPath: /tmp
- name: scripts
  mountPath: /opt/alluxio-scripts
  readOnly: true
{{- if not (include "alluxio.rootUfs" .) }}
- name: underfs
  mountPath: {{ include "alluxio.localUfsPath" . }}
{{- end }}
{{- if include "alluxio.hdfs.configMap" . }}
- name: hadoop-conf
  mountPath: {{ .Values.hdfs.mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{/*
Init container that assembles /opt/alluxio/conf: the image's defaults plus the
chart's alluxio-site.properties (the entrypoint appends alluxio-env.sh there,
so the directory must be writable while the root filesystem stays read-only).
Usage: include "alluxio.initContainer.config" (dict "securityContext" .Values.master.containerSecurityContext "context" $)
*/}}
{{- define "alluxio.initContainer.config" -}}
- name: config
  image: {{ include "common.images.image" (dict "image" .context.Values.image "context" .context) }}
  imagePullPolicy: {{ .context.Values.image.pullPolicy }}
  command: ["bash", "-euo", "pipefail", "/opt/alluxio-scripts/config-init.sh"]
  resources:
    {{- toYaml .context.Values.init.resources | nindent 4 }}
  {{- include "common.container.securityContext" .securityContext | nindent 2 }}
  volumeMounts:
    - name: conf
      mountPath: /conf-out
    - name: chart-config
      mountPath: /opt/alluxio-chart-conf
      readOnly: true
    - name: scripts
      mountPath: /opt/alluxio-scripts
      readOnly: true
{{- end -}}

{{/* Pod-level fields shared by every workload of the chart. */}}
{{- define "alluxio.pod.common" -}}
serviceAccountName: {{ include "common.serviceAccount.name" .context }}
automountServiceAccountToken: {{ .context.Values.serviceAccount.automountServiceAccountToken }}
enableServiceLinks: false
{{- include "common.images.pullSecrets" .context }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
{{- include "common.pod.securityContext" .values.podSecurityContext }}
{{- $locality := ternary (include "common.stack.dataNodeAffinity" (dict "weight" 50 "context" .context)) "" (eq .component "worker") }}
{{- include "common.pod.scheduling" (dict "values" .values "component" .component "podAffinity" $locality "context" .context) }}
{{- end -}}

{{/* Path of the Prometheus metrics on a master's or worker's web port (Alluxio's PrometheusMetricsServlet). */}}
{{- define "alluxio.metrics.path" -}}/metrics/prometheus/{{- end -}}

{{/* Pod template metadata: standard labels + podLabels, config checksums + podAnnotations. */}}
{{- define "alluxio.pod.metadata" -}}
labels:
  {{- include "common.labels.standard" (dict "component" .component "context" .context) | nindent 2 }}
  {{- with (include "alluxio.networkPolicy.stackLabels" .context | trim) }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with .values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ include (print .context.Template.BasePath "/config/configmap.yaml") .context | sha256sum }}
  checksum/scripts: {{ include (print .context.Template.BasePath "/config/configmap-scripts.yaml") .context | sha256sum }}
  {{- if has .component (list "master" "worker") }}
  {{- with (include "common.metrics.podAnnotations" (dict "port" .values.ports.web "path" (include "alluxio.metrics.path" .context) "context" .context)) }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- end }}
  {{- with .values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
Label that makes an Alluxio pod a client of the HDFS chart of the umbrella release (its NetworkPolicies
accept "<hdfs fullname>-client: true"): HDFS as the root under storage is read by masters and workers.
*/}}
{{- define "alluxio.networkPolicy.stackLabels" -}}
{{- if include "alluxio.hdfs.configMap" . }}
{{- include "common.stack.clientLabels" (dict "charts" (list "hdfs") "context" .) }}
{{- end }}
{{- end -}}
