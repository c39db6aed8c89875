{{/*
The spark chart's NOTES, as a named template so that the umbrella chart prints them too (Helm shows a
subchart's NOTES.txt only with --render-subchart-notes): templates/NOTES.txt includes it with the
chart's context, charts/umbrella/templates/NOTES.txt with .Subcharts.spark.
*/}}
{{- define "spark.notes" -}}
{{- $ns := include "common.names.namespace" . -}}
{{- $m := include "spark.master.fullname" . -}}
Spark {{ .Chart.AppVersion }} (standalone) is being deployed as release "{{ .Release.Name }}" in namespace "{{ $ns }}".

Master URL (spark-submit --master, sparklyr spark_connect(master = ...)):
  {{ include "spark.master.url" . }}
{{- if include "spark.master.ha" . }}
Masters: {{ .Values.master.replicaCount }}, ZooKeeper recovery through {{ include "spark.zookeeper.quorum" . }} (znode {{ include "spark.zookeeper.znode" . }}).
{{- else }}
Masters: 1, no recovery mode (a restarted master forgets running applications; use 2+ masters and zookeeper.quorum for HA).
{{- end }}
Workers: {{ if .Values.worker.autoscaling.enabled }}{{ .Values.worker.autoscaling.minReplicas }}..{{ .Values.worker.autoscaling.maxReplicas }} (HPA){{ else }}{{ .Values.worker.replicaCount }}{{ end }}, each giving Spark {{ include "spark.worker.cores" . }} cores and {{ include "spark.worker.memoryMiB" . }} MiB.
{{- with (include "spark.hadoop.configMap" .) }}
HDFS client configuration: ConfigMap "{{ . }}" mounted at {{ include "spark.hadoopConfDir" . }} (HADOOP_CONF_DIR).
{{- end }}

{{- if .Values.auth.enabled }}
RPC authentication: on (spark.authenticate{{ if .Values.auth.encryption }}, spark.network.crypto.enabled{{ end }}). Every driver needs the shared secret
as spark.authenticate.secret in its Spark configuration (spark-defaults.conf or --conf; a driver refuses to
start with only the env _SPARK_AUTH_SECRET). The chart's Zeppelin, RStudio and helm test pods get it in
their spark-defaults.conf (an in-memory volume, never an env variable of the notebook). Read it with:
  kubectl -n {{ $ns }} get secret {{ include "spark.auth.secretName" . }} -o jsonpath='{.data.{{ .Values.auth.secretKey | replace "." "\\." }}}' | base64 -d
{{- else }}
RPC authentication: off (any client reaching the master port can run code on the workers; set auth.enabled=true).
{{- end }}
{{- include "common.metrics.notes" (dict "what" "/metrics/master/prometheus on the masters' and /metrics/prometheus on the workers' web ports (Spark's PrometheusServlet), executors' on each driver UI" "context" .) }}
{{- if .Values.networkPolicy.enabled }}
NetworkPolicies: on. Drivers outside this chart (spark-submit pods, other notebooks) need the label
  {{ include "common.networkPolicy.clientLabel" . }}: "true"{{ if not .Values.networkPolicy.allowExternal }} (or networkPolicy.extraIngress){{ end }}, and must accept the executors' connections back.
{{- if and (include "spark.worker.hostNetwork" .) (not (include "common.networkPolicy.nodeCIDRs" . | fromYamlArray)) }}
WARNING: host-network workers with no global.locality.nodeCIDRs: the master cluster port and the notebook drivers' ports accept every source.
{{- end }}
{{- end }}
{{- if include "spark.worker.hostNetwork" . }}
Workers use their nodes' network{{ if include "common.locality.enabled" . }} (locality mode){{ end }}, named by node IP: ports {{ .Values.worker.service.ports.cluster }} and {{ .Values.worker.service.ports.http }}, and the
executors' ports, are the node's; one worker per node. A driver outside the nodes' network must accept
connections from the node addresses.
{{- end }}

Master web UI (workers and applications are reachable through it):
{{- if .Values.master.ingress.enabled }}
  http{{ if .Values.master.ingress.tlsSecret }}s{{ end }}://{{ .Values.master.ingress.hostname }}{{ .Values.master.ingress.path }}
{{- else }}
  kubectl -n {{ $ns }} port-forward svc/{{ $m }} {{ .Values.master.service.ports.http }}  then open http://127.0.0.1:{{ .Values.master.service.ports.http }}
{{- end }}
{{- if include "spark.historyServer.enabled" . }}
{{- $hs := .Values.historyServer }}

History server (every application's UI, from the event logs the drivers write to {{ include "spark.historyServer.logDirectory" . }}):
{{- if $hs.ingress.enabled }}
  http{{ if $hs.ingress.tlsSecret }}s{{ end }}://{{ $hs.ingress.hostname }}{{ $hs.ingress.path }}
{{- else }}
  kubectl -n {{ $ns }} port-forward svc/{{ include "spark.historyServer.fullname" . }} {{ $hs.service.ports.http }}  then open http://127.0.0.1:{{ $hs.service.ports.http }}
{{- end }}
  The directory must exist and be writable by every driver's user (drivers without it fail at start).
{{- end }}
{{- if .Values.zeppelin.enabled }}
{{- $z := include "spark.zeppelin.fullname" . }}

Zeppelin (user "{{ .Values.zeppelin.auth.username }}"):
{{- if .Values.zeppelin.ingress.enabled }}
  http{{ if .Values.zeppelin.ingress.tlsSecret }}s{{ end }}://{{ .Values.zeppelin.ingress.hostname }}{{ .Values.zeppelin.ingress.path }}
{{- else }}
  kubectl -n {{ $ns }} port-forward svc/{{ $z }} {{ .Values.zeppelin.service.ports.http }}  then open http://127.0.0.1:{{ .Values.zeppelin.service.ports.http }}
{{- end }}
  Password{{ if not (or .Values.zeppelin.auth.password .Values.zeppelin.auth.existingSecret) }} (generated at install, kept across upgrades){{ end }}: kubectl -n {{ $ns }} get secret {{ include "spark.notebook.secretName" (dict "values" .Values.zeppelin "component" "zeppelin" "context" .) }} -o jsonpath='{.data.{{ include "spark.notebook.secretKey" (dict "values" .Values.zeppelin) }}}' | base64 -d
{{- end }}
{{- if .Values.rstudio.enabled }}
{{- $r := include "spark.rstudio.fullname" . }}

RStudio Server (user "rstudio"):
{{- if .Values.rstudio.ingress.enabled }}
  http{{ if .Values.rstudio.ingress.tlsSecret }}s{{ end }}://{{ .Values.rstudio.ingress.hostname }}{{ .Values.rstudio.ingress.path }}
{{- else }}
  kubectl -n {{ $ns }} port-forward svc/{{ $r }} {{ .Values.rstudio.service.ports.http }}  then open http://127.0.0.1:{{ .Values.rstudio.service.ports.http }}
{{- end }}
  Password{{ if not (or .Values.rstudio.auth.password .Values.rstudio.auth.existingSecret) }} (generated at install, kept across upgrades){{ end }}: kubectl -n {{ $ns }} get secret {{ include "spark.notebook.secretName" (dict "values" .Values.rstudio "component" "rstudio" "context" .) }} -o jsonpath='{.data.{{ include "spark.notebook.secretKey" (dict "values" .Values.rstudio) }}}' | base64 -d
  In R: library(sparklyr); sc <- spark_connect(master = Sys.getenv("SPARK_MASTER_URL"))
{{- end }}

Check health:
  kubectl -n {{ $ns }} get pods -l app.kubernetes.io/instance={{ .Release.Name }}
{{- if .Values.tests.enabled }}
  helm test {{ .Release.Name }} -n {{ $ns }}    (runs SparkPi on the cluster)
{{- end }}
{{- end -}}
