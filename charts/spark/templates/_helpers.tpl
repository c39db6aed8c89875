{{/*
Names, addresses and derived sizes of the Spark chart, computed here once and
used by every template.
*/}}

{{- define "spark.fullname" -}}{{ include "common.names.fullname" . }}{{- end -}}
{{- define "spark.configMapName" -}}{{ printf "%s-config" (include "spark.fullname" .) }}{{- end -}}
{{- define "spark.scriptsDir" -}}/opt/spark-scripts{{- end -}}
{{/* "true" when workers run in their node's network namespace: worker.hostNetwork or locality mode (global.locality). */}}
{{- define "spark.worker.hostNetwork" -}}
{{- include "common.locality.hostNetwork" (dict "value" .Values.worker.hostNetwork "context" .) -}}
{{- end -}}
{{/* checkov skips of the worker StatefulSet (common.checkov.skipAnnotations): host-network workers on purpose. */}}
{{- define "spark.worker.checkovSkips" -}}
{{- if include "spark.worker.hostNetwork" . }}
CKV_K8S_19: "opt-in worker.hostNetwork (or locality mode): workers and their executors take their node's address, the host of the node's DataNode and Alluxio blocks, so Spark schedules tasks NODE_LOCAL"
CKV2_K8S_6: "opt-in worker.hostNetwork: NetworkPolicies do not apply to host-network pods, so none is rendered for workers; the master and driver policies admit them by their nodes' CIDRs"
{{- end }}
{{- end -}}
{{- define "spark.scriptsConfigMapName" -}}{{ printf "%s-scripts" (include "spark.fullname" .) }}{{- end -}}
{{- define "spark.master.fullname" -}}{{ include "common.names.component" (dict "component" "master" "context" .) }}{{- end -}}
{{- define "spark.master.headless" -}}{{ printf "%s-headless" (include "spark.master.fullname" .) }}{{- end -}}
{{- define "spark.worker.fullname" -}}{{ include "common.names.component" (dict "component" "worker" "context" .) }}{{- end -}}
{{- define "spark.worker.headless" -}}{{ printf "%s-headless" (include "spark.worker.fullname" .) }}{{- end -}}
{{- define "spark.historyServer.fullname" -}}{{ include "common.names.component" (dict "component" "history-server" "context" .) }}{{- end -}}
{{/*
Event log directory of the history server and the drivers: historyServer.logDirectory, else, when the
umbrella installs HDFS in the same release, hdfs:///spark-events on it (the umbrella has the HDFS chart
create it: hdfs.directories.items.spark-events); empty otherwise.
*/}}
{{- define "spark.historyServer.logDirectory" -}}
{{- if .Values.historyServer.logDirectory -}}
{{- .Values.historyServer.logDirectory -}}
{{- else if and (include "common.stack.enabled" (dict "chart" "hdfs" "context" .)) (not .Values.hadoop.configMap) -}}
hdfs:///spark-events
{{- end -}}
{{- end -}}
{{/*
"true" when the history server runs: historyServer.enabled, with a log directory. Under the umbrella
without HDFS and without historyServer.logDirectory it stays off (one flag, hdfs.enabled, leaves HDFS
out); installed alone, a missing directory is a values error (validate.yaml).
*/}}
{{- define "spark.historyServer.enabled" -}}
{{- if and .Values.historyServer.enabled (or (include "spark.historyServer.logDirectory" .) (not (include "common.stack.enabled" (dict "chart" "spark" "context" .)))) -}}true{{- end -}}
{{- end -}}
{{/* History server heap (SPARK_DAEMON_MEMORY) in MiB: historyServer.jvm.maxRAMPercentage of its memory limit. */}}
{{- define "spark.historyServer.daemonMemoryMiB" -}}
{{- $limit := include "spark.limitMiB" .Values.historyServer.resources | int -}}
{{- div (mul $limit (int .Values.historyServer.jvm.maxRAMPercentage)) 100 -}}
{{- end -}}
{{- define "spark.zeppelin.fullname" -}}{{ include "common.names.component" (dict "component" "zeppelin" "context" .) }}{{- end -}}
{{- define "spark.zeppelin.headless" -}}{{ printf "%s-driver" (include "spark.zeppelin.fullname" .) }}{{- end -}}
{{/* The Python of Zeppelin's pyspark and python interpreters: zeppelin.interpreter.python, else the image's environment. */}}
{{- define "spark.zeppelin.python" -}}
{{- .Values.zeppelin.interpreter.python | default (printf "%s/bin/python" .Values.zeppelin.pythonEnvironment.path) -}}
{{- end -}}
{{/* "true" when the workers get a copy of the Zeppelin image's Python environment: Zeppelin on, sharing on and
     the interpreters' Python inside the environment (otherwise the copy serves nobody). */}}
{{- define "spark.zeppelin.sharesPython" -}}
{{- $z := .Values.zeppelin -}}
{{- if and $z.enabled $z.pythonEnvironment.shareWithWorkers (hasPrefix (printf "%s/" $z.pythonEnvironment.path) (include "spark.zeppelin.python" .)) -}}true{{- end -}}
{{- end -}}
{{- define "spark.rstudio.fullname" -}}{{ include "common.names.component" (dict "component" "rstudio" "context" .) }}{{- end -}}
{{- define "spark.rstudio.headless" -}}{{ printf "%s-driver" (include "spark.rstudio.fullname" .) }}{{- end -}}

{{/* Secret holding a notebook's password: existingSecret, else the chart's. Usage: include "spark.notebook.secretName" (dict "values" .Values.zeppelin "component" "zeppelin" "context" $) */}}
{{- define "spark.notebook.secretName" -}}
{{- default (include "common.names.component" (dict "component" .component "context" .context)) .values.auth.existingSecret -}}
{{- end -}}
{{- define "spark.notebook.secretKey" -}}
{{- ternary .values.auth.existingSecretPasswordKey "password" (not (empty .values.auth.existingSecret)) -}}
{{- end -}}

{{/* PVC of a notebook: existingClaim, else the chart's. */}}
{{- define "spark.notebook.claimName" -}}
{{- default (include "common.names.component" (dict "component" .component "context" .context)) .values.persistence.existingClaim -}}
{{- end -}}

{{/* Whether masters run with ZooKeeper recovery (2 or more masters). */}}
{{- define "spark.master.ha" -}}
{{- if ge (int .Values.master.replicaCount) 2 }}true{{ end -}}
{{- end -}}

{{/* "true" when the masters run the router sidecar (2+ masters, master.router.enabled). */}}
{{- define "spark.master.router" -}}
{{- if and (include "spark.master.ha" .) .Values.master.router.enabled }}true{{ end -}}
{{- end -}}

{{/* spark://m0:7077,m1:7077: every master, by its stable pod DNS name. */}}
{{- define "spark.master.url" -}}
{{- printf "spark://%s" (include "common.names.podAddressList" (dict "statefulset" (include "spark.master.fullname" .) "service" (include "spark.master.headless" .) "replicas" .Values.master.replicaCount "port" .Values.master.service.ports.cluster "context" .)) -}}
{{- end -}}

{{/* Znode directory of the recovery state. */}}
{{- define "spark.zookeeper.znode" -}}
{{- default (printf "/spark-%s" (include "spark.fullname" .)) .Values.zookeeper.znode -}}
{{- end -}}

{{/* Memory limit of a resources block in MiB, 0 when unset (validate.yaml reports a missing limit). */}}
{{- define "spark.limitMiB" -}}
{{- $limits := (. | default dict).limits | default dict -}}
{{- if $limits.memory }}{{ include "common.quantity.mebibytes" $limits.memory }}{{ else }}0{{ end -}}
{{- end -}}

{{/* Master heap in MiB: jvm.maxRAMPercentage of the memory limit. */}}
{{- define "spark.master.daemonMemoryMiB" -}}
{{- $limit := include "spark.limitMiB" .Values.master.resources | int -}}
{{- div (mul $limit (int .Values.master.jvm.maxRAMPercentage)) 100 -}}
{{- end -}}

{{/* Worker cores handed to Spark: CPU limit, else request, rounded down, at least 1. */}}
{{- define "spark.worker.cores" -}}
{{- $res := .Values.worker.resources | default dict -}}
{{- $cpu := ((($res.limits | default dict).cpu) | default (($res.requests | default dict).cpu)) | default 1 -}}
{{- max 1 (int (floor (include "common.quantity.float" $cpu | float64))) -}}
{{- end -}}

{{/* Worker daemon heap in MiB. */}}
{{- define "spark.worker.daemonMemoryMiB" -}}
{{- include "common.quantity.mebibytes" .Values.worker.daemonMemory -}}
{{- end -}}

{{/* Executors a worker runs for an application with the chart's spark.executor.cores: its cores / config.executorCores, at least 1. */}}
{{- define "spark.worker.executors" -}}
{{- max 1 (div (include "spark.worker.cores" . | int) (max 1 (int .Values.config.executorCores))) -}}
{{- end -}}

{{/* Memory kept out of Spark's share of a worker in MiB: memoryOverhead + executors x executorMemoryOverhead. */}}
{{- define "spark.worker.overheadMiB" -}}
{{- $worker := include "common.quantity.mebibytes" .Values.worker.memoryOverhead | int -}}
{{- $perExecutor := include "common.quantity.mebibytes" .Values.worker.executorMemoryOverhead | int -}}
{{- add $worker (mul $perExecutor (include "spark.worker.executors" . | int)) -}}
{{- end -}}

{{/* Worker memory handed to Spark in MiB: memory limit - daemon heap - overheads (may be <= 0: validate.yaml reports it). */}}
{{- define "spark.worker.memoryMiB" -}}
{{- $limit := include "spark.limitMiB" .Values.worker.resources | int -}}
{{- sub (sub $limit (include "spark.worker.daemonMemoryMiB" . | int)) (include "spark.worker.overheadMiB" . | int) -}}
{{- end -}}

{{/* A JVM size (512m, 2g, 1t, 01g; the schema's pattern [0-9]+[kmgt]?) in MiB, as Spark reads it (JavaUtils.byteStringAs: no suffix is MiB here, leading zeros do not matter). */}}
{{- define "spark.jvmSize.mib" -}}
{{- $s := lower (toString .) -}}
{{- $digits := regexFind "^[0-9]+" $s -}}
{{- $n := $digits | atoi -}}
{{- $unit := trimPrefix $digits $s -}}
{{- if eq $unit "t" }}{{ mul $n 1048576 }}{{ else if eq $unit "g" }}{{ mul $n 1024 }}{{ else if eq $unit "k" }}{{ div $n 1024 }}{{ else }}{{ $n }}{{ end -}}
{{- end -}}

{{/* Default file system for spark.hadoop.fs.defaultFS (empty: none set). */}}
{{- define "spark.defaultFS" -}}
{{- .Values.config.defaultFS -}}
{{- end -}}

{{/*
HDFS client ConfigMap mounted as HADOOP_CONF_DIR: hadoop.configMap, else (installed by the
umbrella with HDFS in the same release) the HDFS chart's ConfigMap of this release.
*/}}
{{- define "spark.hadoop.configMap" -}}
{{- if .Values.hadoop.configMap -}}
{{- .Values.hadoop.configMap -}}
{{- else if include "common.stack.enabled" (dict "chart" "hdfs" "context" .) -}}
{{- include "common.stack.hdfs.configMapName" . -}}
{{- end -}}
{{- end -}}

{{/* ZooKeeper of the masters' recovery: zookeeper.quorum, else the release's HDFS ZooKeeper. */}}
{{- define "spark.zookeeper.quorum" -}}
{{- if .Values.zookeeper.quorum -}}
{{- .Values.zookeeper.quorum -}}
{{- else if include "common.stack.enabled" (dict "chart" "hdfs" "context" .) -}}
{{- include "common.stack.hdfs.zookeeper" . -}}
{{- end -}}
{{- end -}}

{{/* Alluxio master RPC addresses for the client: alluxio.masterAddresses, else the release's Alluxio. */}}
{{- define "spark.alluxio.masters" -}}
{{- if .Values.alluxio.masterAddresses -}}
{{- .Values.alluxio.masterAddresses -}}
{{- else if include "common.stack.enabled" (dict "chart" "alluxio" "context" .) -}}
{{- include "common.stack.alluxio.master" . -}}
{{- end -}}
{{- end -}}

{{- define "spark.alluxio.clientDir" -}}/opt/alluxio-client{{- end -}}
{{- define "spark.alluxio.clientJar" -}}{{ include "spark.alluxio.clientDir" . }}/alluxio-client.jar{{- end -}}

{{/*
Init container copying the Alluxio client jar into the pod (drivers and executors put it on their
classpath). Renders nothing without Alluxio.
Usage: include "spark.alluxio.clientInit" (dict "securityContext" .Values.worker.containerSecurityContext "context" $)
*/}}
{{- define "spark.alluxio.clientInit" -}}
{{- if include "spark.alluxio.masters" .context }}
{{- $c := .context.Values.alluxio.client }}
- name: alluxio-client
  image: {{ include "common.images.image" (dict "image" $c.image "context" .context) }}
  imagePullPolicy: {{ $c.image.pullPolicy }}
  command: ["cp", {{ $c.jarPath | quote }}, {{ include "spark.alluxio.clientJar" .context | quote }}]
  resources:
    {{- toYaml $c.resources | nindent 4 }}
  {{- include "common.container.securityContext" .securityContext | nindent 2 }}
  volumeMounts:
    - name: alluxio-client
      mountPath: {{ include "spark.alluxio.clientDir" .context }}
{{- end }}
{{- end -}}

{{/* Mount path of the Spark configuration (SPARK_CONF_DIR) in every pod. */}}
{{- define "spark.confDir" -}}/etc/spark/conf{{- end -}}
{{- define "spark.hadoopConfDir" -}}/etc/hadoop/conf{{- end -}}

{{/* Environment every Spark-using container gets: SPARK_CONF_DIR, HADOOP_CONF_DIR (when wired), master URL. */}}
{{- define "spark.env.common" -}}
- name: SPARK_CONF_DIR
  value: {{ .confDir | default (include "spark.confDir" .context) | quote }}
- name: SPARK_MASTER_URL
  value: {{ include "spark.master.url" .context | quote }}
{{- if include "spark.hadoop.configMap" .context }}
- name: HADOOP_CONF_DIR
  value: {{ include "spark.hadoopConfDir" .context | quote }}
{{- end }}
{{- end -}}

{{/* Volumes for the Spark and Hadoop configuration (plus, with auth.enabled, the drivers' generated copy). */}}
{{- define "spark.volumes.config" -}}
- name: spark-conf
  configMap:
    name: {{ include "spark.configMapName" . }}
{{- if .Values.auth.enabled }}
- name: spark-conf-driver
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- end }}
{{- with (include "spark.hadoop.configMap" .) }}
- name: hadoop-conf
  configMap:
    name: {{ . }}
{{- end }}
{{- if include "spark.alluxio.masters" . }}
- name: alluxio-client
  emptyDir:
    sizeLimit: 256Mi
{{- end }}
{{- end -}}

{{/*
Mounts of those volumes. Usage: include "spark.volumeMounts.config" (dict "confDir" "/x" "driver" true "context" $)
A driver (notebooks, helm test) with auth.enabled sees, at the same SPARK_CONF_DIR, the copy of the
ConfigMap that its spark-conf init container completed with spark.authenticate.secret.
*/}}
{{- define "spark.volumeMounts.config" -}}
- name: {{ ternary "spark-conf-driver" "spark-conf" (and (not (empty .driver)) .context.Values.auth.enabled) }}
  mountPath: {{ .confDir | default (include "spark.confDir" .context) }}
  readOnly: true
{{- if include "spark.hadoop.configMap" .context }}
- name: hadoop-conf
  mountPath: {{ include "spark.hadoopConfDir" .context }}
  readOnly: true
{{- end }}
{{- if include "spark.alluxio.masters" .context }}
- name: alluxio-client
  mountPath: {{ include "spark.alluxio.clientDir" .context }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* Pod-level fields shared by every workload of the chart. */}}
{{- define "spark.pod.common" -}}
serviceAccountName: {{ include "common.serviceAccount.name" .context }}
automountServiceAccountToken: {{ .context.Values.serviceAccount.automountServiceAccountToken }}
{{- include "common.images.pullSecrets" .context }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
{{- include "common.pod.securityContext" .values.podSecurityContext }}
{{- $locality := ternary (include "common.stack.dataNodeAffinity" (dict "weight" 50 "context" .context)) "" (eq .component "worker") }}
{{- include "common.pod.scheduling" (dict "values" .values "component" .component "podAffinity" $locality "context" .context) }}
{{- end -}}

{{/*
spark-defaults.conf properties of the metrics (YAML map; empty without metrics.enabled): Spark's
PrometheusServlet sink (its instance must be named prometheusServlet: MetricsSystem) on every metrics
system, at /metrics/prometheus, the master's at /metrics/master/prometheus and the applications' at
/metrics/applications/prometheus on the master's web UI; executor metrics on the driver UI.
*/}}
{{- define "spark.metrics.properties" -}}
{{- if .Values.metrics.enabled }}
"spark.metrics.conf.*.sink.prometheusServlet.class": org.apache.spark.metrics.sink.PrometheusServlet
"spark.metrics.conf.*.sink.prometheusServlet.path": /metrics/prometheus
"spark.metrics.conf.master.sink.prometheusServlet.path": /metrics/master/prometheus
"spark.metrics.conf.applications.sink.prometheusServlet.path": /metrics/applications/prometheus
"spark.ui.prometheus.enabled": "true"
{{- end }}
{{- end -}}

{{/* The metrics path of a component's web port (master, worker; empty for the others). */}}
{{- define "spark.metrics.path" -}}
{{- if eq .component "master" }}/metrics/master/prometheus{{ else if eq .component "worker" }}/metrics/prometheus{{ end -}}
{{- end -}}

{{/* Pod template metadata: standard labels + podLabels, config checksum + metrics annotations + podAnnotations. */}}
{{- define "spark.pod.metadata" -}}
labels:
  {{- include "common.labels.standard" (dict "component" .component "context" .context) | nindent 2 }}
  {{- with (include "spark.networkPolicy.stackLabels" (dict "component" .component "context" .context) | trim) }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with .values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ include (print .context.Template.BasePath "/config/configmap.yaml") .context | sha256sum }}
  {{- with .extraChecksum }}
  checksum/component: {{ . }}
  {{- end }}
  {{- with (include "spark.metrics.path" (dict "component" .component)) }}
  {{- include "common.metrics.podAnnotations" (dict "port" $.values.service.ports.http "path" . "context" $.context) | nindent 2 }}
  {{- end }}
  {{- with .values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
Init container copying a directory of an image (the Spark image unless "image" names another) into a shared volume.
Usage: include "spark.copyInit" (dict "name" "copy-spark" "from" "/opt/spark" "volume" "spark-home" "resources" x "securityContext" y "context" $ ["image" .Values.zeppelin.image] ["preserveTimes" true])
*/}}
{{- define "spark.copyInit" -}}
{{- $image := .image | default .context.Values.image -}}
- name: {{ .name }}
  image: {{ include "common.images.image" (dict "image" $image "context" .context) }}
  imagePullPolicy: {{ $image.pullPolicy }}
  {{- if .preserveTimes }}
  # Entry by entry, keeping modification times (Python's cached bytecode stays valid: the copy is mounted
  # read-only, so stale .pyc files could not be rewritten); the volume's own root keeps its owner's times.
  command: ["sh", "-ec", "cd {{ .from }} && for e in * .[!.]* ..?*; do if [ -e \"$e\" ] || [ -L \"$e\" ]; then cp -R --preserve=timestamps,mode,links \"$e\" /target/; fi; done"]
  {{- else }}
  command: ["sh", "-ec", "cp -R {{ .from }}/. /target/"]
  {{- end }}
  resources:
    {{- toYaml .resources | nindent 4 }}
  {{- include "common.container.securityContext" .securityContext | nindent 2 }}
  volumeMounts:
    - name: {{ .volume }}
      mountPath: /target
{{- end -}}

{{/* HTTP UI ingress. Usage: include "spark.ingress" (dict "values" .Values.zeppelin.ingress "name" x "component" "zeppelin" "context" $) */}}
{{- define "spark.ingress" -}}
{{- with .values }}
{{- if .enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  {{- include "common.metadata" (dict "name" $.name "component" $.component "annotations" .annotations "context" $.context) | nindent 2 }}
spec:
  {{- with .className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if .tlsSecret }}
  tls:
    - hosts:
        - {{ .hostname | quote }}
      secretName: {{ .tlsSecret }}
  {{- end }}
  rules:
    - host: {{ .hostname | quote }}
      http:
        paths:
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ $.name }}
                port:
                  name: http
{{- end }}
{{- end }}
{{- end -}}


{{/*
Spark RPC authentication (auth.*): spark.authenticate with one shared secret for masters, workers,
executors and every driver. The secret lives only in a Secret: the chart's <fullname>-auth (random,
generated once and kept across upgrades) or auth.existingSecret.
*/}}
{{- define "spark.auth.secretName" -}}
{{- default (printf "%s-auth" (include "spark.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{/*
Env of every Spark container with auth.enabled: _SPARK_AUTH_SECRET, which Spark's SecurityManager
reads in every JVM (daemons, executors, drivers) before spark.authenticate.secret; the worker hands
it on to the executors it launches.
*/}}
{{- define "spark.auth.env" -}}
{{- if .Values.auth.enabled }}
- name: _SPARK_AUTH_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "spark.auth.secretName" . }}
      key: {{ .Values.auth.secretKey }}
{{- end }}
{{- end -}}

{{/*
Init container of a driver pod with auth.enabled. A driver against spark:// refuses to start unless
spark.authenticate.secret is in its configuration (SecurityManager.initializeAuth), so this copies
the ConfigMap's SPARK_CONF_DIR into the in-memory spark-conf-driver volume and appends the secret
there, owner- and group-readable only. The secret never enters a ConfigMap or a command line.
Usage: include "spark.auth.driverInit" (dict "image" <image values> "resources" x "securityContext" y "context" $)
*/}}
{{- define "spark.auth.driverInit" -}}
{{- if .context.Values.auth.enabled }}
- name: spark-conf
  image: {{ include "common.images.image" (dict "image" .image "context" .context) }}
  imagePullPolicy: {{ .image.pullPolicy }}
  command:
    - sh
    - -ec
    - |
      umask 027
      cp /etc/spark/conf-template/* /spark-conf/
      printf 'spark.authenticate.secret %s\n' "$_SPARK_AUTH_SECRET" >> /spark-conf/spark-defaults.conf
      chmod 0640 /spark-conf/*
  env:
    {{- include "spark.auth.env" .context | nindent 4 }}
  resources:
    {{- toYaml .resources | nindent 4 }}
  {{- include "common.container.securityContext" .securityContext | nindent 2 }}
  volumeMounts:
    - name: spark-conf
      mountPath: /etc/spark/conf-template
      readOnly: true
    - name: spark-conf-driver
      mountPath: /spark-conf
{{- end }}
{{- end -}}

{{/*
NetworkPolicy wiring (see charts/common/templates/_networkpolicy.tpl).
spark.networkPolicy.components: the components of "list" this release deploys (a YAML list).
*/}}
{{- define "spark.networkPolicy.components" -}}
{{- $out := list -}}
{{- range .list -}}
{{- if or (has . (list "master" "worker")) (index $.context.Values . "enabled") }}{{ $out = append $out . }}{{ end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
NetworkPolicy of a notebook (Zeppelin, RStudio): its UI from clients and from the ingress controller
when it has an Ingress; its client-mode driver's RPC port from the executors (worker pods) and the
masters (which call a registered driver back on it), its block manager port from the executors; the application UIs (spark.ui.port 4040, up to 16 retries) from the masters, which
proxy them with config.reverseProxy.
Usage: include "spark.networkPolicy.notebook" (dict "component" "zeppelin" "values" .Values.zeppelin "context" $)
*/}}
{{- define "spark.networkPolicy.notebook" -}}
{{- $ctx := .context -}}
{{- $rules := list (include "common.networkPolicy.rule.clients" (dict "ports" (list "http") "context" $ctx)) -}}
{{- $rules = append $rules (include "common.networkPolicy.rule.ingressController" (dict "enabled" .values.ingress.enabled "ports" (list "http") "context" $ctx)) -}}
{{- $d := .values.driver -}}
{{- $last := sub (int $d.maxDrivers) 1 -}}
{{- $driverPorts := list (dict "port" (int $d.port) "endPort" (add (int $d.port) $last)) -}}
{{- $blockPorts := list (dict "port" (int $d.blockManagerPort) "endPort" (add (int $d.blockManagerPort) $last)) -}}
{{- $rules = append $rules (include "common.networkPolicy.rule" (dict "ports" $driverPorts "peers" (include "common.networkPolicy.peer.components" (dict "components" (list "master" "worker") "context" $ctx)))) -}}
{{- $rules = append $rules (include "common.networkPolicy.rule" (dict "ports" $blockPorts "peers" (include "common.networkPolicy.peer.components" (dict "components" (list "worker") "context" $ctx)))) -}}
{{- if include "spark.worker.hostNetwork" $ctx -}}
{{- /* Host-network executors call the driver from their node's address. */ -}}
{{- $rules = append $rules (include "common.networkPolicy.rule.nodes" (dict "ports" (concat $driverPorts $blockPorts) "who" "Host-network executors" "context" $ctx)) -}}
{{- end -}}
{{- if $ctx.Values.config.reverseProxy -}}
{{- $rules = append $rules (include "common.networkPolicy.rule" (dict "ports" (list (dict "port" 4040 "endPort" 4056)) "peers" (include "common.networkPolicy.peer.components" (dict "components" (list "master") "context" $ctx)))) -}}
{{- end -}}
{{- include "common.networkPolicy" (dict "component" .component "rules" $rules "context" $ctx) -}}
{{- end -}}

{{/*
Labels that make a pod of this chart a client of its sibling charts in the umbrella (their
NetworkPolicies accept them): HDFS (every Spark pod may read HDFS), Alluxio, and for the masters the
HDFS chart's ZooKeeper when they recover through it.
Usage: include "spark.networkPolicy.stackLabels" (dict "component" "master" "context" $)
*/}}
{{- define "spark.networkPolicy.stackLabels" -}}
{{- include "common.stack.clientLabels" (dict "charts" (list "hdfs" "alluxio") "context" .context) }}
{{- if and (eq .component "master") (include "spark.master.ha" .context) (not .context.Values.zookeeper.quorum) (include "common.stack.enabled" (dict "chart" "hdfs" "context" .context)) }}
{{ include "common.stack.hdfs.zookeeperClientLabel" .context }}: "true"
{{- end }}
{{- end -}}

{{/*
Driver ports of a notebook pod (Zeppelin, RStudio): driver i (0 <= i < driver.maxDrivers) binds
driver.port + i and driver.blockManagerPort + i; Spark tries the next port when one is taken, at most
spark.port.maxRetries (maxDrivers - 1) times. A YAML list of {name, port}: driver-<i>, then blockmgr-<i>.
Usage: include "spark.driver.ports" .Values.zeppelin.driver | fromYamlArray
*/}}
{{- define "spark.driver.ports" -}}
{{- range $kind := list (list "driver" $.port) (list "blockmgr" $.blockManagerPort) }}
{{- range $i := until (int $.maxDrivers) }}
- {name: {{ index $kind 0 }}-{{ $i }}, port: {{ add (int (index $kind 1)) $i }}}
{{- end }}
{{- end }}
{{- end -}}

{{/* Container ports of a notebook pod's drivers. Usage: include "spark.driver.containerPorts" .Values.zeppelin.driver */}}
{{- define "spark.driver.containerPorts" -}}
{{- range include "spark.driver.ports" . | fromYamlArray }}
- name: {{ .name }}
  containerPort: {{ .port }}
{{- end }}
{{- end -}}

{{/* Service ports of a notebook pod's headless driver Service. Usage: include "spark.driver.servicePorts" .Values.zeppelin.driver */}}
{{- define "spark.driver.servicePorts" -}}
{{- range include "spark.driver.ports" . | fromYamlArray }}
- name: {{ .name }}
  port: {{ .port }}
  targetPort: {{ .name }}
{{- end }}
{{- end -}}

{{/* spark.port.maxRetries of a notebook pod's drivers. Usage: include "spark.driver.maxRetries" .Values.zeppelin.driver */}}
{{- define "spark.driver.maxRetries" -}}
{{- sub (int .maxDrivers) 1 -}}
{{- end -}}
